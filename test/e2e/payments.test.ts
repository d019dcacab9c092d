import { env } from "cloudflare:workers";
import { describe, expect } from "vitest";
import { call, createInvoice, createMerchant, it, track, uid } from "../helpers";
import { deliverStandardPayment, STANDARD_SECRET } from "../support/standard-payment";

const pay = (key: string, id: string, body: unknown, headers?: Record<string, string>) =>
  call("POST", `/v1/invoices/${id}/payments`, { key, body, ...(headers ? { headers } : {}) });

const reverse = (
  key: string,
  id: string,
  paymentId: string,
  body?: unknown,
  headers?: Record<string, string>,
) =>
  call("POST", `/v1/invoices/${id}/payments/${paymentId}/reverse`, {
    key,
    ...(body !== undefined ? { body } : {}),
    ...(headers ? { headers } : {}),
  });

const getInvoice = async (key: string, id: string) => {
  const res = await call("GET", `/v1/invoices/${id}`, { key });
  expect(res.status).toBe(200);
  return res.body;
};

async function allLines(key: string, id: string, limit = 50) {
  const lines: any[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const q: string = cursor ? `?limit=${limit}&cursor=${encodeURIComponent(cursor)}` : `?limit=${limit}`;
    const res = await call("GET", `/v1/invoices/${id}/payments${q}`, { key });
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeLessThanOrEqual(limit);
    lines.push(...res.body.data);
    cursor = res.body.next_cursor;
    if (!cursor) return lines;
  }
  throw new Error("pagination does not end");
}

/** The invoice and its lines, to prove a refused request changed nothing. */
const snapshot = async (key: string, id: string) => ({
  invoice: await getInvoice(key, id),
  lines: await allLines(key, id),
});

async function setup(body: Record<string, unknown> = {}) {
  const m = await createMerchant();
  const { id } = await createInvoice(m.key, { currency: "INR", total: 100000, ...body });
  track(m.id, id);
  return { key: m.key, id, merchant: m };
}

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

describe("Idempotency-Key", () => {
  it("same key and body: the same response and one payment", async () => {
    const { key, id } = await setup();
    const headers = { "idempotency-key": `k-${uid("idem")}` };
    const body = { amount: 25000, method: "cheque", reference: "CHQ-1" };
    const first = await pay(key, id, body, headers);
    const second = await pay(key, id, body, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.body.payment.id).toBe(first.body.payment.id);
    const inv = await getInvoice(key, id);
    expect(inv).toMatchObject({ amount_paid: 25000, payments_count: 1 });
    expect(await allLines(key, id)).toHaveLength(1);
  });

  it("same key, different body: 409 idempotency_key_reused and nothing changes", async () => {
    const { key, id } = await setup();
    const headers = { "idempotency-key": "order-42-payment" };
    expect((await pay(key, id, { amount: 25000 }, headers)).status).toBe(201);
    const before = await snapshot(key, id);
    for (const body of [{ amount: 26000 }, { amount: 25000, method: "cash" }, { amount: 25000, tds: 1 }]) {
      const res = await pay(key, id, body, headers);
      expect(res.status, JSON.stringify(body)).toBe(409);
      expect(res.body.error.code).toBe("idempotency_key_reused");
    }
    expect(await snapshot(key, id)).toEqual(before);
  });

  it("a refused request replays its refusal; a new key is a new request", async () => {
    const { key, id } = await setup();
    const headers = { "idempotency-key": "too-much" };
    const refused = await pay(key, id, { amount: 200000 }, headers);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("amount_exceeds_due");
    expect(await pay(key, id, { amount: 200000 }, headers)).toMatchObject({
      status: 422,
      body: refused.body,
    });
    expect((await pay(key, id, { amount: 1000 }, { "idempotency-key": "other" })).status).toBe(201);
  });

  it("refuses a malformed key", async () => {
    const { key, id } = await setup();
    const res = await pay(key, id, { amount: 10 }, { "idempotency-key": "x".repeat(256) });
    expect(res.status).toBe(422);
    expect((await getInvoice(key, id)).payments_count).toBe(0);
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

describe("listing lines", () => {
  it("pages by cursor: every line exactly once, oldest first", async () => {
    const { key, id } = await setup();
    const ids: string[] = [];
    for (let i = 1; i <= 7; i++) {
      const res = await pay(key, id, { amount: i * 100, reference: `r${i}` });
      ids.push(res.body.payment.id);
    }
    const first = await call("GET", `/v1/invoices/${id}/payments?limit=3`, { key });
    expect(first.body.data.map((l: any) => l.id)).toEqual(ids.slice(0, 3));
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await call("GET", `/v1/invoices/${id}/payments?limit=3&cursor=${first.body.next_cursor}`, {
      key,
    });
    expect(second.body.data.map((l: any) => l.id)).toEqual(ids.slice(3, 6));
    const third = await call("GET", `/v1/invoices/${id}/payments?limit=3&cursor=${second.body.next_cursor}`, {
      key,
    });
    expect(third.body.data.map((l: any) => l.id)).toEqual(ids.slice(6));
    expect(third.body.next_cursor).toBeNull();

    for (const limit of [1, 2, 7, 50]) {
      expect((await allLines(key, id, limit)).map((l) => l.id)).toEqual(ids);
    }
    // An exact multiple of the page size ends with a null cursor, not with an empty page.
    const seven = await call("GET", `/v1/invoices/${id}/payments?limit=7`, { key });
    expect(seven.body.next_cursor).toBeNull();
  });

  it("an empty ledger is one empty page", async () => {
    const { key, id } = await setup();
    const res = await call("GET", `/v1/invoices/${id}/payments`, { key });
    expect(res.body).toEqual({ data: [], next_cursor: null });
  });

  it("refuses a bad limit", async () => {
    const { key, id } = await setup();
    for (const limit of ["0", "201", "-1", "abc", "1.5"]) {
      const res = await call("GET", `/v1/invoices/${id}/payments?limit=${limit}`, { key });
      expect(res.status, limit).toBe(422);
    }
  });

  it("refuses a cursor it did not issue instead of starting over", async () => {
    const { key, id } = await setup();
    await pay(key, id, { amount: 100 });
    for (const cursor of ["garbage", "c2VxOi0x", btoa("seq:abc")]) {
      const res = await call("GET", `/v1/invoices/${id}/payments?cursor=${encodeURIComponent(cursor)}`, {
        key,
      });
      expect(res.status, cursor).toBe(422);
      expect(res.body.error.message, cursor).toMatch(/cursor/);
    }
  });
});

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

describe("bad input changes nothing", () => {
  it("malformed JSON and bodies that are not objects are 400; wrong types and unknown fields are 422", async () => {
    const { key, id } = await setup();
    await pay(key, id, { amount: 100 });
    const before = await snapshot(key, id);
    const cases: Array<[string, number]> = [
      ["{not json", 400],
      ['{"amount": 100', 400],
      [JSON.stringify({ amount: "100" }), 422],
      [JSON.stringify({ amount: 10.5 }), 422],
      [JSON.stringify({ amount: -1 }), 422],
      [JSON.stringify({ amount: 2 ** 53 }), 422],
      [JSON.stringify({ amount: 100, tds: -5 }), 422],
      [JSON.stringify({ amount: 100, transaction_charge: "1" }), 422],
      [JSON.stringify({ amount: 100, colour: "red" }), 422],
      [JSON.stringify({ amount: 100, paid_at: "yesterday" }), 422],
      [JSON.stringify({ amount: 100, reference: "x".repeat(129) }), 422],
      [JSON.stringify({ amount: 100, allow_overpayment: "yes" }), 422],
      [JSON.stringify({ amount: 100, currency: "XXX" }), 422],
      [JSON.stringify([{ amount: 100 }]), 400],
      ["null", 400],
    ];
    for (const [raw, status] of cases) {
      const res = await call("POST", `/v1/invoices/${id}/payments`, {
        key,
        raw,
        headers: { "content-type": "application/json" },
      });
      expect(res.status, raw).toBe(status);
      expect(res.body.error, raw).toEqual({
        code: expect.any(String),
        message: expect.any(String),
        ...(res.body.error.details ? { details: expect.anything() } : {}),
      });
    }
    expect(await snapshot(key, id)).toEqual(before);
  });

  it("a body that is not declared as JSON is not treated as an empty payment (which would pay it all)", async () => {
    const { key, id } = await setup();
    const variants: Array<Record<string, string>> = [
      {},
      { "content-type": "text/plain" },
      { "content-type": "application/x-www-form-urlencoded" },
    ];
    for (const headers of variants) {
      const res = await call("POST", `/v1/invoices/${id}/payments`, {
        key,
        raw: JSON.stringify({ amount: 100 }),
        headers,
      });
      expect(res.status, JSON.stringify(headers)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect(await getInvoice(key, id)).toMatchObject({ amount_paid: 0, payments_count: 0 });
  });

  it("a reverse body with unknown fields is refused", async () => {
    const { key, id } = await setup();
    const p = await pay(key, id, { amount: 100 });
    const res = await reverse(key, id, p.body.payment.id, { reason: "x", amount: 5 });
    expect(res.status).toBe(422);
    expect((await getInvoice(key, id)).amount_paid).toBe(100);
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
    const m = await createMerchant({ providers: { standard: { secrets: [STANDARD_SECRET] } } });
    const id = uid("inv");
    track(m.id, id);
    const delivered = await deliverStandardPayment(m.id, id);
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
