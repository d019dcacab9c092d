// HighLevel invoice events over HTTP: the official sample, paid, void and events the ledger does not act on.
import { describe, expect } from "vitest";
import { sha256Hex } from "../../../../src/lib/crypto";
import sampleText from "../../../fixtures/highlevel/invoice-partially-paid.json?raw";
import { it, track, uid } from "../../../helpers";
import {
  deliver,
  ledger,
  merchant,
  SAMPLE_ID,
  SAMPLE_LOCATION,
  signedEd,
  snapshot,
} from "../../../support/highlevel";

describe("HighLevel webhooks", () => {
  it("applies the official InvoicePartiallyPaid sample signed with Ed25519", async () => {
    const m = await merchant();
    const res = await deliver(m.id, sampleText, await signedEd(sampleText));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: "applied",
      event_id: `sha256:${await sha256Hex(sampleText)}`,
      invoices: [{ invoice_id: SAMPLE_ID, outcome: "applied", lines: ["applied"], anomalies: [] }],
    });

    const { invoice, lines, events } = await ledger(m.key);
    expect(invoice).toMatchObject({
      id: SAMPLE_ID,
      number: "19",
      currency: "USD",
      total: 99900,
      amount_paid: 89900,
      amount_due: 10000,
      status: "partially_paid",
      due_date: "2023-01-01",
      customer: { name: "Alex", email: "alex@example.com", phone: "+1-214-559-6993" },
      payments_count: 1,
      anomalies_count: 0,
      provider_reports: [
        {
          source: "highlevel",
          currency: "USD",
          total: 99900,
          amount_paid: 89900,
          amount_due: 10000,
          status: "partially_paid",
          reported_at: "2023-12-12T09:27:42.355Z",
          mismatch: false,
        },
      ],
    });
    expect(lines.data).toHaveLength(1);
    expect(lines.data[0]).toMatchObject({
      kind: "payment",
      source: "highlevel",
      amount: 89900,
      currency: "USD",
      external_id: `snapshot:${Date.parse("2023-12-12T09:27:42.355Z")}`,
    });
    expect(events.data).toHaveLength(1);
    expect(events.data[0]).toMatchObject({
      source: "highlevel",
      event_type: "InvoicePartiallyPaid",
      verification: "highlevel:ed25519:key#0",
      raw_body: sampleText,
    });
    track(m.id, SAMPLE_ID);
  });

  it("settles on InvoicePaid, recognised by type or by status", async () => {
    const m = await merchant();
    const typed = snapshot({
      type: "InvoicePaid",
      status: "paid",
      amountPaid: 999,
      amountDue: 0,
      updatedAt: "2024-04-01T00:00:00.000Z",
    });
    const res = await deliver(m.id, typed, await signedEd(typed));
    expect(res.body.invoices[0].outcome).toBe("applied");
    expect((await ledger(m.key)).invoice).toMatchObject({
      status: "paid",
      amount_paid: 99900,
      amount_due: 0,
    });

    const other = uid("inv");
    const untyped = snapshot({ _id: other, status: "paid", amountPaid: 12.34, total: 12.34, amountDue: 0 });
    const res2 = await deliver(m.id, untyped, await signedEd(untyped));
    expect(res2.body).toMatchObject({ status: "applied", invoices: [{ invoice_id: other }] });
    const { invoice, events } = await ledger(m.key, other);
    expect(invoice).toMatchObject({ total: 1234, amount_paid: 1234, status: "paid" });
    expect(events.data[0].event_type).toBe("InvoicePaid");
    track(m.id, SAMPLE_ID, other);
  });

  it("voids the invoice on InvoiceVoid, even when it is the first event heard", async () => {
    const m = await merchant();
    const paid = snapshot({ webhookId: uid("wh") });
    await deliver(m.id, paid, await signedEd(paid));
    const voided = snapshot({ type: "InvoiceVoid", status: "void", updatedAt: "2024-05-01T00:00:00.000Z" });
    expect((await deliver(m.id, voided, await signedEd(voided))).status).toBe(200);
    const { invoice, lines } = await ledger(m.key);
    expect(invoice).toMatchObject({ status: "void", amount_paid: 89900 });
    expect(invoice.voided_at).toEqual(expect.any(String));
    expect(lines.data).toHaveLength(1);

    const other = uid("inv");
    const firstHeard = snapshot({ _id: other, status: "void", amountPaid: 0, amountDue: 999 });
    expect((await deliver(m.id, firstHeard, await signedEd(firstHeard))).status).toBe(200);
    expect((await ledger(m.key, other)).invoice).toMatchObject({ status: "void", total: 99900 });
    track(m.id, SAMPLE_ID, other);
  });

  it("acknowledges other events without touching the ledger", async () => {
    const m = await merchant();
    for (const body of [
      snapshot({ type: "InvoiceSent", status: "sent" }),
      snapshot({ status: "draft" }),
      JSON.stringify({ type: "ContactCreate", locationId: SAMPLE_LOCATION, id: "c1" }),
    ]) {
      const res = await deliver(m.id, body, await signedEd(body));
      expect(res.status).toBe(200);
      expect(res.body.status).toBe("ignored");
    }
    expect((await ledger(m.key)).status).toBe(404);
    track(m.id, SAMPLE_ID);
  });
});
