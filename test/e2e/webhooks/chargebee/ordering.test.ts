// Chargebee redeliveries, reordering and concurrent deliveries: each transaction applied exactly once.
import { describe, expect } from "vitest";
import sampleText from "../../../fixtures/chargebee/payment-succeeded-illustrative.json?raw";
import { it, track } from "../../../helpers";
import { deliver, envelope, ledger, merchant, sample } from "../../../support/chargebee";

describe("Chargebee webhooks", () => {
  it("answers a redelivered event as a duplicate and records nothing twice", async () => {
    const m = await merchant();
    expect((await deliver(m.id, sampleText)).body.status).toBe("applied");
    const again = await deliver(m.id, sampleText);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      status: "duplicate",
      invoices: [{ invoice_id: "inv_42", outcome: "duplicate" }],
    });
    const { invoice, lines, events } = await ledger(m.key, "inv_42");
    expect(invoice.amount_paid).toBe(500);
    expect(lines.data).toHaveLength(1);
    expect(events.data).toHaveLength(1);
    track(m.id, "inv_42");
  });

  it("does not double a transaction reported again under a new event id", async () => {
    const m = await merchant();
    await deliver(m.id, sampleText);
    const { transaction } = sample().content;
    for (const type of ["transaction_created", "transaction_updated"]) {
      const res = await deliver(m.id, envelope(type, { transaction }));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: "applied",
        invoices: [{ invoice_id: "inv_42", lines: ["duplicate"] }],
      });
    }
    const { invoice, lines, events } = await ledger(m.key, "inv_42");
    expect(invoice.amount_paid).toBe(500);
    expect(lines.data).toHaveLength(1);
    expect(events.data).toHaveLength(3);
    track(m.id, "inv_42");
  });

  it("keeps the newest invoice report and facts when invoice_updated arrives out of order", async () => {
    const m = await merchant();
    const inv = sample().content.invoice;
    const newer = {
      ...inv,
      status: "paid",
      total: 1395,
      amount_paid: 1395,
      amount_due: 0,
      resource_version: 1517600000000,
    };
    const older = {
      ...inv,
      total: 1500,
      amount_paid: 500,
      amount_due: 1000,
      resource_version: 1517500000000,
    };
    expect((await deliver(m.id, envelope("invoice_updated", { invoice: newer }))).status).toBe(200);
    const late = await deliver(m.id, envelope("invoice_updated", { invoice: older }));
    expect(late.status).toBe(200);
    const { invoice, lines, events } = await ledger(m.key, "inv_42");
    expect(invoice).toMatchObject({
      total: 1395,
      amount_paid: 0,
      provider_reports: [
        { source: "chargebee", status: "paid", amount_paid: 1395, amount_due: 0, mismatch: true },
      ],
    });
    expect(lines.data).toHaveLength(0);
    expect(events.data).toHaveLength(2);
    track(m.id, "inv_42");
  });

  it("applies ~20 concurrent deliveries of one event exactly once", async () => {
    const m = await merchant();
    const replies = await Promise.all(Array.from({ length: 20 }, () => deliver(m.id, sampleText)));
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    const outcomes = replies.map((r) => r.body.status).sort();
    expect(outcomes).toEqual(["applied", ...Array(19).fill("duplicate")]);
    const { invoice, lines, events } = await ledger(m.key, "inv_42");
    expect(invoice.amount_paid).toBe(500);
    expect(lines.data).toHaveLength(1);
    expect(events.data).toHaveLength(1);
    track(m.id, "inv_42");
  });
});
