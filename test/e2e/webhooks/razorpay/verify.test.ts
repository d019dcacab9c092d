// Razorpay deliveries over HTTP that must be refused (or bound to the merchant) before anything is applied.
import { describe, expect } from "vitest";
import partiallyPaidSample from "../../../fixtures/razorpay/invoice.partially_paid.json";
import { call, createMerchant, getEvents, getInvoice, it, snapshot, track, uid } from "../../../helpers";
import {
  type DeliverOptions,
  deliver,
  invoiceEvent,
  OLD_SECRET,
  razorpayMerchant,
  razorpaySignature,
  refundEvent,
  SECRET,
  text,
} from "../../../support/razorpay";

describe("razorpay webhooks over HTTP", () => {
  it("refuses tampered bodies, wrong secrets and missing or malformed signatures, changing nothing", async () => {
    const m = await razorpayMerchant();
    const inv = "inv_DEW1rqhJxTyZwz";
    const body = text(partiallyPaidSample);
    expect((await deliver(m.id, body)).status).toBe(200);
    const before = await snapshot(m.key, inv);

    const good = await razorpaySignature(SECRET, body);
    const bigger = body.replace('"amount": 10000', '"amount": 99999');
    const otherPayment = text(
      invoiceEvent({ invoiceId: inv, paymentId: "pay_X", amount: 5, at: 1, amountPaid: 5 }),
    );
    const attempts: Array<[string, DeliverOptions]> = [
      [bigger, { signature: good }], // tampered amount
      [otherPayment, { signature: good }], // a whole other body under a captured signature
      [`${body} `, { signature: good }], // one byte appended
      [bigger, { secret: "not-the-merchant-secret" }],
      [bigger, { secret: null }],
      [bigger, { signature: "" }],
      [bigger, { signature: `sha256=${good}` }],
      [bigger, { signature: good.slice(0, 40) }],
    ];
    for (const [raw, opts] of attempts) {
      const res = await deliver(m.id, raw, opts);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: "signature_invalid", message: expect.any(String) } });
      expect(res.text).not.toContain(SECRET);
      expect(await snapshot(m.key, inv)).toEqual(before);
    }
    track(m.id, inv);
  });

  it("with account_ids, takes only the merchant's account's events, changing nothing otherwise", async () => {
    const inv = "inv_DEW1rqhJxTyZwz";
    const body = text(partiallyPaidSample); // account_id acc_BFQ7uQEaa7j2z7
    const mine = await createMerchant({
      providers: { razorpay: { webhook_secrets: [SECRET], account_ids: ["acc_BFQ7uQEaa7j2z7"] } },
    });
    // Another merchant that (wrongly) shares the secret but names its own account.
    const other = await createMerchant({
      providers: { razorpay: { webhook_secrets: [SECRET], account_ids: ["acc_OtherAccount01"] } },
    });
    const refused = await deliver(other.id, body);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("signature_invalid");
    expect((await call("GET", `/v1/invoices/${inv}`, { key: other.key })).status).toBe(404);

    expect((await deliver(mine.id, body)).status).toBe(200);
    const before = await snapshot(mine.key, inv);
    const { account_id: _omitted, ...unnamed } = structuredClone(partiallyPaidSample);
    for (const raw of [
      text({ ...partiallyPaidSample, account_id: "acc_OtherAccount01" }),
      text({ ...partiallyPaidSample, account_id: null }),
      text(unnamed),
    ]) {
      expect((await deliver(mine.id, raw)).status, raw.slice(0, 80)).toBe(401);
      expect(await snapshot(mine.key, inv)).toEqual(before);
    }
    track(mine.id, inv);
  });

  it("accepts the previous and the current secret during a rotation", async () => {
    const m = await razorpayMerchant([OLD_SECRET, SECRET]);
    const inv = uid("inv_rot");
    const a = invoiceEvent({
      invoiceId: inv,
      paymentId: "pay_old",
      amount: 1000,
      at: 1700000000,
      amountPaid: 1000,
    });
    const b = invoiceEvent({
      invoiceId: inv,
      paymentId: "pay_new",
      amount: 2000,
      at: 1700000100,
      amountPaid: 3000,
    });
    expect((await deliver(m.id, text(a), { secret: OLD_SECRET })).status).toBe(200);
    expect((await deliver(m.id, text(b), { secret: SECRET })).status).toBe(200);
    const c = invoiceEvent({
      invoiceId: inv,
      paymentId: "pay_bad",
      amount: 5,
      at: 1700000200,
      amountPaid: 3005,
    });
    expect((await deliver(m.id, text(c), { secret: "a-third-secret-nobody-has" })).status).toBe(401);

    expect((await getInvoice(m.key, inv)).amount_paid).toBe(3000);
    const events = await getEvents(m.key, inv);
    expect(events.map((e) => e.verification)).toEqual([
      "razorpay:hmac-sha256:secret#0",
      "razorpay:hmac-sha256:secret#1",
    ]);
    track(m.id, inv);
  });

  it("answers 400 to a verified body it cannot understand, and changes nothing", async () => {
    const m = await razorpayMerchant();
    const inv = "inv_DEW1rqhJxTyZwz";
    expect((await deliver(m.id, text(partiallyPaidSample))).status).toBe(200);
    const before = await snapshot(m.key, inv);

    const withPayment = (f: (e: ReturnType<typeof invoiceEvent>) => void) => {
      const e = invoiceEvent({
        invoiceId: inv,
        paymentId: "pay_bad",
        amount: 500,
        at: 1700000000,
        amountPaid: 500,
      });
      f(e);
      return text(e);
    };
    const bodies = [
      "{not json",
      "",
      "[]",
      '"invoice.paid"',
      text({ event: "invoice.paid", payload: {}, created_at: 1700000000 }),
      text({ event: "invoice.paid", created_at: 1700000000 }),
      withPayment((e) => {
        (e.payload.payment.entity as any).amount = 10000.5;
      }),
      withPayment((e) => {
        (e.payload.payment.entity as any).amount = "10000";
      }),
      withPayment((e) => {
        e.payload.payment.entity.amount = 0;
      }),
      withPayment((e) => {
        e.payload.payment.entity.currency = "XYZ";
      }),
      withPayment((e) => {
        (e.payload.invoice.entity as any).id = null;
      }),
      withPayment((e) => {
        e.created_at = 1e15;
      }),
      text(refundEvent({ refundId: "rfnd_x", paymentId: "pay_a", amount: -5, invoiceId: inv })),
    ];
    for (const raw of bodies) {
      const res = await deliver(m.id, raw);
      expect(res.status, raw.slice(0, 60)).toBe(400);
      expect(res.body.error.code).toBe("malformed_payload");
      expect(await snapshot(m.key, inv)).toEqual(before);
    }
    track(m.id, inv);
  });

  it("answers 413 to a body over 256 KiB, even a signed one", async () => {
    const m = await razorpayMerchant();
    const inv = "inv_DEW1rqhJxTyZwz";
    expect((await deliver(m.id, text(partiallyPaidSample))).status).toBe(200);
    const before = await snapshot(m.key, inv);
    const huge = structuredClone(partiallyPaidSample) as any;
    huge.payload.payment.entity.id = "pay_huge";
    huge.padding = "x".repeat(256 * 1024);
    const res = await deliver(m.id, text(huge));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
    expect(await snapshot(m.key, inv)).toEqual(before);
    track(m.id, inv);
  });

  it("answers 404 for an unknown merchant or one without Razorpay configured", async () => {
    const body = text(partiallyPaidSample);
    const unknown = await deliver(uid("nobody"), body);
    expect(unknown.status).toBe(404);
    expect((await deliver("Not A Merchant!", body)).status).toBe(404);

    const bare = await createMerchant();
    expect((await deliver(bare.id, body)).status).toBe(404);
    const other = await createMerchant({
      providers: { standard: { secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] } },
    });
    const res = await deliver(other.id, body);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
    expect((await call("GET", "/v1/invoices/inv_DEW1rqhJxTyZwz", { key: other.key })).status).toBe(404);
  });
});
