// Riverty payment notifications over HTTP: the official samples, tolerances and references.
import { describe, expect } from "vitest";
import fullText from "../../../fixtures/riverty/payment-received-full.json?raw";
import partialText from "../../../fixtures/riverty/payment-received-partial.json?raw";
import { it, track, uid } from "../../../helpers";
import { deliver, FULL_KEY, ledger, merchant, notification, partial, UAT_IP } from "../../../support/riverty";

describe("Riverty webhooks", () => {
  it("applies the official full-payment sample", async () => {
    const m = await merchant();
    const res = await deliver(m.id, m.token, fullText);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: "applied",
      event_id: `riverty:${FULL_KEY}`,
      invoices: [{ invoice_id: "INVO90006768", outcome: "applied", lines: ["applied"], anomalies: [] }],
    });
    const { invoice, lines, events } = await ledger(m.key, "INVO90006768");
    expect(invoice).toMatchObject({
      currency: "EUR",
      total: 45000,
      amount_paid: 45000,
      amount_due: 0,
      written_off: 0,
      status: "paid",
      provider_reports: [
        { source: "riverty", total: 45000, amount_paid: null, amount_due: 0, status: null, mismatch: false },
      ],
    });
    expect(lines.data).toEqual([
      expect.objectContaining({
        kind: "payment",
        source: "riverty",
        external_id: FULL_KEY,
        amount: 45000,
        currency: "EUR",
        reference: "200400001208",
      }),
    ]);
    expect(events.data[0]).toMatchObject({
      event_type: "accounting/paymentReceived",
      verification: "riverty:path-token#0+ip",
      raw_body: fullText,
    });
    track(m.id, "INVO90006768");
  });

  it("applies the partial sample: 450.00 ordered, 445.00 paid, 5.00 due as Riverty reports", async () => {
    const m = await merchant();
    expect((await deliver(m.id, m.token, partialText, UAT_IP)).status).toBe(200);
    const { invoice, lines } = await ledger(m.key, "INV-0006771");
    expect(invoice).toMatchObject({
      total: 45000,
      amount_paid: 44500,
      amount_due: 500,
      status: "partially_paid",
      provider_reports: [
        { source: "riverty", total: 45000, amount_due: 500, amount_paid: null, mismatch: false },
      ],
    });
    expect(lines.data.map((l: any) => [l.kind, l.amount])).toEqual([["payment", 44500]]);
    track(m.id, "INV-0006771");
  });

  it("writes off a non-zero tolerance, which reduces the amount due", async () => {
    const m = await merchant();
    const body = notification(partial, { paidAmount: 445.0, tolerance: 5.0, remainingAmount: 0.0 });
    expect((await deliver(m.id, m.token, body)).status).toBe(200);
    const { invoice, lines } = await ledger(m.key, "INV-0006771");
    expect(invoice).toMatchObject({
      total: 45000,
      amount_paid: 44500,
      written_off: 500,
      amount_due: 0,
      status: "paid",
      provider_reports: [{ amount_due: 0, mismatch: false }],
    });
    const key = `${partial.parameters.paymentDocument}:${partial.parameters.transactionId}:INV-0006771`;
    expect(lines.data.map((l: any) => [l.kind, l.external_id, l.amount])).toEqual([
      ["payment", key, 44500],
      ["write_off", `${key}:tolerance`, 500],
    ]);

    // A tolerance-only notification (nothing paid) writes off without a payment line.
    const other = uid("inv");
    const onlyTolerance = notification(partial, {
      invoiceReference: other,
      paidAmount: 0,
      tolerance: 0.01,
      orderAmount: 0.01,
      remainingAmount: 0,
    });
    expect((await deliver(m.id, m.token, onlyTolerance)).status).toBe(200);
    const o = await ledger(m.key, other);
    expect(o.lines.data.map((l: any) => [l.kind, l.amount])).toEqual([["write_off", 1]]);
    expect(o.invoice).toMatchObject({ amount_paid: 0, written_off: 1, amount_due: 0 });
    track(m.id, "INV-0006771", other);
  });

  it("falls back to the order reference when no invoice reference is given", async () => {
    const m = await merchant();
    const body = notification(partial, { invoiceReference: undefined });
    const res = await deliver(m.id, m.token, body);
    expect(res.body.invoices[0].invoice_id).toBe("ORD-4689305987");
    expect((await ledger(m.key, "ORD-4689305987")).invoice.amount_paid).toBe(44500);
    track(m.id, "ORD-4689305987");
  });

  it("acknowledges other notification types without touching the ledger", async () => {
    const m = await merchant();
    const body = JSON.stringify({
      type: "accounting/EDIErrorSent",
      parameters: { invoiceReference: "INV-0006771" },
    });
    const res = await deliver(m.id, m.token, body);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("ignored");
    expect((await ledger(m.key, "INV-0006771")).status).toBe(404);
    track(m.id, "INV-0006771");
  });
});
