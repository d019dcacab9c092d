// Razorpay redeliveries, reordering and concurrent deliveries: each payment applied exactly once.
import { describe, expect } from "vitest";
import partiallyPaidSample from "../../../fixtures/razorpay/invoice.partially_paid.json";
import { getEvents, getInvoice, getLines, it, track, uid } from "../../../helpers";
import { deliver, invoiceEvent, razorpayMerchant, text } from "../../../support/razorpay";

describe("razorpay webhooks over HTTP", () => {
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
    track(m.id, inv);
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
    track(m.id, inv);
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
    track(m.id, inv);
  });
});
