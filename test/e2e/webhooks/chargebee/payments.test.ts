// Chargebee payment, refund and invoice events over HTTP: lines, facts, reports and currencies.
import { describe, expect } from "vitest";
import sampleText from "../../../fixtures/chargebee/payment-succeeded-illustrative.json?raw";
import { call, it, track, uid } from "../../../helpers";
import { deliver, envelope, ledger, merchant, refund, sample, v1Content } from "../../../support/chargebee";

describe("Chargebee webhooks", () => {
  it("applies the illustrative payment_succeeded sample: line, facts and report", async () => {
    const m = await merchant();
    const res = await deliver(m.id, sampleText);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: "applied",
      event_id: "ev_ILLUSTRATIVE_001",
      invoices: [{ invoice_id: "inv_42", outcome: "applied", lines: ["applied"], anomalies: [] }],
    });
    const { invoice, lines, events } = await ledger(m.key, "inv_42");
    expect(invoice).toMatchObject({
      id: "inv_42",
      number: "inv_42",
      currency: "USD",
      total: 1395,
      amount_paid: 500,
      amount_due: 895,
      status: "partially_paid",
      due_date: "2018-02-15",
      provider_reports: [
        {
          source: "chargebee",
          currency: "USD",
          total: 1395,
          amount_paid: 500,
          amount_due: 895,
          status: "payment_due",
          mismatch: false,
        },
      ],
    });
    expect(lines.data).toEqual([
      expect.objectContaining({
        kind: "payment",
        source: "chargebee",
        external_id: "txn_ILLUSTRATIVE_001",
        amount: 500,
        currency: "USD",
        method: "bank_transfer",
        paid_at: "2018-02-01T17:39:02.000Z",
      }),
    ]);
    expect(events.data).toEqual([
      expect.objectContaining({
        source: "chargebee",
        event_id: "ev_ILLUSTRATIVE_001",
        event_type: "payment_succeeded",
        verification: "chargebee:basic#0",
        outcome: "applied",
        raw_body: sampleText,
      }),
    ]);
    track(m.id, "inv_42");
  });

  it("reads the verbatim v1 transaction sample, whose invoice id starts with an underscore", async () => {
    const m = await merchant();
    const content = v1Content();
    const res = await deliver(m.id, { ...envelope("transaction_created", content), api_version: "v1" });
    expect(res.status).toBe(200);
    expect(res.body.invoices).toEqual([
      { invoice_id: "__demo_inv__1", outcome: "applied", lines: ["applied"], anomalies: [] },
    ]);
    const { invoice, lines } = await ledger(m.key, "__demo_inv__1");
    // No invoice object in the event: the ledger knows the currency and the payment, not the total.
    expect(invoice).toMatchObject({ currency: "USD", total: null, amount_paid: 1395, amount_due: null });
    expect(lines.data).toEqual([
      expect.objectContaining({
        kind: "payment",
        external_id: "txn___test__5SK0bLNFRFuCEEELm",
        amount: 1395,
        method: "card",
        reference: "cb___test__5SK0bLNFRFuCEEJLn",
        paid_at: "2018-02-01T17:39:02.000Z",
      }),
    ]);
    track(m.id, "__demo_inv__1");
  });

  it("splits one transaction over the invoices it is applied to: one ledger each", async () => {
    const m = await merchant();
    const transaction = {
      ...sample().content.transaction,
      id: "txn_multi",
      amount: 1000,
      linked_invoices: [
        { invoice_id: "inv_a", applied_amount: 300, applied_at: 1517506742, invoice_status: "paid" },
        { invoice_id: "inv_b", applied_amount: 700, applied_at: 1517506742, invoice_status: "payment_due" },
      ],
    };
    const res = await deliver(m.id, envelope("payment_succeeded", { transaction }));
    expect(res.status).toBe(200);
    expect(res.body.invoices).toEqual([
      { invoice_id: "inv_a", outcome: "applied", lines: ["applied"], anomalies: [] },
      { invoice_id: "inv_b", outcome: "applied", lines: ["applied"], anomalies: [] },
    ]);
    const a = await ledger(m.key, "inv_a");
    const b = await ledger(m.key, "inv_b");
    expect(a.lines.data).toEqual([expect.objectContaining({ external_id: "txn_multi", amount: 300 })]);
    expect(b.lines.data).toEqual([expect.objectContaining({ external_id: "txn_multi", amount: 700 })]);
    // Replayed under another event id: still one line per ledger.
    await deliver(m.id, envelope("transaction_updated", { transaction }));
    expect((await ledger(m.key, "inv_a")).lines.data).toHaveLength(1);
    expect((await ledger(m.key, "inv_b")).invoice.amount_paid).toBe(700);
    track(m.id, "inv_a", "inv_b");
  });

  it("records a refund as a reversal of the refunded payment, once", async () => {
    const m = await merchant();
    await deliver(m.id, sampleText);
    const ev = refund("txn_ILLUSTRATIVE_001", "txn_refund_1", 200);
    const res = await deliver(m.id, ev);
    expect(res.status).toBe(200);
    expect(res.body.invoices).toEqual([
      { invoice_id: "inv_42", outcome: "applied", lines: ["applied"], anomalies: [] },
    ]);
    await deliver(m.id, ev);
    await deliver(m.id, { ...ev, id: uid("ev") });
    const { invoice, lines } = await ledger(m.key, "inv_42");
    const [payment, reversal] = lines.data;
    expect(lines.data).toHaveLength(2);
    expect(reversal).toMatchObject({
      kind: "reversal",
      source: "chargebee",
      external_id: "txn_refund_1",
      amount: 200,
      reverses: payment.id,
    });
    expect(invoice).toMatchObject({ amount_paid: 300, amount_due: 1095, status: "partially_paid" });
    track(m.id, "inv_42");
  });

  it("converts Chargebee cents to ISO minor units for zero- and three-decimal currencies", async () => {
    const m = await merchant();
    const txn = (id: string, currency: string, invoiceId: string, cents: number) =>
      envelope("payment_succeeded", {
        transaction: {
          id,
          type: "payment",
          status: "success",
          currency_code: currency,
          amount: cents,
          payment_method: "check",
          linked_invoices: [{ invoice_id: invoiceId, applied_amount: cents }],
        },
      });
    await deliver(m.id, txn("txn_jpy", "JPY", "inv_jpy", 1500));
    await deliver(m.id, txn("txn_kwd", "KWD", "inv_kwd", 1234));
    const jpy = await ledger(m.key, "inv_jpy");
    const kwd = await ledger(m.key, "inv_kwd");
    expect(jpy.lines.data[0]).toMatchObject({ amount: 1500, currency: "JPY", method: "cheque" });
    expect(kwd.lines.data[0]).toMatchObject({ amount: 12340, currency: "KWD" });
    track(m.id, "inv_jpy", "inv_kwd");
  });

  it("voids the invoice when Chargebee reports it voided", async () => {
    const m = await merchant();
    await deliver(m.id, sampleText);
    const voided = { ...sample().content.invoice, status: "voided", resource_version: 1517600000000 };
    expect((await deliver(m.id, envelope("invoice_updated", { invoice: voided }))).status).toBe(200);
    const { invoice } = await ledger(m.key, "inv_42");
    expect(invoice).toMatchObject({ status: "void", amount_paid: 500 });
    expect(invoice.voided_at).not.toBeNull();
    track(m.id, "inv_42");
  });

  it("ignores event types and transactions that do not move money", async () => {
    const m = await merchant();
    const customer = await deliver(m.id, envelope("customer_created", { customer: { id: "cust_123" } }));
    expect(customer.body).toMatchObject({ status: "ignored" });
    const failed = { ...sample().content.transaction, id: "txn_failed", status: "failure" };
    const res = await deliver(m.id, envelope("payment_failed", { transaction: failed }));
    expect(res.body).toMatchObject({ status: "ignored" });
    const pending = await deliver(
      m.id,
      envelope("transaction_created", { transaction: { ...failed, status: "in_progress" } }),
    );
    expect(pending.body).toMatchObject({ status: "ignored" });
    expect((await call("GET", "/v1/invoices/inv_42", { key: m.key })).status).toBe(404);
  });
});
