import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { ADMIN, call, createInvoice, createMerchant, it, track, uid } from "../helpers";

const OLD = `whsec_${btoa("old-standard-secret-0123456789ab")}`;
const NEW = `whsec_${btoa("new-standard-secret-0123456789ab")}`;
const NOTIFY = {
  enabled: true,
  url: "https://merchant.example/hooks",
  secret: `whsec_${btoa("notification-secret-0123456789ab")}`,
  cadence_days: [-1, 3],
};
const CONFIG = {
  name: "Acme",
  providers: {
    standard: { secrets: [OLD] },
    razorpay: { webhook_secrets: ["rzp-secret-one"], account_ids: ["acc_One"] },
    chargebee: { basic_auth: [{ username: "cb-user", password: "cb-password-0123" }] },
  },
  notifications: NOTIFY,
};

const patch = (id: string, body: unknown, type = "application/merge-patch+json") =>
  call("PATCH", `/admin/merchants/${id}`, { key: ADMIN, body, headers: { "content-type": type } });
const stored = async (id: string) => JSON.parse((await env.MERCHANTS.get(`merchant:${id}`))!);
const fingerprint = async (secret: string) => `sec_${(await sha256Hex(secret)).slice(0, 12)}`;

async function merchant(config: Record<string, unknown> = CONFIG) {
  const id = uid("m");
  const put = await call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body: config });
  expect(put.status, put.text).toBe(201);
  return id;
}

function deliver(merchantId: string, secret: string, invoiceId: string) {
  const id = uid("msg");
  const body = JSON.stringify({
    type: "payment.recorded",
    timestamp: new Date().toISOString(),
    data: { invoice_id: invoiceId, payment_id: uid("p"), amount: 100, currency: "INR" },
  });
  // One instant for the signature and the header: two clock reads can straddle a second and disagree.
  const now = new Date();
  const headers = {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(id, now, body),
  };
  return call("POST", `/webhooks/standard/${merchantId}`, { raw: body, headers });
}

describe("PATCH /admin/merchants/{id}", () => {
  it("changes one setting and keeps every other, secrets included", async () => {
    const id = await merchant();
    const before = await stored(id);
    const res = await patch(id, { name: "Acme Ltd", notifications: { max_attempts: 3 } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.name).toBe("Acme Ltd");
    expect(res.body.notifications).toMatchObject({ enabled: true, cadence_days: [-1, 3], max_attempts: 3 });
    const after = await stored(id);
    expect(after.providers).toEqual(before.providers);
    expect(after.notifications).toEqual({ ...before.notifications, max_attempts: 3 });
    expect(res.text).not.toContain(NOTIFY.secret);
  });

  it("accepts application/json as well, and refuses other media types changing nothing", async () => {
    const id = await merchant();
    expect((await patch(id, { name: "Plain JSON" }, "application/json")).status).toBe(200);
    const before = await env.MERCHANTS.get(`merchant:${id}`);
    const res = await patch(id, { name: "Text" }, "text/plain");
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe("unsupported_media_type");
    expect(await env.MERCHANTS.get(`merchant:${id}`)).toBe(before);
  });

  it("GET lists each secret as an id its owner can compute; remove_secrets takes one out, add_secrets adds one", async () => {
    const id = await merchant();
    const read = await call("GET", `/admin/merchants/${id}`, { key: ADMIN });
    expect(read.body.secrets).toEqual(
      expect.arrayContaining([
        { id: await fingerprint(OLD), provider: "standard", field: "secrets" },
        { id: await fingerprint("rzp-secret-one"), provider: "razorpay", field: "webhook_secrets" },
        {
          id: await fingerprint("cb-password-0123"),
          provider: "chargebee",
          field: "basic_auth",
          username: "cb-user",
        },
      ]),
    );
    const m = await call("POST", `/admin/merchants/${id}/api-keys`, { key: ADMIN });
    const inv = await createInvoice(m.body.key);
    track(id, inv.id);

    // Rotation: add the new secret; both verify.
    const added = await patch(id, { providers: { standard: { add_secrets: [NEW] } } });
    expect(added.status, added.text).toBe(200);
    expect((await stored(id)).providers.standard.secrets).toEqual([OLD, NEW]);
    expect((await deliver(id, OLD, inv.id)).status).toBe(200);
    expect((await deliver(id, NEW, inv.id)).status).toBe(200);
    // Adding the same secret again is a no-op, so a retried PATCH does not duplicate it.
    expect((await patch(id, { providers: { standard: { add_secrets: [NEW] } } })).status).toBe(200);
    expect((await stored(id)).providers.standard.secrets).toEqual([OLD, NEW]);

    // Then drop the old one by its id: it no longer verifies; everything else is as it was.
    const before = await stored(id);
    const removed = await patch(id, {
      providers: { standard: { remove_secrets: [await fingerprint(OLD)] } },
    });
    expect(removed.status, removed.text).toBe(200);
    const after = await stored(id);
    expect(after.providers.standard.secrets).toEqual([NEW]);
    expect({ ...after, providers: { ...after.providers, standard: null }, updated_at: null }).toEqual({
      ...before,
      providers: { ...before.providers, standard: null },
      updated_at: null,
    });
    expect((await deliver(id, OLD, inv.id)).status).toBe(401);
    expect((await deliver(id, NEW, inv.id)).status).toBe(200);
  });

  it("refuses an unknown secret id, the last secret, a placeholder and an unknown provider, changing nothing", async () => {
    const id = await merchant();
    const before = await env.MERCHANTS.get(`merchant:${id}`);
    const bad: Array<[unknown, string]> = [
      [
        { providers: { standard: { remove_secrets: ["sec_000000000000"] } } },
        "providers.standard.remove_secrets",
      ],
      [
        { providers: { standard: { remove_secrets: [await fingerprint(OLD)] } } },
        "providers.standard.secrets",
      ],
      [{ providers: { razorpay: { add_secrets: ["[redacted]"] } } }, ""],
      [{ notifications: { secret: "[redacted]" } }, ""],
      [{ providers: { paypal: { add_secrets: ["x"] } } }, "providers.paypal"],
      [{ providers: { highlevel: { add_secrets: ["x"] } } }, "providers.highlevel.add_secrets"],
      [{ providers: { razorpay: { add_secrets: [] } } }, "providers.razorpay.add_secrets"],
      [{ notifications: { url: null } }, ""],
      [{ name: null }, "name"],
      [{ color: "red" }, ""],
    ];
    for (const [body, path] of bad) {
      const res = await patch(id, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      if (path) expect(res.body.error.message.startsWith(path), res.text).toBe(true);
    }
    expect(await env.MERCHANTS.get(`merchant:${id}`)).toBe(before);
    expect((await patch(uid("nobody"), { name: "x" })).status).toBe(404);
  });

  it("null removes a provider; arrays are replaced whole, as RFC 7396 says", async () => {
    const id = await merchant();
    const res = await patch(id, {
      providers: { chargebee: null, razorpay: { account_ids: ["acc_Two", "acc_Three"] } },
    });
    expect(res.status, res.text).toBe(200);
    const after = await stored(id);
    expect(Object.keys(after.providers).sort()).toEqual(["razorpay", "standard"]);
    expect(after.providers.razorpay).toEqual({
      webhook_secrets: ["rzp-secret-one"],
      account_ids: ["acc_Two", "acc_Three"],
    });
  });
});

describe("PUT /admin/merchants/{id} keeps replace semantics", () => {
  it("refuses a body that would silently erase the secrets and notifications, changing nothing", async () => {
    const id = await merchant();
    const before = await env.MERCHANTS.get(`merchant:${id}`);
    const res = await call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body: { name: "Only a name" } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("replace_would_drop");
    expect(res.body.error.message).toMatch(/providers \(.*standard.*\)/);
    expect(res.body.error.message).toContain("notifications");
    expect(await env.MERCHANTS.get(`merchant:${id}`)).toBe(before);
  });

  it("clears them when asked to explicitly", async () => {
    const id = await merchant();
    const res = await call("PUT", `/admin/merchants/${id}`, {
      key: ADMIN,
      body: { name: "Fresh start", providers: {}, notifications: {} },
    });
    expect(res.status, res.text).toBe(200);
    const after = await stored(id);
    expect(after.providers).toEqual({});
    expect(after.notifications.enabled).toBe(false);
  });
});

describe("GET /admin/merchants", () => {
  it("pages through merchants with has_more and next_cursor, each once", async () => {
    const mine = [await merchant(), await merchant(), await merchant()];
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 1000; pages++) {
      const q: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const res = await call("GET", `/admin/merchants${q}`, { key: ADMIN });
      expect(res.status, res.text).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      expect(res.body.has_more).toBe(res.body.next_cursor !== null);
      seen.push(...res.body.data.map((m: { id: string }) => m.id));
      cursor = res.body.next_cursor;
      if (!cursor) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of mine) expect(seen).toContain(id);
    const one = await call("GET", "/admin/merchants?limit=200", { key: ADMIN });
    const entry = one.body.data.find((m: { id: string }) => m.id === mine[0]);
    expect(entry).toMatchObject({ id: mine[0], name: "Acme", created_at: expect.any(String) });
    expect(one.text).not.toContain(OLD);
  });

  it("refuses a cursor it did not issue, even one holding a cursor KV would take", async () => {
    await merchant();
    await merchant();
    const b64url = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    // A genuine KV cursor, made up into a token without the API's seal (this was once accepted).
    const listed = await env.MERCHANTS.list({ prefix: "merchant:", limit: 1 });
    if (listed.list_complete) throw new Error("expected more than one merchant");
    const kv = listed;
    const issued = (await call("GET", "/admin/merchants?limit=1", { key: ADMIN })).body.next_cursor as string;
    const text = atob(issued.replace(/-/g, "+").replace(/_/g, "/"));
    const [version, scope, seal] = text.split(".");
    const forged = [
      "garbage",
      b64url("x"),
      b64url("m1."),
      b64url(`m1.${kv.cursor}`),
      b64url(`${version}.${scope}.${"0".repeat(32)}.${kv.cursor}`),
      b64url(`${version}.${scope}.${seal}.${kv.cursor}x`),
      b64url(`${version}.deliveries.${seal}.${text.split(".").slice(3).join(".")}`),
    ];
    for (const cursor of forged) {
      const res = await call("GET", `/admin/merchants?cursor=${cursor}`, { key: ADMIN });
      expect(res.status, cursor).toBe(422);
      expect(res.body.error.code).toBe("invalid_cursor");
    }
    // The issued one pages on.
    expect((await call("GET", `/admin/merchants?limit=1&cursor=${issued}`, { key: ADMIN })).status).toBe(200);
  });
});

describe("DELETE /admin/merchants/{id}", () => {
  it("stops its keys and webhooks at once, keeps its ledgers, and is 404 the second time", async () => {
    const m = await createMerchant({ providers: { standard: { secrets: [OLD] } } });
    const inv = await createInvoice(m.key);
    track(m.id, inv.id);
    expect((await deliver(m.id, OLD, inv.id)).status).toBe(200);
    const del = await call("DELETE", `/admin/merchants/${m.id}`, { key: ADMIN });
    expect(del.status).toBe(204);
    expect((await call("GET", `/v1/invoices/${inv.id}`, { key: m.key })).status).toBe(401);
    const hook = await deliver(m.id, OLD, inv.id);
    expect(hook.status).toBe(404);
    expect((await call("GET", `/admin/merchants/${m.id}`, { key: ADMIN })).status).toBe(404);
    expect((await call("DELETE", `/admin/merchants/${m.id}`, { key: ADMIN })).status).toBe(404);
    const keys = await env.MERCHANTS.list({ prefix: `keyentry:${m.id}:` });
    expect(keys.keys).toHaveLength(0);
    // The ledger is still there: the same merchant id, created again with a new key, reads it.
    const again = await createMerchant({}, m.id);
    const read = await call("GET", `/v1/invoices/${inv.id}`, { key: again.key });
    expect(read.status).toBe(200);
    expect(read.body.amount_paid).toBe(100);
  });
});
