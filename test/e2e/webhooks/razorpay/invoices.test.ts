// Razorpay's published invoice events over HTTP: lines, facts and Razorpay's own report of the invoice.
import { describe, expect } from "vitest";
import paidSample from "../../../fixtures/razorpay/invoice.paid.json";
import partiallyPaidSample from "../../../fixtures/razorpay/invoice.partially_paid.json";
import { call, getEvents, getInvoice, getLines, it, track, uid } from "../../../helpers";
import { deliver, invoiceEvent, razorpayMerchant, SECRET, text } from "../../../support/razorpay";

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
    track(m.id, inv);
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
    track(m.id, inv);
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
    track(m.id, inv);
  });
});
