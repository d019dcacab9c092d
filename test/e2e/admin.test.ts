import { env } from "cloudflare:workers";
import { describe, expect } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { PROVIDERS } from "../../src/providers/registry";
import { ADMIN, call, createInvoice, createMerchant, it, track, uid } from "../helpers";

const WHSEC = `whsec_${btoa("0123456789abcdef0123456789abcdef")}`;

// A valid configuration, with its secrets, for each provider this build knows; providers not listed
// here are left out of the merchant rather than guessed at.
const PROVIDER_SAMPLES: Record<string, { config: unknown; secrets: string[] }> = {
  razorpay: { config: { webhook_secrets: ["rzp-hook-secret-1"] }, secrets: ["rzp-hook-secret-1"] },
  standard: { config: { secrets: [WHSEC] }, secrets: [WHSEC] },
  chargebee: {
    config: { basic_auth: [{ username: "cb-hooks", password: "cb-password-0123" }] },
    secrets: ["cb-password-0123"],
  },
  riverty: {
    config: { tokens: ["rvt_path_token_0123456789abcdef"] },
    secrets: ["rvt_path_token_0123456789abcdef"],
  },
};
const providers = Object.fromEntries(
  Object.entries(PROVIDER_SAMPLES)
    .filter(([name]) => name in PROVIDERS)
    .map(([name, s]) => [name, s.config]),
);
const providerSecrets = Object.entries(PROVIDER_SAMPLES)
  .filter(([name]) => name in PROVIDERS)
  .flatMap(([, s]) => s.secrets);

const NOTIFICATIONS = {
  enabled: true,
  url: "https://merchant.example/hooks/reminders",
  secret: `whsec_${btoa("notification-secret-0123456789ab")}`,
  cadence_days: [-1, 3],
};

/** Every key and value in the MERCHANTS namespace, as text. */
async function kvDump(): Promise<Array<{ name: string; value: string }>> {
  const out: Array<{ name: string; value: string }> = [];
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<unknown, string> = await env.MERCHANTS.list(cursor ? { cursor } : {});
    for (const k of page.keys) out.push({ name: k.name, value: (await env.MERCHANTS.get(k.name)) ?? "" });
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return out;
}

describe("ADMIN_TOKEN", () => {
  it("guards every /admin route: missing or wrong token is 401 and stores nothing", async () => {
    const id = uid("m");
    const m = await createMerchant();
    const routes: Array<[string, string, unknown?]> = [
      ["PUT", `/admin/merchants/${id}`, { name: "x" }],
      ["GET", `/admin/merchants/${m.id}`],
      ["POST", `/admin/merchants/${m.id}/api-keys`],
      ["DELETE", `/admin/merchants/${m.id}/api-keys/${m.keyId}`],
    ];
    const wrong: Array<Record<string, string>> = [
      {},
      { authorization: "Bearer" },
      { authorization: "Bearer wrong-admin-token" },
      { authorization: `Bearer ${ADMIN}x` },
      { authorization: `Bearer ${ADMIN.slice(0, -1)}` },
      { authorization: `Bearer ${ADMIN.toUpperCase()}` },
      // Tokens of every other length, and one of the same length, are refused alike.
      { authorization: `Bearer ${"t".repeat(ADMIN.length)}` },
      { authorization: `Bearer ${ADMIN.repeat(8)}` },
      { authorization: "Bearer t" },
      { authorization: `Bearer ${ADMIN}${ADMIN}` },
      { authorization: `Basic ${btoa(`admin:${ADMIN}`)}` },
      { authorization: `Bearer ${m.key}` }, // a merchant's API key is not an admin token
      { "x-admin-token": ADMIN },
    ];
    for (const [method, path, body] of routes) {
      for (const headers of wrong) {
        const res = await call(method, path, { headers, ...(body ? { body } : {}) });
        expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.body).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
      }
    }
    expect(await env.MERCHANTS.get(`merchant:${id}`)).toBeNull();
    // The key that the refused DELETE named still works.
    track(m.id, (await createInvoice(m.key)).id);
  });
});

describe("merchants", () => {
  it("merchant ids must match ^[a-z0-9][a-z0-9_-]{0,62}$; a refused id stores nothing", async () => {
    const bad = [
      "Acme",
      "-acme",
      "_acme",
      "acme.co",
      "a".repeat(64),
      "a%20b",
      "%C3%A4",
      "a%2Fb",
      "ACME",
      "a b",
    ];
    const before = (await kvDump()).map((k) => k.name);
    for (const id of bad) {
      const res = await call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body: { name: "Bad" } });
      expect([400, 404, 422], id).toContain(res.status);
      expect(res.body.error.code, id).toEqual(expect.any(String));
      const key = await call("POST", `/admin/merchants/${id}/api-keys`, { key: ADMIN });
      expect([400, 404, 422], id).toContain(key.status);
    }
    const after = (await kvDump()).map((k) => k.name).filter((n) => !before.includes(n));
    // Other test files may write meanwhile; none of the refused ids may appear.
    for (const id of bad) {
      expect(after).not.toContain(`merchant:${id}`);
      expect(after).not.toContain(`merchant:${decodeURIComponent(id)}`);
    }
    for (const id of ["a", "0", `z${"9".repeat(62)}`, "acme_co-2"]) {
      const res = await call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body: { name: "Good" } });
      expect(res.status, id).toBe(201);
      expect(res.body.id).toBe(id);
    }
  });

  it("PUT creates (201), then updates (200) without losing API keys", async () => {
    const id = uid("m");
    const created = await call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body: { name: "Acme" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id, name: "Acme", api_keys: [], providers: {} });
    expect(created.body.notifications).toMatchObject({ enabled: false });
    const issued = await call("POST", `/admin/merchants/${id}/api-keys`, { key: ADMIN });
    expect(issued.status).toBe(201);

    const updated = await call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body: { name: "Acme Ltd" } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id, name: "Acme Ltd", created_at: created.body.created_at });
    expect(updated.body.updated_at >= created.body.updated_at).toBe(true);
    expect(updated.body.api_keys).toEqual([
      { id: issued.body.id, prefix: issued.body.key.slice(0, 8), created_at: issued.body.created_at },
    ]);
    expect((await call("GET", `/admin/merchants/${id}`, { key: ADMIN })).body.name).toBe("Acme Ltd");
    track(id, (await createInvoice(issued.body.key)).id);
  });

  it("refuses an invalid configuration and keeps the stored one", async () => {
    const id = uid("m");
    await call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body: { name: "Acme" } });
    const stored = await env.MERCHANTS.get(`merchant:${id}`);
    const bodies: unknown[] = [
      {},
      { name: "" },
      { name: 5 },
      { name: "Acme", colour: "red" },
      { name: "Acme", providers: { nosuchprovider: {} } },
      { name: "Acme", notifications: { enabled: true } },
      { name: "Acme", notifications: { enabled: true, url: "ftp://x.example", secret: WHSEC } },
      { name: "Acme", notifications: { ...NOTIFICATIONS, secret: "not-a-whsec" } },
    ];
    for (const body of bodies) {
      const res = await call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
    }
    const malformed = await call("PUT", `/admin/merchants/${id}`, {
      key: ADMIN,
      raw: "{nope",
      headers: { "content-type": "application/json" },
    });
    expect(malformed.status).toBe(400);
    expect(await env.MERCHANTS.get(`merchant:${id}`)).toBe(stored);
  });

  it("never shows a secret: provider and notification secrets are redacted", async () => {
    const id = uid("m");
    const body = { name: "Secretive", providers, notifications: NOTIFICATIONS };
    const put = await call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body });
    expect(put.status, put.text).toBe(201);
    const get = await call("GET", `/admin/merchants/${id}`, { key: ADMIN });
    expect(get.status).toBe(200);
    for (const res of [put, get]) {
      for (const secret of [...providerSecrets, NOTIFICATIONS.secret]) expect(res.text).not.toContain(secret);
      expect(res.body.notifications).toMatchObject({
        enabled: true,
        url: NOTIFICATIONS.url,
        secret: "[redacted]",
        cadence_days: [-1, 3],
      });
      expect(Object.keys(res.body.providers).sort()).toEqual(Object.keys(providers).sort());
      if ("chargebee" in providers) {
        expect(res.body.providers.chargebee.basic_auth[0]).toEqual({
          username: "cb-hooks",
          password: "[redacted]",
        });
      }
    }
    // Stored as given: the service needs them to verify webhooks and sign reminders.
    const stored = JSON.parse((await env.MERCHANTS.get(`merchant:${id}`))!);
    expect(stored.notifications.secret).toBe(NOTIFICATIONS.secret);
  });

  it("a configuration read back (with its redacted placeholders) and PUT again never stores a placeholder", async () => {
    // One merchant per secret, so that one schema refusing the placeholder does not hide another accepting it.
    const configs: Array<[string, Record<string, unknown>]> = [
      ...Object.entries(providers).map(([name, config]): [string, Record<string, unknown>] => [
        name,
        { providers: { [name]: config } },
      ]),
      ["notifications", { notifications: NOTIFICATIONS }],
    ];
    for (const [what, config] of configs) {
      const id = uid("m");
      const put = await call("PUT", `/admin/merchants/${id}`, {
        key: ADMIN,
        body: { name: "Round trip", ...config },
      });
      expect(put.status, what).toBe(201);
      const stored = await env.MERCHANTS.get(`merchant:${id}`);
      const read = (await call("GET", `/admin/merchants/${id}`, { key: ADMIN })).body;
      const back = await call("PUT", `/admin/merchants/${id}`, {
        key: ADMIN,
        body: { name: read.name, providers: read.providers, notifications: read.notifications },
      });
      // Refusing the placeholder and keeping the stored secret are both safe; storing it is not.
      if (back.status === 422) expect(await env.MERCHANTS.get(`merchant:${id}`), what).toBe(stored);
      else expect(back.status, what).toBe(200);
      expect(await env.MERCHANTS.get(`merchant:${id}`), what).not.toContain("[redacted]");
    }
  });

  it("answers 404 for an unknown merchant", async () => {
    const id = uid("nobody");
    expect((await call("GET", `/admin/merchants/${id}`, { key: ADMIN })).status).toBe(404);
    expect((await call("POST", `/admin/merchants/${id}/api-keys`, { key: ADMIN })).status).toBe(404);
    expect((await call("DELETE", `/admin/merchants/${id}/api-keys/key_x`, { key: ADMIN })).status).toBe(404);
  });
});

describe("API keys", () => {
  it("are shown once, look like ilk_..., work for /v1, and only their hash is stored", async () => {
    const id = uid("m");
    await call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body: { name: "Keys" } });
    const issued = await call("POST", `/admin/merchants/${id}/api-keys`, { key: ADMIN });
    expect(issued.status).toBe(201);
    expect(issued.body).toEqual({
      id: expect.stringMatching(/^key_/),
      key: expect.stringMatching(/^ilk_[A-Za-z0-9]{40}$/),
      created_at: expect.any(String),
    });
    const key: string = issued.body.key;

    const invoiceId = uid("inv");
    const inv = await call("PUT", `/v1/invoices/${invoiceId}`, {
      key,
      body: { currency: "INR", total: 100 },
    });
    expect(inv.status).toBe(201);
    track(id, invoiceId);

    // The key is never shown again...
    const get = await call("GET", `/admin/merchants/${id}`, { key: ADMIN });
    expect(get.text).not.toContain(key);
    expect(get.text).not.toContain(await sha256Hex(key));
    expect(get.body.api_keys).toEqual([
      { id: issued.body.id, prefix: key.slice(0, 8), created_at: expect.any(String) },
    ]);

    // ...and never stored: only its SHA-256 names the lookup entry.
    const dump = await kvDump();
    for (const { name, value } of dump) {
      expect(name).not.toContain(key);
      expect(value).not.toContain(key);
    }
    const lookup = await env.MERCHANTS.get(`apikey:${await sha256Hex(key)}`, "json");
    expect(lookup).toEqual({ merchant_id: id, key_id: issued.body.id });
  });

  it("DELETE revokes a key (here at once; at the edge within the KV cache TTL); the merchant's other keys keep working", async () => {
    const m = await createMerchant();
    const second = await call("POST", `/admin/merchants/${m.id}/api-keys`, { key: ADMIN });
    const { id } = await createInvoice(m.key);
    track(m.id, id);

    const del = await call("DELETE", `/admin/merchants/${m.id}/api-keys/${m.keyId}`, { key: ADMIN });
    expect(del.status).toBe(204);
    expect(del.text).toBe("");
    const refused = await call("GET", `/v1/invoices/${id}`, { key: m.key });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("unauthorized");
    expect(await env.MERCHANTS.get(`apikey:${await sha256Hex(m.key)}`)).toBeNull();

    const ok = await call("GET", `/v1/invoices/${id}`, { key: second.body.key });
    expect(ok.status).toBe(200);
    const listed = (await call("GET", `/admin/merchants/${m.id}`, { key: ADMIN })).body.api_keys;
    expect(listed.map((k: { id: string }) => k.id)).toEqual([second.body.id]);

    const again = await call("DELETE", `/admin/merchants/${m.id}/api-keys/${m.keyId}`, { key: ADMIN });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe("not_found");
    expect(
      (await call("DELETE", `/admin/merchants/${m.id}/api-keys/key_unknown`, { key: ADMIN })).status,
    ).toBe(404);
  });

  it("keys issued at the same moment are all listed, and each can be revoked", async () => {
    const id = uid("m");
    await call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body: { name: "Many keys" } });
    const issued = await Promise.all(
      Array.from({ length: 12 }, () => call("POST", `/admin/merchants/${id}/api-keys`, { key: ADMIN })),
    );
    expect(issued.map((r) => r.status)).toEqual(Array(12).fill(201));
    const listed = (await call("GET", `/admin/merchants/${id}`, { key: ADMIN })).body.api_keys;
    expect(listed.map((k: { id: string }) => k.id).sort()).toEqual(issued.map((r) => r.body.id).sort());

    const revoked = await Promise.all(
      issued.map((r) => call("DELETE", `/admin/merchants/${id}/api-keys/${r.body.id}`, { key: ADMIN })),
    );
    expect(revoked.map((r) => r.status)).toEqual(Array(12).fill(204));
    for (const r of issued) {
      expect((await call("GET", "/v1/invoices/any", { key: r.body.key })).status).toBe(401);
    }
    expect((await call("GET", `/admin/merchants/${id}`, { key: ADMIN })).body.api_keys).toEqual([]);
  });

  it("a key cannot be used for another merchant's keys or invoices", async () => {
    const a = await createMerchant();
    const b = await createMerchant();
    // Deleting b's key under a's id is not found, and b's key keeps working.
    const cross = await call("DELETE", `/admin/merchants/${a.id}/api-keys/${b.keyId}`, { key: ADMIN });
    expect(cross.status).toBe(404);
    track(b.id, (await createInvoice(b.key)).id);
  });
});
