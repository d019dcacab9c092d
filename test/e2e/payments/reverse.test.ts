// POST /v1/invoices/{id}/payments/{payment_id}/reverse: a payment taken back once.
import { env } from "cloudflare:workers";
import { describe, expect } from "vitest";
import { it } from "../../helpers";
import { allLines, getInvoice, pay, reverse, setup, snapshot } from "../../support/payments";

describe("reversing a payment", () => {
  it("a bounced cheque: the balance is restored, once", async () => {
    const { key, id } = await setup();
    const a = await pay(key, id, { amount: 40000, method: "cheque", reference: "CHQ-1" });
    const b = await pay(key, id, { amount: 50000, tds: 10000, method: "cheque", reference: "CHQ-2" });
    expect(b.body.invoice.status).toBe("paid");

    const r1 = await reverse(key, id, b.body.payment.id, { reason: "Cheque bounced: insufficient funds" });
    expect(r1.status).toBe(201);
    expect(r1.body.reversal).toMatchObject({
      id: expect.stringMatching(/^rev_/),
      kind: "reversal",
      amount: 60000, // the cash and the tds it credited
      reverses: b.body.payment.id,
      notes: "Cheque bounced: insufficient funds",
      reference: "CHQ-2",
    });
    expect(r1.body.invoice).toMatchObject({
      amount_paid: 40000,
      amount_due: 60000,
      status: "partially_paid",
    });

    const again = await reverse(key, id, b.body.payment.id);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("already_reversed");

    const r2 = await reverse(key, id, a.body.payment.id);
    expect(r2.status).toBe(201);
    expect(r2.body.invoice).toMatchObject({ amount_paid: 0, amount_due: 100000, status: "open" });

    const lines = await allLines(key, id);
    expect(lines.map((l) => l.kind)).toEqual(["payment", "payment", "reversal", "reversal"]);
    // The invoice is payable again.
    expect((await pay(key, id, {})).body.invoice.status).toBe("paid");
  });

  it("a reversal can be retried with its Idempotency-Key", async () => {
    const { key, id } = await setup();
    const p = await pay(key, id, { amount: 1000 });
    const headers = { "idempotency-key": "bounce-1" };
    const first = await reverse(key, id, p.body.payment.id, { reason: "bounced" }, headers);
    const retry = await reverse(key, id, p.body.payment.id, { reason: "bounced" }, headers);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect((await getInvoice(key, id)).amount_paid).toBe(0);
  });

  it("a provider's payment is never reversed twice without a trace (merchant reversal, then the provider's refund)", async () => {
    const { key, id, merchant } = await setup({ total: 1000 });
    const ledger = env.INVOICE_LEDGER.getByName(`${merchant.id}:${id}`);
    const ref = { merchantId: merchant.id, invoiceId: id };
    const event = (eventId: string) => ({
      source: "razorpay",
      id: eventId,
      type: "test",
      verification: "test",
      rawBody: "{}",
      receivedAt: new Date().toISOString(),
    });
    await ledger.ingest(ref, {
      event: event("evt_pay"),
      lines: [{ kind: "payment", source: "razorpay", externalId: "pay_R1", amount: 1000, currency: "INR" }],
    });
    const [paid] = await allLines(key, id);
    await reverse(key, id, paid.id, { reason: "customer says it bounced" });
    await ledger.ingest(ref, {
      event: event("evt_refund"),
      lines: [
        {
          kind: "reversal",
          source: "razorpay",
          externalId: "rfnd_R1",
          amount: 1000,
          currency: "INR",
          reverses: { source: "razorpay", externalId: "pay_R1" },
        },
      ],
    });
    const invoice = await getInvoice(key, id);
    // Either the API leaves provider payments to their provider, or the second reversal is flagged.
    expect(invoice.amount_paid >= 0 || invoice.anomalies_count > 0, JSON.stringify(invoice)).toBe(true);
  });

  it("an unknown payment, or a line that is not a payment: 404", async () => {
    const { key, id } = await setup();
    const p = await pay(key, id, { amount: 1000 });
    const r = await reverse(key, id, p.body.payment.id);
    const before = await snapshot(key, id);
    const unknown = await reverse(key, id, "pay_doesnotexist");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("not_found");
    expect((await reverse(key, id, r.body.reversal.id)).status).toBe(404);
    expect(await snapshot(key, id)).toEqual(before);
    const elsewhere = await setup();
    expect((await reverse(elsewhere.key, elsewhere.id, p.body.payment.id)).status).toBe(404);
  });
});
