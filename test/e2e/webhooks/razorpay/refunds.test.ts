// Razorpay refunds over HTTP: reversals recorded once, when processed, whatever the order.
import { describe, expect } from "vitest";
import { call, getEvents, getInvoice, getLines, it, track, uid } from "../../../helpers";
import { deliver, invoiceEvent, razorpayMerchant, refundEvent, text } from "../../../support/razorpay";

describe("razorpay webhooks over HTTP", () => {
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
    track(m.id, inv);
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
    track(m.id, inv);
  });
});
