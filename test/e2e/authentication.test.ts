// One API-key middleware guards every /v1 route (app.ts), on Hono's bearerAuth: each route answers the same
// 401 to every way of not presenting a key, and each reaches its handler with one.
import { describe, expect } from "vitest";
import { call, createMerchant, it, track, uid } from "../helpers";

const ROUTES = (invoice: string): Array<[string, string, unknown?]> => [
  ["PUT", `/v1/invoices/${invoice}`, { currency: "INR", total: 1000 }],
  ["GET", `/v1/invoices/${invoice}`],
  ["POST", `/v1/invoices/${invoice}/void`],
  ["POST", `/v1/invoices/${invoice}/payments`, { amount: 100 }],
  ["GET", `/v1/invoices/${invoice}/payments`],
  ["POST", `/v1/invoices/${invoice}/payments/pay_1/reverse`, {}],
  ["GET", `/v1/invoices/${invoice}/events`],
  ["GET", `/v1/invoices/${invoice}/anomalies`],
  ["GET", `/v1/invoices/${invoice}/reminders`],
];

describe("API keys on /v1", () => {
  it("refuses every /v1 route alike without a usable key, before reading or changing anything", async () => {
    const m = await createMerchant();
    const invoice = uid("inv");
    const refusals: Array<Record<string, string>> = [
      {},
      { authorization: "Bearer" },
      { authorization: `Bearer\t${m.key}` }, // RFC 6750 §2.1: the scheme, one space, the token
      { authorization: `Bearer ${m.key}!` },
      { authorization: `Bearer ${m.key}x` },
      { authorization: `Basic ${btoa(`${m.key}:`)}` },
      { authorization: m.key },
    ];
    for (const [method, path, body] of ROUTES(invoice)) {
      for (const headers of refusals) {
        const res = await call(method, path, { headers, ...(body ? { body } : {}) });
        expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.body).toEqual({ error: { code: "unauthorized", message: "A valid API key is required" } });
      }
    }
    const read = await call("GET", `/v1/invoices/${invoice}`, { key: m.key });
    expect(read.status).toBe(404);
  });

  it("lets a key through to every /v1 route, in either case of the scheme", async () => {
    const m = await createMerchant();
    const invoice = uid("inv");
    track(m.id, invoice);
    for (const [method, path, body] of ROUTES(invoice)) {
      const res = await call(method, path, {
        headers: { authorization: `bearer ${m.key}` },
        ...(body ? { body } : {}),
      });
      expect(res.status, `${method} ${path}`).not.toBe(401);
    }
    const read = await call("GET", `/v1/invoices/${invoice}`, { key: m.key });
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(invoice);
  });
});
