// The request log: one JSON line per request, with route, merchant, status, duration and outcome, and
// never a key, token or secret. The suite runs with LOG_LEVEL=silent, so these tests call the app
// directly with LOG_LEVEL=info and capture the console of this isolate.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, type MockInstance, vi } from "vitest";
import { app } from "../../src/app";
import { toBase64, utf8 } from "../../src/lib/crypto";
import rivertyFull from "../fixtures/riverty/payment-received-full.json?raw";
import { ADMIN, createInvoice, createMerchant, it, track, uid } from "../helpers";

const METHODS = ["log", "info", "warn", "error", "debug"] as const;
const RIVERTY_PROD_IP = "20.103.56.175";
let spies: MockInstance[] = [];

beforeEach(() => {
  spies = METHODS.map((m) => vi.spyOn(console, m).mockImplementation(() => {}));
});
afterEach(() => {
  for (const s of spies) s.mockRestore();
});

/** Everything written to the console since the last reset, one string per call. */
const written = () => spies.flatMap((s) => s.mock.calls.map((args) => args.map(String).join(" ")));
const reset = () => {
  for (const s of spies) s.mockClear();
};

interface Sent {
  method?: string;
  body?: unknown;
  raw?: string;
  key?: string;
  headers?: Record<string, string>;
  logLevel?: string;
}

/** One request through the app with logging on; returns the response and the log lines it wrote. */
async function request(path: string, opts: Sent = {}) {
  reset();
  const headers = new Headers(opts.headers);
  if (opts.key) headers.set("authorization", `Bearer ${opts.key}`);
  let body: string | undefined = opts.raw;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers.set("content-type", "application/json");
  }
  const ctx = createExecutionContext();
  const res = await app.request(
    `http://ledger.test${path}`,
    { method: opts.method ?? "GET", headers, ...(body !== undefined ? { body } : {}) },
    { ...env, LOG_LEVEL: opts.logLevel ?? "info" },
    ctx,
  );
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  const out = written();
  const lines = out.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: res.status, text, json: text ? JSON.parse(text) : null, out, lines };
}

const logShape = {
  ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
  level: expect.stringMatching(/^(info|warn|error)$/),
  method: expect.any(String),
  route: expect.any(String),
  status: expect.any(Number),
  duration_ms: expect.any(Number),
};

describe("request log", () => {
  it("one JSON line per merchant request: route pattern, merchant, status, duration, outcome", async () => {
    const m = await createMerchant();
    const id = uid("inv");
    track(m.id, id);
    const put = await request(`/v1/invoices/${id}`, {
      method: "PUT",
      key: m.key,
      body: { currency: "INR", total: 1000 },
    });
    expect(put.status).toBe(201);
    expect(put.lines).toHaveLength(1);
    expect(put.lines[0]).toEqual({
      ...logShape,
      level: "info",
      method: "PUT",
      route: "/v1/invoices/:invoiceId",
      merchant: m.id,
      status: 201,
      outcome: "created",
      request_id: null,
    });
    expect(put.lines[0]!.duration_ms as number).toBeGreaterThanOrEqual(0);
    // The concrete path is not logged: ids in paths can be secrets (Riverty's token).
    expect(put.out[0]).not.toContain(id);

    const paid = await request(`/v1/invoices/${id}/payments`, {
      method: "POST",
      key: m.key,
      body: { amount: 100 },
    });
    expect(paid.status).toBe(201);
    expect(paid.lines).toEqual([
      expect.objectContaining({
        route: "/v1/invoices/:invoiceId/payments",
        merchant: m.id,
        status: 201,
        outcome: "applied",
      }),
    ]);

    const read = await request(`/v1/invoices/${id}`, { key: m.key, headers: { "cf-ray": "8f0c0ffee-SIN" } });
    expect(read.lines).toEqual([
      expect.objectContaining({ method: "GET", status: 200, merchant: m.id, request_id: "8f0c0ffee-SIN" }),
    ]);
  });

  it("refusals are logged as warnings with the error code as outcome", async () => {
    const m = await createMerchant();
    const { id } = await createInvoice(m.key, { total: 1000 });
    track(m.id, id);
    const cases: Array<[Sent & { path: string }, number, string]> = [
      [
        { path: `/v1/invoices/${id}/payments`, method: "POST", body: { amount: 5000 } },
        422,
        "rejected:amount_exceeds_due",
      ],
      [
        { path: `/v1/invoices/${id}/payments`, method: "POST", body: { amount: "5" } },
        422,
        "rejected:validation_failed",
      ],
      [
        {
          path: `/v1/invoices/${id}/payments`,
          method: "POST",
          raw: "{bad",
          headers: { "content-type": "application/json" },
        },
        400,
        "rejected:malformed_request",
      ],
      [{ path: `/v1/invoices/${uid("nope")}`, method: "GET" }, 404, "rejected:not_found"],
    ];
    for (const [sent, status, outcome] of cases) {
      const res = await request(sent.path, { ...sent, key: m.key });
      expect(res.status, outcome).toBe(status);
      expect(res.lines, outcome).toEqual([
        { ...logShape, level: "warn", merchant: m.id, status, outcome, request_id: null },
      ]);
    }
  });

  it("logs who was refused without logging what they presented", async () => {
    const wrongKey = `ilk_${"W".repeat(40)}`;
    const res = await request("/v1/invoices/x", { key: wrongKey });
    expect(res.status).toBe(401);
    expect(res.lines).toEqual([
      expect.objectContaining({ status: 401, merchant: null, outcome: "rejected:unauthorized" }),
    ]);
    expect(res.out.join("\n")).not.toContain(wrongKey);

    const wrongAdmin = await request(`/admin/merchants/${uid("m")}`, { key: "not-the-admin-token" });
    expect(wrongAdmin.status).toBe(401);
    expect(wrongAdmin.out.join("\n")).not.toContain("not-the-admin-token");
  });

  it("never writes the API key, the admin token or a configured secret", async () => {
    const id = uid("m");
    const secret = `whsec_${btoa("a-notification-secret-of-32-byte")}`;
    const all: string[] = [];
    const put = await request(`/admin/merchants/${id}`, {
      method: "PUT",
      key: ADMIN,
      body: {
        name: "Logged",
        notifications: { enabled: true, url: "https://merchant.example/hook", secret },
      },
    });
    expect(put.status).toBe(201);
    expect(put.lines).toEqual([
      expect.objectContaining({ route: "/admin/merchants/:merchantId", merchant: id, status: 201 }),
    ]);
    all.push(...put.out);

    const issued = await request(`/admin/merchants/${id}/api-keys`, { method: "POST", key: ADMIN });
    expect(issued.status).toBe(201);
    expect(issued.lines).toHaveLength(1);
    const key: string = issued.json.key;
    all.push(...issued.out);

    const invoiceId = uid("inv");
    track(id, invoiceId);
    for (const [path, method, body] of [
      [`/v1/invoices/${invoiceId}`, "PUT", { currency: "INR", total: 500 }],
      [`/v1/invoices/${invoiceId}/payments`, "POST", { amount: 100, reference: "CHQ-9" }],
      [`/v1/invoices/${invoiceId}/payments`, "GET", undefined],
      [`/v1/invoices/${invoiceId}`, "GET", undefined],
    ] as const) {
      const res = await request(path, { method, key, ...(body ? { body } : {}) });
      expect(res.status, path).toBeLessThan(300);
      expect(res.lines).toHaveLength(1);
      all.push(...res.out);
    }

    // A webhook whose path carries a token: the route pattern is logged, not the token.
    const token = "rvt_SECRET_PATH_TOKEN_0123456789";
    const hook = await request(`/webhooks/riverty/${id}/${token}`, {
      method: "POST",
      raw: "{}",
      headers: { "content-type": "application/json" },
    });
    expect(hook.lines).toHaveLength(1);
    all.push(...hook.out);

    const text = all.join("\n");
    expect(text).toContain(id); // the merchant is logged...
    for (const s of [key, key.slice(4), ADMIN, secret, token]) expect(text).not.toContain(s); // ...its secrets are not
  });

  it("logs why a signed delivery was refused: a HighLevel event for another location", async () => {
    const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const spki = toBase64((await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer);
    const pem = `-----BEGIN PUBLIC KEY-----\n${spki}\n-----END PUBLIC KEY-----`;
    const m = await createMerchant({
      providers: { highlevel: { location_ids: ["locMine01"], ed25519_public_keys: [pem] } },
    });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ altType: "location", altId: "locTheirs01" }, "unverified:location_not_allowed"],
      [
        { locationId: "locMine01", altType: "location", altId: "locTheirs01" },
        "unverified:location_not_allowed",
      ],
      [{}, "unverified:location_missing"],
    ];
    for (const [location, outcome] of cases) {
      const body = JSON.stringify({ _id: uid("inv"), status: "paid", amountPaid: 1, ...location });
      const signature = toBase64(await crypto.subtle.sign("Ed25519", pair.privateKey, utf8(body)));
      const res = await request(`/webhooks/highlevel/${m.id}`, {
        method: "POST",
        raw: body,
        headers: { "content-type": "application/json", "x-ghl-signature": signature },
      });
      expect(res.status, outcome).toBe(401);
      expect(res.lines, outcome).toEqual([
        {
          ...logShape,
          level: "warn",
          route: "/webhooks/:provider/:merchantId",
          merchant: m.id,
          outcome,
          request_id: null,
        },
      ]);
      expect(res.out.join("\n")).not.toContain("locTheirs01");
    }
  });

  it("never writes Riverty's path token, whether the delivery is applied or refused", async () => {
    const token = `Rv7_${crypto.randomUUID()}`;
    const wrong = `Rv7_${crypto.randomUUID()}`;
    const m = await createMerchant({ providers: { riverty: { tokens: [token] } } });
    track(m.id, "INVO90006768");
    const cases: Array<[string, string, number, string]> = [
      [token, RIVERTY_PROD_IP, 200, "applied"],
      [token, RIVERTY_PROD_IP, 200, "duplicate"],
      [wrong, RIVERTY_PROD_IP, 401, "unverified:token_mismatch"],
      [token, "203.0.113.9", 401, "unverified:ip_not_allowed"],
    ];
    for (const [presented, ip, status, outcome] of cases) {
      const res = await request(`/webhooks/riverty/${m.id}/${presented}`, {
        method: "POST",
        raw: rivertyFull,
        headers: { "content-type": "application/json", "cf-connecting-ip": ip },
      });
      expect(res.status, outcome).toBe(status);
      expect(res.lines, outcome).toEqual([
        expect.objectContaining({ route: "/webhooks/riverty/:merchantId/:token", merchant: m.id, outcome }),
      ]);
      for (const secret of [token, wrong]) expect(res.out.join("\n"), outcome).not.toContain(secret);
    }
  });

  it("writes nothing when LOG_LEVEL is silent", async () => {
    const res = await request("/healthz", { logLevel: "silent" });
    expect(res.status).toBe(200);
    expect(res.out).toEqual([]);
    const on = await request("/healthz");
    expect(on.lines).toEqual([
      {
        ...logShape,
        level: "info",
        route: "/healthz",
        merchant: null,
        status: 200,
        outcome: null,
        request_id: null,
      },
    ]);
  });
});
