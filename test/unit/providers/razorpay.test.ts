// Razorpay's verify as a pure function: raw bytes and headers in, an outcome out, no Worker involved.
import { describe, expect, it } from "vitest";
import { razorpay } from "../../../src/providers/razorpay";
import type { Delivery } from "../../../src/providers/types";
import { encoder, OLD_SECRET, razorpaySignature, SECRET } from "../../support/razorpay";

describe("razorpay verify (unit)", () => {
  const delivery = (raw: string, headers: Record<string, string>): Delivery => ({
    raw: encoder.encode(raw) as Uint8Array<ArrayBuffer>,
    headers: new Headers(headers),
    params: {},
    ip: null,
    now: 1_700_000_000,
    sha256: "0".repeat(64),
  });
  // razorpay-node test/utils/razorpay-utils.spec.js
  const body = '{"a":1,"b":2,"c":{"d":3}}';
  const vector = "2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc";

  it("accepts the Razorpay SDK test vector and names the matching secret by index only", async () => {
    const ok = await razorpay.verify(delivery(body, { "x-razorpay-signature": vector }), {
      webhook_secrets: ["123456"],
    });
    expect(ok).toEqual({ ok: true, method: "razorpay:hmac-sha256:secret#0" });
    expect(JSON.stringify(ok)).not.toContain("123456");
    expect(await razorpaySignature("123456", body)).toBe(vector);
  });

  it("tries every configured secret (rotation)", async () => {
    const ok = await razorpay.verify(delivery(body, { "x-razorpay-signature": vector }), {
      webhook_secrets: ["another-secret", "123456"],
    });
    expect(ok).toEqual({ ok: true, method: "razorpay:hmac-sha256:secret#1" });
  });

  it("tolerates upper-case hex and surrounding spaces, as a hex digest means the same bytes", async () => {
    const ok = await razorpay.verify(
      delivery(body, { "x-razorpay-signature": ` ${vector.toUpperCase()} ` }),
      {
        webhook_secrets: ["123456"],
      },
    );
    expect(ok.ok).toBe(true);
  });

  it("refuses a missing, malformed or wrong signature, a wrong secret and a changed body", async () => {
    const cfg = { webhook_secrets: ["123456"] };
    const cases: Array<[string, Record<string, string>, string]> = [
      [body, {}, "missing_signature"],
      [body, { "x-razorpay-signature": "" }, "malformed_signature"],
      [body, { "x-razorpay-signature": vector.slice(0, 63) }, "malformed_signature"],
      [body, { "x-razorpay-signature": `sha256=${vector}` }, "malformed_signature"],
      [body, { "x-razorpay-signature": `${vector.slice(0, 63)}g` }, "malformed_signature"],
      [body, { "x-razorpay-signature": `${vector.slice(0, 63)}d` }, "signature_mismatch"],
      ['{"a":1,"b":2,"c":{"d":4}}', { "x-razorpay-signature": vector }, "signature_mismatch"],
      [`${body}\n`, { "x-razorpay-signature": vector }, "signature_mismatch"],
    ];
    for (const [raw, headers, reason] of cases) {
      expect(await razorpay.verify(delivery(raw, headers), cfg)).toEqual({ ok: false, reason });
    }
    expect(
      await razorpay.verify(delivery(body, { "x-razorpay-signature": vector }), {
        webhook_secrets: ["1234567"],
      }),
    ).toEqual({ ok: false, reason: "signature_mismatch" });
  });

  it("configuration: 1-5 secrets of 8-256 characters, nothing else", () => {
    const ok = (v: unknown) => razorpay.configSchema.safeParse(v).success;
    expect(ok({ webhook_secrets: [SECRET] })).toBe(true);
    expect(ok({ webhook_secrets: [SECRET, OLD_SECRET] })).toBe(true);
    expect(ok({ webhook_secrets: [] })).toBe(false);
    expect(ok({ webhook_secrets: ["123456"] })).toBe(false); // the SDK vector's secret is too short for us
    expect(ok({ webhook_secrets: ["x".repeat(257)] })).toBe(false);
    expect(ok({ webhook_secrets: Array.from({ length: 6 }, (_, i) => `secret-number-${i}`) })).toBe(false);
    expect(ok({ webhook_secrets: [SECRET], webhook_secret: SECRET })).toBe(false);
    expect(ok({ webhook_secrets: SECRET })).toBe(false);
    expect(ok({ webhook_secrets: [SECRET], account_ids: ["acc_BFQ7uQEaa7j2z7"] })).toBe(true);
    expect(ok({ webhook_secrets: [SECRET], account_ids: [] })).toBe(false);
    expect(ok({ webhook_secrets: [SECRET], account_ids: ["BFQ7uQEaa7j2z7"] })).toBe(false);
    expect(ok({ webhook_secrets: [SECRET], account_ids: ["acc_"] })).toBe(false);
  });
});

describe("razorpay authorize (unit)", () => {
  const cfg = (account_ids?: string[]) => ({
    webhook_secrets: [SECRET],
    ...(account_ids ? { account_ids } : {}),
  });
  const event = (account_id: unknown) => ({ entity: "event", account_id, event: "payment.captured" });

  it("without account_ids takes every event the secret verified", () => {
    expect(razorpay.authorize?.(event("acc_Anyone"), cfg())).toEqual({ ok: true });
  });

  it("with account_ids takes only those accounts' events", () => {
    const mine = cfg(["acc_BFQ7uQEaa7j2z7"]);
    expect(razorpay.authorize?.(event("acc_BFQ7uQEaa7j2z7"), mine)).toEqual({ ok: true });
    const refused = { ok: false, reason: "account_not_allowed" };
    expect(razorpay.authorize?.(event("acc_OtherAccount01"), mine)).toEqual(refused);
    expect(razorpay.authorize?.(event(undefined), mine)).toEqual(refused);
    expect(razorpay.authorize?.(event(["acc_BFQ7uQEaa7j2z7"]), mine)).toEqual(refused);
    // Not an object: nothing a ledger could act on, which normalize answers 400.
    expect(razorpay.authorize?.([], mine)).toEqual({ ok: true });
  });
});
