// Rate limits, run apart (vitest.config.ts, project "rate-limits") with low limits: 5 requests a minute
// per API key, 3 refused webhook deliveries a minute per merchant and address. Windows are aligned to the
// clock, so each loop sends enough to cross the limit even if a window rolls over mid-loop.
import { describe, expect } from "vitest";
import { call, createMerchant, it, track, uid } from "../helpers";
import { fetchPage, signInForm } from "../support/dashboard";
import { deliver, invoiceEvent, SECRET, text } from "../support/razorpay";

const API_LIMIT = 5;
const REFUSAL_LIMIT = 3;
const SIGN_IN_LIMIT = 3;

/** Sends until the first 429 (at most two windows' worth and one more); returns it and how many passed. */
async function until429(send: () => Promise<{ status: number; headers: Headers; body: any }>, limit: number) {
  for (let i = 0; i < 2 * limit + 2; i++) {
    const res = await send();
    if (res.status === 429) return res;
  }
  throw new Error("never limited");
}

const basic = (user: string) => `Basic ${btoa(`${user}:`)}`;

describe("rate limits", () => {
  it("per API key on /v1: 429 with Retry-After in our error shape; another key is not affected", async () => {
    const m = await createMerchant();
    const res = await until429(() => call("GET", "/v1/webhook-deliveries", { key: m.key }), API_LIMIT);
    expect(res.headers.get("retry-after")).toBe("60");
    expect(res.body).toEqual({
      error: { code: "rate_limited", message: expect.stringContaining("60 seconds") },
    });
    const second = await call("POST", `/admin/merchants/${m.id}/api-keys`, { key: "test-admin-token" });
    const other = await call("GET", "/v1/webhook-deliveries", { key: second.body.key });
    expect(other.status).toBe(200);
  });

  it("per API key on the Refrens dialect, in Feathers' shape", async () => {
    const m = await createMerchant();
    const path = `/businesses/${m.id}/invoices/${uid("inv")}/payments`;
    const res = await until429(
      () => call("GET", path, { headers: { authorization: `Bearer ${m.key}` } }),
      API_LIMIT,
    );
    expect(res.headers.get("retry-after")).toBe("60");
    expect(res.body).toMatchObject({ name: "TooManyRequests", code: 429, className: "too-many-requests" });
  });

  it("per API key on the Chargebee dialect, in Chargebee's shape", async () => {
    const m = await createMerchant();
    const res = await until429(
      () =>
        call("POST", `/api/v2/invoices/${uid("inv")}/record_payment`, {
          raw: "transaction[amount]=100&transaction[payment_method]=cash",
          headers: { authorization: basic(m.key), "content-type": "application/x-www-form-urlencoded" },
        }),
      API_LIMIT,
    );
    expect(res.headers.get("retry-after")).toBe("60");
    expect(res.body).toMatchObject({ api_error_code: "api_request_limit_exceeded", http_status_code: 429 });
  });

  it("webhooks: only refusals count, per merchant and address; a verified delivery is never refused for volume", async () => {
    const m = await createMerchant({ providers: { razorpay: { webhook_secrets: [SECRET] } } });
    const ip = { "cf-connecting-ip": "198.51.100.20" };
    const bad = () =>
      call("POST", `/webhooks/razorpay/${m.id}`, {
        raw: "{}",
        headers: { ...ip, "content-type": "application/json", "x-razorpay-signature": "0".repeat(64) },
      });
    const limited = await until429(bad, REFUSAL_LIMIT);
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(limited.body.error.code).toBe("rate_limited");

    // The same address, correctly signed: verified first, so applied.
    const inv = uid("inv_");
    track(m.id, inv);
    const body = text(
      invoiceEvent({
        invoiceId: inv,
        paymentId: uid("pay"),
        amount: 100,
        at: 1_760_000_000,
        amountPaid: 100,
      }),
    );
    const good = await call("POST", `/webhooks/razorpay/${m.id}`, {
      raw: body,
      headers: {
        ...ip,
        "content-type": "application/json",
        "x-razorpay-signature": await (await import("../support/razorpay")).razorpaySignature(SECRET, body),
      },
    });
    expect(good.status, good.text).toBe(200);
    // Another address is counted apart.
    const elsewhere = await deliver(m.id, "{}", { secret: "wrong-secret-0001" });
    expect(elsewhere.status).toBe(401);
    // What was refused for volume is not stored: the log holds at most the limit's worth per window.
    const log = await call("GET", "/v1/webhook-deliveries?outcome=refused&limit=200", { key: m.key });
    expect(
      log.body.data.filter((d: any) => d.source_ip === ip["cf-connecting-ip"]).length,
    ).toBeLessThanOrEqual(2 * REFUSAL_LIMIT);
  });

  it("dashboard sign-in, per source address: 429 with the form and Retry-After; another address signs in", async () => {
    const m = await createMerchant();
    const attempt = async (ip: string, key: string) => {
      const form = await signInForm();
      const res = await fetchPage("POST", "/dashboard/sign-in", {
        cookie: form.cookie,
        headers: { "cf-connecting-ip": ip },
        form: { csrf_token: form.token, api_key: key },
      });
      return { ...res, body: res.text };
    };
    const res = await until429(() => attempt("203.0.113.7", "ilk_wrong"), SIGN_IN_LIMIT);
    expect(res.headers.get("retry-after")).toBe("60");
    expect(res.body).toMatch(/role="alert"[^>]*>Too many sign-in attempts/);
    // Even the right key waits out the window from that address: the limit is before any key is looked up.
    const right = await attempt("203.0.113.7", m.key);
    expect(right.status).toBe(429);
    expect(right.headers.getSetCookie().some((c) => c.startsWith("il_session="))).toBe(false);
    const elsewhere = await attempt("198.51.100.9", m.key);
    expect(elsewhere.status).toBe(303);
  });
});
