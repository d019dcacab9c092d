import { Webhook } from "standardwebhooks";
import { describe, expect } from "vitest";
import { call, createInvoice, createMerchant, it, track, uid } from "../../helpers";
import { allLines, getInvoice, pay, setup, snapshot } from "../../support/payments";

describe("recording payments", () => {
  it("answers 201 with the payment and the invoice's new balance", async () => {
    const { key, id } = await setup();
    const res = await pay(key, id, { amount: 40000, method: "cash" });
    expect(res.status).toBe(201);
    expect(res.body.payment).toMatchObject({
      id: expect.stringMatching(/^pay_/),
      kind: "payment",
      source: "api",
      amount: 40000,
      tds: 0,
      transaction_charge: 0,
      currency: "INR",
      method: "cash",
      reverses: null,
    });
    expect(res.body.invoice).toMatchObject({
      id,
      total: 100000,
      amount_paid: 40000,
      amount_due: 60000,
      credit_balance: 0,
      status: "partially_paid",
      payments_count: 1,
    });
    expect(await getInvoice(key, id)).toMatchObject({
      amount_paid: 40000,
      amount_due: 60000,
      payments_count: 1,
    });
  });

  it("without an amount, pays the whole amount due (less any tds)", async () => {
    const { key, id } = await setup();
    await pay(key, id, { amount: 30000 });
    const rest = await pay(key, id, { method: "bank_transfer" });
    expect(rest.status).toBe(201);
    expect(rest.body.payment.amount).toBe(70000);
    expect(rest.body.invoice).toMatchObject({ amount_paid: 100000, amount_due: 0, status: "paid" });

    const other = await setup();
    const withTds = await pay(other.key, other.id, { tds: 10000, method: "cheque" });
    expect(withTds.status).toBe(201);
    expect(withTds.body.payment).toMatchObject({ amount: 90000, tds: 10000 });
    expect(withTds.body.invoice).toMatchObject({ amount_paid: 100000, amount_due: 0, status: "paid" });
  });

  it("credits tds like cash and records the transaction charge without crediting it", async () => {
    const { key, id } = await setup();
    const res = await pay(key, id, { amount: 45000, tds: 5000, transaction_charge: 1200, method: "upi" });
    expect(res.status).toBe(201);
    expect(res.body.payment).toMatchObject({ amount: 45000, tds: 5000, transaction_charge: 1200 });
    expect(res.body.invoice).toMatchObject({
      amount_paid: 50000,
      amount_due: 50000,
      tds_withheld: 5000,
      transaction_charges: 1200,
      status: "partially_paid",
    });
    // A payment entirely withheld at source is still a payment.
    const allTds = await pay(key, id, { amount: 0, tds: 1000 });
    expect(allTds.status).toBe(201);
    expect(allTds.body.invoice.amount_paid).toBe(51000);
  });

  it("accepts each payment method and refuses others", async () => {
    const { key, id } = await setup();
    const methods = ["cash", "cheque", "bank_transfer", "card", "upi", "demand_draft", "other"];
    for (const method of methods) {
      const res = await pay(key, id, { amount: 100, method });
      expect(res.status, method).toBe(201);
      expect(res.body.payment.method).toBe(method);
    }
    const defaulted = await pay(key, id, { amount: 100 });
    expect(defaulted.body.payment.method).toBe("other");
    const bad = await pay(key, id, { amount: 100, method: "bitcoin" });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe("validation_failed");
    expect((await getInvoice(key, id)).payments_count).toBe(methods.length + 1);
  });

  it("keeps paid_at, reference and notes as sent", async () => {
    const { key, id } = await setup();
    const sent = {
      amount: 2500,
      method: "cheque",
      paid_at: "2030-01-15T10:30:00+05:30",
      reference: "CHQ 000123 / HDFC",
      notes: "Handed over at the counter; ünïcödé ✓",
    };
    const res = await pay(key, id, sent);
    expect(res.status).toBe(201);
    expect(res.body.payment).toMatchObject({
      paid_at: sent.paid_at,
      reference: sent.reference,
      notes: sent.notes,
    });
    const [line] = await allLines(key, id);
    expect(line).toMatchObject({ id: res.body.payment.id, ...sent, amount: 2500 });
    const bare = await pay(key, id, { amount: 1 });
    expect(bare.body.payment).toMatchObject({ paid_at: null, reference: null, notes: null });
  });

  it("refuses an amount of nothing", async () => {
    const { key, id } = await setup();
    const before = await snapshot(key, id);
    const res = await pay(key, id, { amount: 0 });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("invalid_amount");
    expect(await snapshot(key, id)).toEqual(before);
  });
});

describe("what an invoice accepts", () => {
  it("a paid invoice takes no payment: 409 invoice_not_payable", async () => {
    const { key, id } = await setup();
    expect((await pay(key, id, {})).status).toBe(201);
    const before = await snapshot(key, id);
    const res = await pay(key, id, { amount: 1 });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("invoice_not_payable");
    const over = await pay(key, id, { amount: 1, allow_overpayment: true });
    expect(over.status).toBe(409);
    expect(await snapshot(key, id)).toEqual(before);
  });

  it("a void invoice takes no payment: 409 invoice_not_payable", async () => {
    const { key, id } = await setup();
    await pay(key, id, { amount: 100 });
    expect((await call("POST", `/v1/invoices/${id}/void`, { key })).status).toBe(200);
    const before = await snapshot(key, id);
    const res = await pay(key, id, { amount: 100 });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("invoice_not_payable");
    expect(await snapshot(key, id)).toEqual(before);
    expect(before.invoice.status).toBe("void");
  });

  it("more than is due: 422 amount_exceeds_due, unless allow_overpayment", async () => {
    const { key, id } = await setup();
    await pay(key, id, { amount: 60000 });
    const before = await snapshot(key, id);
    const res = await pay(key, id, { amount: 40001 });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("amount_exceeds_due");
    const withTds = await pay(key, id, { amount: 40000, tds: 1 });
    expect(withTds.body.error.code).toBe("amount_exceeds_due");
    expect(await snapshot(key, id)).toEqual(before);

    const over = await pay(key, id, { amount: 45000, allow_overpayment: true });
    expect(over.status).toBe(201);
    expect(over.body.invoice).toMatchObject({
      amount_paid: 105000,
      amount_due: 0,
      credit_balance: 5000,
      status: "overpaid",
    });
  });

  it("a payment in another currency: 422 currency_mismatch", async () => {
    const { key, id } = await setup();
    const before = await snapshot(key, id);
    const res = await pay(key, id, { amount: 100, currency: "USD" });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("currency_mismatch");
    expect(await snapshot(key, id)).toEqual(before);
    expect((await pay(key, id, { amount: 100, currency: "INR" })).status).toBe(201);
  });

  it("an unknown invoice, or another merchant's: 404", async () => {
    const { key, id } = await setup();
    const other = await createMerchant();
    expect((await pay(key, uid("nope"), { amount: 1 })).status).toBe(404);
    expect((await pay(other.key, id, { amount: 1 })).status).toBe(404);
    expect((await call("GET", `/v1/invoices/${id}/payments`, { key: other.key })).status).toBe(404);
    expect((await getInvoice(key, id)).payments_count).toBe(0);
  });
});

describe("invoice currency", () => {
  it("is locked once the invoice has lines: 409 currency_locked", async () => {
    const { key, id } = await setup();
    // Before any line the currency may still be corrected.
    const fix = await call("PUT", `/v1/invoices/${id}`, { key, body: { currency: "USD", total: 100000 } });
    expect(fix.status).toBe(200);
    expect(fix.body.currency).toBe("USD");
    await pay(key, id, { amount: 100 });
    const before = await snapshot(key, id);
    const res = await call("PUT", `/v1/invoices/${id}`, { key, body: { currency: "INR", total: 100000 } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("currency_locked");
    expect(await snapshot(key, id)).toEqual(before);
    // The total may still change.
    const retotal = await call("PUT", `/v1/invoices/${id}`, { key, body: { currency: "USD", total: 500 } });
    expect(retotal.status).toBe(200);
    expect(retotal.body).toMatchObject({ total: 500, amount_paid: 100, amount_due: 400 });
  });

  it("0-decimal (JPY) and 3-decimal (KWD) invoices keep integer minor units", async () => {
    const m = await createMerchant();
    const jpy = await createInvoice(m.key, { currency: "JPY", total: 15000 });
    track(m.id, jpy.id);
    const p1 = await pay(m.key, jpy.id, { amount: 4999, method: "bank_transfer" });
    expect(p1.status).toBe(201);
    expect(p1.body.invoice).toMatchObject({ currency: "JPY", amount_paid: 4999, amount_due: 10001 });
    expect(p1.body.payment.currency).toBe("JPY");
    expect((await pay(m.key, jpy.id, {})).body.invoice).toMatchObject({ amount_paid: 15000, status: "paid" });

    const kwd = await createInvoice(m.key, { currency: "KWD", total: 12345 }); // KWD 12.345
    track(m.id, kwd.id);
    const p2 = await pay(m.key, kwd.id, { amount: 2345, tds: 1 });
    expect(p2.body.invoice).toMatchObject({ currency: "KWD", amount_paid: 2346, amount_due: 9999 });
    expect((await pay(m.key, kwd.id, { amount: 10000 })).body.error.code).toBe("amount_exceeds_due");
    expect((await pay(m.key, kwd.id, { amount: 9999 })).body.invoice.status).toBe("paid");
  });
});

describe("an invoice known only through a provider's payment", () => {
  it("takes no API payment until its total is set", async () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const m = await createMerchant({ providers: { standard: { secrets: [secret] } } });
    const id = uid("inv");
    track(m.id, id);
    const body = JSON.stringify({
      type: "payment.recorded",
      timestamp: new Date().toISOString(),
      data: { invoice_id: id, payment_id: "utr-1", amount: 1000, currency: "INR" },
    });
    const msgId = uid("msg");
    const now = new Date();
    const signature = new Webhook(secret).sign(msgId, now, body);
    const delivered = await call("POST", `/webhooks/standard/${m.id}`, {
      raw: body,
      headers: {
        "content-type": "application/json",
        "webhook-id": msgId,
        "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
        "webhook-signature": signature,
      },
    });
    expect(delivered.status).toBe(200);

    const refused = await call("POST", `/v1/invoices/${id}/payments`, { key: m.key, body: { amount: 500 } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("invoice_total_unknown");
    expect((await call("GET", `/v1/invoices/${id}`, { key: m.key })).body).toMatchObject({
      total: null,
      amount_paid: 1000,
      amount_due: null,
    });

    expect(
      (await call("PUT", `/v1/invoices/${id}`, { key: m.key, body: { currency: "INR", total: 3000 } }))
        .status,
    ).toBe(200);
    const paid = await call("POST", `/v1/invoices/${id}/payments`, { key: m.key, body: {} });
    expect(paid.status).toBe(201);
    expect(paid.body.invoice).toMatchObject({ amount_paid: 3000, amount_due: 0, status: "paid" });
  });
});
