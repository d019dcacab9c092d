import { describe, expect } from "vitest";
import { call, createInvoice, createMerchant, it, offByOne, track, uid } from "../../helpers";

type Json = Record<string, any>;

const path = (business: string, invoiceId: string) =>
  `/businesses/${business}/invoices/${invoiceId}/payments`;
const pay = (key: string | undefined, business: string, invoiceId: string, body: Json | string) =>
  call("POST", path(business, invoiceId), {
    ...(typeof body === "string" ? { raw: body, headers: { "content-type": "application/json" } } : { body }),
    ...(key ? { key } : {}),
  });
const list = (key: string, business: string, invoiceId: string) =>
  call("GET", path(business, invoiceId), { key });
const balance = async (key: string, invoiceId: string) =>
  (await call("GET", `/v1/invoices/${invoiceId}`, { key })).body;

/** Refrens's own 401 answer. */
const INVALID_LOGIN = {
  name: "NotAuthenticated",
  message: "Invalid login",
  code: 401,
  className: "not-authenticated",
  data: { message: "Invalid login" },
  errors: {},
};

/** A merchant with one INR invoice of ₹1,000.00 (100000 paise). */
async function setup(invoice: Json = {}) {
  const m = await createMerchant();
  const { id } = await createInvoice(m.key, { currency: "INR", total: 100000, ...invoice });
  return { m, id };
}

describe("Refrens dialect: add a payment to an invoice", () => {
  it("records a payment in major units and answers like Refrens, our balance agreeing", async () => {
    const { m, id } = await setup();
    const res = await pay(m.key, m.id, id, {
      tds: 10,
      transactionCharge: 2.5,
      amount: 300.5,
      paymentDate: "2024-08-18T12:08:38.000Z",
      paymentMethod: "CHEQUE",
      notes: "Payment for invoice #123",
      refId: "chq-000123",
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      tds: 10,
      transactionCharge: 2.5,
      amount: 300.5,
      paymentDate: "2024-08-18T12:08:38.000Z",
      paymentMethod: "CHEQUE",
      notes: "Payment for invoice #123",
      business: m.id,
      isApproved: true,
      isRemoved: false,
      _id: expect.stringMatching(/^pay_/),
      refId: "chq-000123",
    });
    expect(await balance(m.key, id)).toMatchObject({
      amount_paid: 31050, // 300.50 received + 10.00 withheld
      amount_due: 68950,
      tds_withheld: 1000,
      transaction_charges: 250,
      status: "partially_paid",
      payments_count: 1,
    });
    const lines = (await call("GET", `/v1/invoices/${id}/payments`, { key: m.key })).body.data;
    expect(lines).toEqual([
      expect.objectContaining({
        id: res.body._id,
        source: "refrens",
        idempotency_key: "chq-000123",
        amount: 30050,
        tds: 1000,
        transaction_charge: 250,
        method: "cheque",
        reference: "chq-000123",
        paid_at: "2024-08-18T12:08:38.000Z",
      }),
    ]);
    track(m.id, id);
  });

  it("takes a partial payment, then the rest when amount is absent, then refuses more (409)", async () => {
    const { m, id } = await setup();
    expect((await pay(m.key, m.id, id, { amount: 400, paymentMethod: "UPI" })).status).toBe(201);
    expect(await balance(m.key, id)).toMatchObject({ amount_paid: 40000, amount_due: 60000 });
    const rest = await pay(m.key, m.id, id, {
      paymentMethod: "ACCOUNT_TRANSFER",
      tds: 100,
      paymentDate: "2024-09-01",
    });
    expect(rest.status).toBe(201);
    expect(rest.body).toMatchObject({ amount: 500, tds: 100, paymentDate: "2024-09-01T00:00:00.000Z" });
    expect(await balance(m.key, id)).toMatchObject({ amount_paid: 100000, amount_due: 0, status: "paid" });

    const more = await pay(m.key, m.id, id, { amount: 1, paymentMethod: "CASH" });
    expect(more.status).toBe(409);
    expect(more.body).toMatchObject({
      name: "Conflict",
      code: 409,
      className: "conflict",
      data: { reason: "invoice_not_payable" },
    });
    expect(await balance(m.key, id)).toMatchObject({ amount_paid: 100000, payments_count: 2 });
    track(m.id, id);
  });

  it("refuses payments on a void invoice with 409", async () => {
    const { m, id } = await setup();
    expect((await call("POST", `/v1/invoices/${id}/void`, { key: m.key })).status).toBe(200);
    const res = await pay(m.key, m.id, id, { amount: 10, paymentMethod: "CASH" });
    expect(res.status).toBe(409);
    expect(res.body.name).toBe("Conflict");
    expect(await balance(m.key, id)).toMatchObject({ amount_paid: 0, payments_count: 0 });
    track(m.id, id);
  });

  it("treats refId as an idempotency key: replays never double, a changed body is refused", async () => {
    const { m, id } = await setup();
    const body = { amount: 250, paymentMethod: "CASH", refId: "rcpt-77" };
    const first = await pay(m.key, m.id, id, body);
    const again = await pay(m.key, m.id, id, body);
    const burst = await Promise.all(Array.from({ length: 10 }, () => pay(m.key, m.id, id, body)));
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    for (const r of [again, ...burst]) {
      expect(r.status).toBe(201);
      expect(r.body).toEqual(first.body);
    }
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const changed = await pay(m.key, m.id, id, { ...body, amount: 260 });
    expect(changed.status).toBe(409);
    expect(changed.body).toMatchObject({ name: "Conflict", data: { reason: "idempotency_key_reused" } });
    expect(await balance(m.key, id)).toMatchObject({ amount_paid: 25000, payments_count: 1 });
    // Without a refId nothing ties two posts together: Refrens's own behaviour.
    expect((await pay(m.key, m.id, id, { amount: 1, paymentMethod: "CASH" })).status).toBe(201);
    expect(await balance(m.key, id)).toMatchObject({ amount_paid: 25100, payments_count: 2 });
    track(m.id, id);
  });

  it("answers Refrens's 401 for no key, a wrong key and another business's key; 404 for another's invoice", async () => {
    const { m, id } = await setup();
    const other = await createMerchant();
    const body = { amount: 10, paymentMethod: "CASH" };
    for (const [key, business] of [
      [undefined, m.id],
      ["ilk_wrong", m.id],
      [offByOne(m.key), m.id],
      [other.key, m.id],
      [m.key, other.id],
      [m.key, uid("nobody")],
    ] as const) {
      const res = await pay(key, business, id, body);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(INVALID_LOGIN);
      expect((await list(key ?? "", business, id)).body).toEqual(INVALID_LOGIN);
    }
    const elsewhere = await pay(other.key, other.id, id, body);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body).toMatchObject({ name: "NotFound", code: 404, className: "not-found", errors: {} });
    expect((await list(other.key, other.id, id)).status).toBe(404);
    expect(await balance(m.key, id)).toMatchObject({ amount_paid: 0, payments_count: 0 });
    track(m.id, id);
  });

  it("refuses more decimals than the currency has (422) and amounts over the due (422)", async () => {
    const { m, id } = await setup();
    const jpy = await createInvoice(m.key, { currency: "JPY", total: 5000 });
    const cases: Array<[string, Json, string]> = [
      [id, { amount: 10.505, paymentMethod: "CASH" }, "too_many_decimals"],
      [id, { amount: 10, tds: 0.001, paymentMethod: "CASH" }, "too_many_decimals"],
      [id, { amount: 10, transactionCharge: 1.001, paymentMethod: "CASH" }, "too_many_decimals"],
      [jpy.id, { amount: 10.5, paymentMethod: "CASH" }, "too_many_decimals"],
      [id, { amount: 1000.01, paymentMethod: "CASH" }, "amount_exceeds_due"],
      [id, { amount: 0, paymentMethod: "CASH" }, "invalid_amount"],
    ];
    for (const [invoiceId, body, reason] of cases) {
      const res = await pay(m.key, m.id, invoiceId, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body).toMatchObject({
        name: "Unprocessable",
        code: 422,
        className: "unprocessable",
        data: { reason },
      });
    }
    expect((await pay(m.key, m.id, jpy.id, { amount: 1500, paymentMethod: "CASH" })).body.amount).toBe(1500);
    expect(await balance(m.key, jpy.id)).toMatchObject({ amount_paid: 1500, amount_due: 3500 });
    expect(await balance(m.key, id)).toMatchObject({ amount_paid: 0, payments_count: 0 });
    track(m.id, id, jpy.id);
  });

  it("answers 400 BadRequest to malformed or invalid bodies and 404 to unknown invoices", async () => {
    const { m, id } = await setup();
    const bad: Array<Json | string> = [
      "{not json",
      "[]",
      { amount: "100", paymentMethod: "CASH" },
      { amount: -1, paymentMethod: "CASH" },
      { amount: 10, paymentMethod: "BITCOIN" },
      { amount: 10, paymentMethod: "CASH", colour: "red" },
      { amount: 10, paymentMethod: "CASH", paymentDate: "yesterday" },
      { amount: 10, paymentMethod: "CASH", refId: "" },
      { amount: 1e300, paymentMethod: "CASH" },
    ];
    for (const body of bad) {
      const res = await pay(m.key, m.id, id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ name: "BadRequest", code: 400, className: "bad-request" });
    }
    const unknown = await pay(m.key, m.id, uid("inv"), { amount: 10, paymentMethod: "CASH" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.name).toBe("NotFound");
    expect((await pay(m.key, m.id, "bad id!", { amount: 10 })).status).toBe(404);
    expect(await balance(m.key, id)).toMatchObject({ amount_paid: 0, payments_count: 0 });
    track(m.id, id);
  });
});

describe("Refrens dialect: list an invoice's payments", () => {
  it("lists every payment in Refrens's shape, reversed ones as removed", async () => {
    const { m, id } = await setup();
    const a = await pay(m.key, m.id, id, {
      amount: 100.25,
      paymentMethod: "DD",
      refId: "dd-1",
      notes: "first",
    });
    const b = await pay(m.key, m.id, id, { amount: 50, paymentMethod: "DEBIT_CARD" });
    const api = await call("POST", `/v1/invoices/${id}/payments`, {
      key: m.key,
      body: { amount: 1000, method: "other", reference: "misc" },
    });
    expect(api.status).toBe(201);
    const reversed = await call("POST", `/v1/invoices/${id}/payments/${a.body._id}/reverse`, {
      key: m.key,
      body: { reason: "bounced" },
    });
    expect(reversed.status).toBe(201);

    const res = await list(m.key, m.id, id);
    expect(res.status).toBe(200);
    expect(res.body.payments).toEqual([
      { ...a.body, isRemoved: true },
      // The ledger records credit and debit cards alike; a card reads back as CREDIT_CARD.
      { ...b.body, paymentMethod: "CREDIT_CARD" },
      expect.objectContaining({
        amount: 10,
        paymentMethod: null,
        refId: "misc",
        isRemoved: false,
        _id: api.body.payment.id,
      }),
    ]);
    expect(await balance(m.key, id)).toMatchObject({ amount_paid: 6000, amount_due: 94000 });
    expect((await list(m.key, m.id, uid("inv"))).status).toBe(404);
    track(m.id, id);
  });
});
