import { describe, expect } from "vitest";
import { getEvents, getInvoice, getLines, it, track, uid } from "../../../helpers";
import { deliver, event, payment, standardMerchant, upsert } from "../../../support/standard";

describe("standard webhooks over HTTP", () => {
  it("drives an invoice through every event type", async () => {
    const m = await standardMerchant();
    const inv = uid("inv");
    const upsertBody = upsert(inv, {
      due_date: "2030-01-31",
      number: "INV-7",
      customer: { name: "Asha Rao", email: "asha@example.com", phone: "+91 90000 90000" },
      version: 1,
    });
    const upsertId = uid("msg");
    const created = await deliver(m.id, upsertBody, { id: upsertId });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      status: "applied",
      event_id: upsertId,
      invoices: [{ invoice_id: inv, outcome: "applied", lines: [], anomalies: [] }],
    });
    expect(await getInvoice(m.key, inv)).toMatchObject({
      number: "INV-7",
      currency: "INR",
      total: 100000,
      amount_due: 100000,
      status: "open",
      due_date: "2030-01-31",
      customer: { name: "Asha Rao", email: "asha@example.com", phone: "+91 90000 90000" },
    });

    const paid = await deliver(
      m.id,
      payment(inv, "p-1", 45000, {
        tds: 5000,
        transaction_charge: 300,
        method: "bank_transfer",
        paid_at: "2026-11-20T15:30:00+05:30",
        reference: "UTR123",
        notes: "first instalment",
      }),
    );
    expect(paid.body.invoices[0].lines).toEqual(["applied"]);
    expect(await getInvoice(m.key, inv)).toMatchObject({
      amount_paid: 50000,
      amount_due: 50000,
      tds_withheld: 5000,
      transaction_charges: 300,
      status: "partially_paid",
    });

    const reversed = await deliver(
      m.id,
      event("payment.reversed", {
        invoice_id: inv,
        reversal_id: "r-1",
        payment_id: "p-1",
        amount: 10000,
        currency: "INR",
        reason: "cheque bounced in part",
      }),
    );
    expect(reversed.body.invoices[0]).toMatchObject({ lines: ["applied"], anomalies: [] });
    const writtenOff = await deliver(
      m.id,
      event("invoice.written_off", { invoice_id: inv, write_off_id: "w-1", amount: 10000, currency: "INR" }),
    );
    expect(writtenOff.body.invoices[0].lines).toEqual(["applied"]);
    expect(await getInvoice(m.key, inv)).toMatchObject({
      amount_paid: 40000,
      written_off: 10000,
      amount_due: 50000,
    });

    const lines = await getLines(m.key, inv);
    expect(lines).toEqual([
      expect.objectContaining({
        kind: "payment",
        source: "standard",
        external_id: "p-1",
        amount: 45000,
        tds: 5000,
        transaction_charge: 300,
        method: "bank_transfer",
        paid_at: "2026-11-20T10:00:00.000Z",
        reference: "UTR123",
        notes: "first instalment",
      }),
      expect.objectContaining({
        kind: "reversal",
        external_id: "r-1",
        amount: 10000,
        notes: "cheque bounced in part",
      }),
      expect.objectContaining({ kind: "write_off", external_id: "w-1", amount: 10000 }),
    ]);
    expect(lines[1].reverses).toBe(lines[0].id);

    expect((await deliver(m.id, event("invoice.voided", { invoice_id: inv }))).status).toBe(200);
    const voided = await getInvoice(m.key, inv);
    expect(voided.status).toBe("void");
    expect(voided.voided_at).not.toBeNull();

    const events = await getEvents(m.key, inv);
    expect(events.map((e) => [e.event_type, e.outcome, e.verification])).toEqual([
      ["invoice.upserted", "applied", "standard:v1:secret#0"],
      ["payment.recorded", "applied", "standard:v1:secret#0"],
      ["payment.reversed", "applied", "standard:v1:secret#0"],
      ["invoice.written_off", "applied", "standard:v1:secret#0"],
      ["invoice.voided", "applied", "standard:v1:secret#0"],
    ]);
    expect(events[0]).toMatchObject({ source: "standard", event_id: upsertId, raw_body: upsertBody });
    track(m.id, inv);
  });

  it("acknowledges unknown event types, logging them on a known invoice", async () => {
    const m = await standardMerchant();
    const inv = uid("inv");
    expect((await deliver(m.id, upsert(inv))).status).toBe(200);
    const before = await getInvoice(m.key, inv);
    const res = await deliver(m.id, event("invoice.sent", { invoice_id: inv, channel: "email" }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ignored", reason: expect.stringContaining("invoice.sent") });
    expect((await getEvents(m.key, inv)).at(-1)).toMatchObject({
      event_type: "invoice.sent",
      outcome: "ignored",
    });
    expect(await getInvoice(m.key, inv)).toEqual(before);

    const elsewhere = await deliver(m.id, event("customer.created", { id: "c-1" }));
    expect(elsewhere.body.status).toBe("ignored");
    track(m.id, inv);
  });
});
