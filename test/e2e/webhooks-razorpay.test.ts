import { describe, expect, it } from "vitest";
import { razorpay } from "../../src/providers/razorpay";
import type { Delivery } from "../../src/providers/types";
import paidSample from "../fixtures/razorpay/invoice.paid.json";
import partiallyPaidSample from "../fixtures/razorpay/invoice.partially_paid.json";
import {
  call,
  clearAlarms,
  createMerchant,
  getEvents,
  getInvoice,
  getLines,
  snapshot,
  uid,
} from "../helpers";
import {
  type DeliverOptions,
  deliver,
  encoder,
  invoiceEvent,
  OLD_SECRET,
  razorpayMerchant,
  razorpaySignature,
  refundEvent,
  SECRET,
  text,
} from "../support/razorpay";

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

describe("razorpay webhooks over HTTP", () => {
  it("applies the published invoice.partially_paid sample and flags Razorpay's differing totals", async () => {
    const m = await razorpayMerchant();
    const inv = "inv_DEW1rqhJxTyZwz";
    const body = text(partiallyPaidSample);
    const eventId = uid("evt");

    const res = await deliver(m.id, body, { eventId });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: "applied",
      event_id: eventId,
      invoices: [{ invoice_id: inv, outcome: "applied", lines: ["applied"], anomalies: [] }],
    });

    expect(await getInvoice(m.key, inv)).toMatchObject({
      id: inv,
      number: "14",
      currency: "INR",
      total: 479030,
      amount_paid: 10000,
      amount_due: 469030,
      status: "partially_paid",
      due_date: "2019-09-30",
      transaction_charges: 236,
      payments_count: 1,
      customer: { name: "Gaurav Kumar", email: "gaurav.kumar@example.com", phone: "9000090000" },
      // The sample credits 10000 but reports 20000 paid: an earlier payment we never saw.
      provider_reports: [
        {
          source: "razorpay",
          currency: "INR",
          total: 479030,
          amount_paid: 20000,
          amount_due: 459030,
          status: "partially_paid",
          reported_at: "2019-09-05T12:23:35.000Z",
          mismatch: true,
        },
      ],
    });
    expect(await getLines(m.key, inv)).toEqual([
      expect.objectContaining({
        kind: "payment",
        source: "razorpay",
        external_id: "pay_DEW499hvSyqk4Q",
        amount: 10000,
        tds: 0,
        transaction_charge: 236,
        currency: "INR",
        method: "netbanking",
        paid_at: "2019-09-05T12:23:33.000Z",
        reverses: null,
      }),
    ]);
    const events = await getEvents(m.key, inv);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      source: "razorpay",
      event_id: eventId,
      event_type: "invoice.partially_paid",
      verification: "razorpay:hmac-sha256:secret#0",
      outcome: "applied",
      raw_body: body,
    });
    expect(events[0].raw_body).not.toContain(SECRET);

    // The earlier payment (made up: the invoice entity names pay_DEW3tZzpXkKWtO) arrives late, with an
    // older event whose report must not replace the newer one.
    const earlier = invoiceEvent({
      invoiceId: inv,
      paymentId: "pay_DEW3tZzpXkKWtO",
      amount: 10000,
      at: 1567686100,
      amountPaid: 10000,
    });
    const late = await deliver(m.id, text(earlier));
    expect(late.status).toBe(200);
    expect(late.body.invoices[0].lines).toEqual(["applied"]);
    expect(await getInvoice(m.key, inv)).toMatchObject({
      amount_paid: 20000,
      amount_due: 459030,
      payments_count: 2,
      provider_reports: [{ source: "razorpay", amount_paid: 20000, amount_due: 459030, mismatch: false }],
    });
    await clearAlarms(m.id, inv);
  });

  it("applies the published invoice.paid sample: paid in full, no mismatch", async () => {
    const m = await razorpayMerchant();
    const inv = "inv_DEWHZlfIcdVIXL";
    const res = await deliver(m.id, text(paidSample));
    expect(res.status).toBe(200);
    expect(await getInvoice(m.key, inv)).toMatchObject({
      number: "15",
      total: 479030,
      amount_paid: 479030,
      amount_due: 0,
      status: "paid",
      transaction_charges: 11305,
      provider_reports: [{ source: "razorpay", status: "paid", amount_paid: 479030, mismatch: false }],
    });
    await clearAlarms(m.id, inv);
  });

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
    await clearAlarms(m.id, inv);
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
    await clearAlarms(mine.id, inv);
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
    await clearAlarms(m.id, inv);
  });

  it("answers a redelivery 200 duplicate and never doubles a payment, whatever the event id", async () => {
    const m = await razorpayMerchant();
    const inv = "inv_DEW1rqhJxTyZwz";
    const body = text(partiallyPaidSample);
    const eventId = uid("evt");
    expect((await deliver(m.id, body, { eventId })).body.status).toBe("applied");

    const again = await deliver(m.id, body, { eventId });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: "duplicate", event_id: eventId });

    // Same payment, new event id (a replay from the dashboard, or another event type naming it).
    const replay = await deliver(m.id, body, { eventId: uid("evt") });
    expect(replay.status).toBe(200);
    expect(replay.body.invoices[0].lines).toEqual(["duplicate"]);
    const paidVersion = structuredClone(partiallyPaidSample);
    paidVersion.event = "invoice.paid";
    paidVersion.created_at += 10;
    const other = await deliver(m.id, text(paidVersion));
    expect(other.body.invoices[0].lines).toEqual(["duplicate"]);

    // Without an event id header the body's hash is the dedupe key.
    const noIdFirst = await deliver(m.id, `${body}\n`, { eventId: null });
    const noIdAgain = await deliver(m.id, `${body}\n`, { eventId: null });
    expect(noIdFirst.body.event_id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(noIdAgain.body).toMatchObject({ status: "duplicate", event_id: noIdFirst.body.event_id });

    const invoice = await getInvoice(m.key, inv);
    expect(invoice).toMatchObject({ amount_paid: 10000, payments_count: 1 });
    expect(await getLines(m.key, inv)).toHaveLength(1);
    expect(await getEvents(m.key, inv)).toHaveLength(4);
    await clearAlarms(m.id, inv);
  });

  it("ends in the same state when invoice.paid overtakes invoice.partially_paid", async () => {
    const m = await razorpayMerchant();
    const inv = uid("inv_ooo");
    const partial = invoiceEvent({
      invoiceId: inv,
      paymentId: "pay_first",
      amount: 100000,
      at: 1700000000,
      total: 300000,
      amountPaid: 100000,
    });
    const final = invoiceEvent({
      event: "invoice.paid",
      invoiceId: inv,
      paymentId: "pay_second",
      amount: 200000,
      at: 1700000500,
      total: 300000,
      amountPaid: 300000,
    });
    final.payload.invoice.entity.invoice_number = "15-final";

    expect((await deliver(m.id, text(final))).status).toBe(200);
    expect(await getInvoice(m.key, inv)).toMatchObject({
      amount_paid: 200000,
      amount_due: 100000,
      provider_reports: [{ status: "paid", amount_paid: 300000, mismatch: true }],
    });
    expect((await deliver(m.id, text(partial))).status).toBe(200);
    expect(await getInvoice(m.key, inv)).toMatchObject({
      number: "15-final", // the older event's facts do not overwrite the newer ones
      total: 300000,
      amount_paid: 300000,
      amount_due: 0,
      status: "paid",
      payments_count: 2,
      provider_reports: [{ status: "paid", amount_paid: 300000, amount_due: 0, mismatch: false }],
    });
    await clearAlarms(m.id, inv);
  });

  it("records refunds as reversals, once, and only when processed", async () => {
    const m = await razorpayMerchant();
    const inv = uid("inv_refund");
    const pay = invoiceEvent({
      invoiceId: inv,
      paymentId: "pay_R1",
      amount: 100000,
      at: 1700000000,
      total: 300000,
      amountPaid: 100000,
    });
    expect((await deliver(m.id, text(pay))).status).toBe(200);

    const pending = await deliver(
      m.id,
      text(
        refundEvent({
          event: "refund.created",
          refundId: "rfnd_1",
          paymentId: "pay_R1",
          amount: 30000,
          invoiceId: inv,
          status: "pending",
        }),
      ),
    );
    expect(pending.body).toMatchObject({ status: "ignored" });
    expect((await getInvoice(m.key, inv)).amount_paid).toBe(100000);

    const processed = await deliver(
      m.id,
      text(refundEvent({ refundId: "rfnd_1", paymentId: "pay_R1", amount: 30000, invoiceId: inv })),
    );
    expect(processed.body.invoices[0]).toMatchObject({
      outcome: "applied",
      lines: ["applied"],
      anomalies: [],
    });
    const lateCreated = await deliver(
      m.id,
      text(
        refundEvent({
          event: "refund.created",
          refundId: "rfnd_1",
          paymentId: "pay_R1",
          amount: 30000,
          invoiceId: inv,
        }),
      ),
    );
    expect(lateCreated.body.invoices[0].lines).toEqual(["duplicate"]);
    const second = await deliver(
      m.id,
      text(
        refundEvent({
          event: "payment.refunded",
          refundId: "rfnd_2",
          paymentId: "pay_R1",
          amount: 10000,
          invoiceId: inv,
        }),
      ),
    );
    expect(second.body.invoices[0].lines).toEqual(["applied"]);
    const failed = await deliver(
      m.id,
      text(
        refundEvent({
          event: "refund.failed",
          refundId: "rfnd_3",
          paymentId: "pay_R1",
          amount: 5000,
          invoiceId: inv,
          status: "failed",
        }),
      ),
    );
    expect(failed.body.status).toBe("ignored");

    expect(await getInvoice(m.key, inv)).toMatchObject({
      amount_paid: 60000,
      amount_due: 240000,
      payments_count: 1,
    });
    const lines = await getLines(m.key, inv);
    expect(lines.map((l) => [l.kind, l.external_id, l.amount])).toEqual([
      ["payment", "pay_R1", 100000],
      ["reversal", "rfnd_1", 30000],
      ["reversal", "rfnd_2", 10000],
    ]);
    expect(lines[1].reverses).toBe(lines[0].id);
    expect(lines[2].reverses).toBe(lines[0].id);
    const outcomes = (await getEvents(m.key, inv)).map((e) => [e.event_type, e.outcome]);
    expect(outcomes).toEqual([
      ["invoice.partially_paid", "applied"],
      ["refund.created", "ignored"],
      ["refund.processed", "applied"],
      ["refund.created", "applied"],
      ["payment.refunded", "applied"],
      ["refund.failed", "ignored"],
    ]);

    // A refund of a payment that was not made against an invoice is acknowledged and ignored.
    const stray = await deliver(
      m.id,
      text(refundEvent({ refundId: "rfnd_9", paymentId: "pay_nope", amount: 100, invoiceId: null })),
    );
    expect(stray.status).toBe(200);
    expect(stray.body).toMatchObject({ status: "ignored" });
    await clearAlarms(m.id, inv);
  });

  it("ends with the right balance when a refund arrives before its payment", async () => {
    const m = await razorpayMerchant();
    const inv = uid("inv_rfirst");
    const refund = refundEvent({
      refundId: "rfnd_early",
      paymentId: "pay_late",
      amount: 40000,
      invoiceId: inv,
    });
    expect((await deliver(m.id, text(refund))).status).toBe(200);
    const pay = invoiceEvent({
      invoiceId: inv,
      paymentId: "pay_late",
      amount: 100000,
      at: 1700000000,
      total: 300000,
      amountPaid: 100000,
    });
    expect((await deliver(m.id, text(pay))).status).toBe(200);

    expect(await getInvoice(m.key, inv)).toMatchObject({
      total: 300000,
      amount_paid: 60000,
      amount_due: 240000,
      status: "partially_paid",
      payments_count: 1,
    });
    const anomalies = (await call("GET", `/v1/invoices/${inv}/anomalies`, { key: m.key })).body.data;
    expect(anomalies).toEqual([
      expect.objectContaining({ kind: "reversal_target_unknown", external_id: "rfnd_early" }),
    ]);
    await clearAlarms(m.id, inv);
  });

  it("applies concurrent deliveries of one event exactly once", async () => {
    const m = await razorpayMerchant();
    const inv = "inv_DEW1rqhJxTyZwz";
    const body = text(partiallyPaidSample);
    const eventId = uid("evt");
    const replies = await Promise.all(Array.from({ length: 20 }, () => deliver(m.id, body, { eventId })));
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    const statuses = replies.map((r) => r.body.status).sort();
    expect(statuses.filter((s) => s === "applied")).toHaveLength(1);
    expect(statuses.filter((s) => s === "duplicate")).toHaveLength(19);

    // The same payment under twenty different event ids, concurrently: still one line.
    const other = structuredClone(partiallyPaidSample);
    other.payload.payment.entity.id = "pay_concurrent";
    const otherBody = text(other);
    const racing = await Promise.all(Array.from({ length: 20 }, () => deliver(m.id, otherBody)));
    expect(racing.every((r) => r.status === 200)).toBe(true);
    expect(
      racing.flatMap((r) => r.body.invoices[0].lines).filter((l: string) => l === "applied"),
    ).toHaveLength(1);

    expect(await getInvoice(m.key, inv)).toMatchObject({ amount_paid: 20000, payments_count: 2 });
    expect(await getLines(m.key, inv)).toHaveLength(2);
    expect(await getEvents(m.key, inv)).toHaveLength(21);
    await clearAlarms(m.id, inv);
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
    await clearAlarms(m.id, inv);
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
    await clearAlarms(m.id, inv);
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

  it("logs ignored event types on a known invoice and otherwise just acknowledges them", async () => {
    const m = await razorpayMerchant();
    const inv = "inv_DEW1rqhJxTyZwz";
    expect((await deliver(m.id, text(partiallyPaidSample))).status).toBe(200);
    const before = await getInvoice(m.key, inv);

    const expired = structuredClone(partiallyPaidSample) as any;
    expired.event = "invoice.expired";
    expired.contains = ["invoice"];
    delete expired.payload.payment;
    delete expired.payload.order;
    const res = await deliver(m.id, text(expired));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ignored", reason: expect.stringContaining("invoice.expired") });
    const events = await getEvents(m.key, inv);
    expect(events.at(-1)).toMatchObject({ event_type: "invoice.expired", outcome: "ignored" });
    const after = await getInvoice(m.key, inv);
    expect({ ...after, updated_at: null }).toEqual({ ...before, updated_at: null });

    const elsewhere = structuredClone(expired);
    elsewhere.payload.invoice.entity.id = "inv_neverseen";
    expect((await deliver(m.id, text(elsewhere))).body.status).toBe("ignored");
    expect((await call("GET", "/v1/invoices/inv_neverseen", { key: m.key })).status).toBe(404);
    const captured = await deliver(
      m.id,
      text({ event: "payment.captured", payload: {}, created_at: 1700000000 }),
    );
    expect(captured.body.status).toBe("ignored");
    await clearAlarms(m.id, inv);
  });
});
