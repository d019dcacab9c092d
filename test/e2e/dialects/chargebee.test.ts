import { describe, expect } from "vitest";
import { call, createInvoice, createMerchant, it, offByOne, track, uid } from "../../helpers";

type Json = Record<string, any>;

const basic = (key: string, password = "") => `Basic ${btoa(`${key}:${password}`)}`;
const FORM = "application/x-www-form-urlencoded";

function record(
  key: string | null,
  invoiceId: string,
  params: Record<string, string | number>,
  headers: Record<string, string> = {},
) {
  const body = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
  return call("POST", `/api/v2/invoices/${invoiceId}/record_payment`, {
    raw: body,
    headers: { "content-type": FORM, ...(key ? { authorization: basic(key) } : {}), ...headers },
  });
}

const balance = async (key: string, invoiceId: string) =>
  (await call("GET", `/v1/invoices/${invoiceId}`, { key })).body;

/** A merchant with one USD invoice of $100.00 (10000 cents). */
async function setup(invoice: Json = {}) {
  const m = await createMerchant();
  const { id } = await createInvoice(m.key, {
    currency: "USD",
    total: 10000,
    due_date: "2030-01-31",
    ...invoice,
  });
  return { m, id };
}

describe("Chargebee dialect: record_payment", () => {
  it("records an offline payment and answers with Chargebee's invoice and transaction", async () => {
    const { m, id } = await setup();
    const res = await record(m.key, id, {
      "transaction[amount]": 2500,
      "transaction[payment_method]": "check",
      "transaction[reference_number]": "CHK-0042",
      "transaction[date]": 1717000000,
      comment: "first instalment",
    });
    expect(res.status).toBe(200);
    expect(res.body.invoice).toMatchObject({
      id,
      object: "invoice",
      status: "payment_due",
      currency_code: "USD",
      total: 10000,
      amount_paid: 2500,
      amount_due: 7500,
      due_date: Date.UTC(2030, 0, 31) / 1000,
      deleted: false,
    });
    expect(res.body.transaction).toMatchObject({
      id: expect.stringMatching(/^pay_/),
      object: "transaction",
      type: "payment",
      payment_method: "check",
      reference_number: "CHK-0042",
      date: 1717000000,
      currency_code: "USD",
      amount: 2500,
      status: "success",
      linked_invoices: [
        { invoice_id: id, applied_amount: 2500, invoice_total: 10000, invoice_status: "payment_due" },
      ],
    });
    expect(await balance(m.key, id)).toMatchObject({
      amount_paid: 2500,
      amount_due: 7500,
      status: "partially_paid",
    });
    const lines = (await call("GET", `/v1/invoices/${id}/payments`, { key: m.key })).body.data;
    expect(lines).toEqual([
      expect.objectContaining({
        id: res.body.transaction.id,
        source: "chargebee-api",
        amount: 2500,
        method: "cheque",
        reference: "CHK-0042",
        notes: "first instalment",
        paid_at: "2024-05-29T16:26:40.000Z",
      }),
    ]);
    track(m.id, id);
  });

  it("takes a partial payment, then the whole amount due when amount is absent, then answers 409", async () => {
    const { m, id } = await setup();
    expect(
      (await record(m.key, id, { "transaction[amount]": 4000, "transaction[payment_method]": "cash" }))
        .status,
    ).toBe(200);
    const rest = await record(m.key, id, { "transaction[payment_method]": "bank_transfer" });
    expect(rest.status).toBe(200);
    expect(rest.body.transaction).toMatchObject({ amount: 6000, payment_method: "bank_transfer" });
    expect(rest.body.invoice).toMatchObject({ status: "paid", amount_paid: 10000, amount_due: 0 });
    expect(await balance(m.key, id)).toMatchObject({ amount_paid: 10000, amount_due: 0, status: "paid" });

    const more = await record(m.key, id, { "transaction[amount]": 1, "transaction[payment_method]": "cash" });
    expect(more.status).toBe(409);
    expect(more.body).toEqual({
      message: expect.any(String),
      type: "invalid_request",
      api_error_code: "invalid_state_for_request",
      http_status_code: 409,
    });
    await call("POST", `/v1/invoices/${id}/void`, { key: m.key });
    const onVoid = await record(m.key, id, { "transaction[payment_method]": "cash" });
    expect(onVoid.status).toBe(409);
    expect(onVoid.body.api_error_code).toBe("invalid_state_for_request");
    expect(await balance(m.key, id)).toMatchObject({ amount_paid: 10000, payments_count: 2 });
    track(m.id, id);
  });

  it("replays a request with the same chargebee-idempotency-key and refuses the key with another body", async () => {
    const { m, id } = await setup();
    const params = { "transaction[amount]": 1234, "transaction[payment_method]": "cash" };
    const headers = { "chargebee-idempotency-key": "idem-7f3a" };
    const first = await record(m.key, id, params, headers);
    const burst = await Promise.all(Array.from({ length: 10 }, () => record(m.key, id, params, headers)));
    expect(first.status).toBe(200);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    for (const r of burst) {
      expect(r.status).toBe(200);
      expect(r.body.transaction.id).toBe(first.body.transaction.id);
    }
    const again = await record(m.key, id, params, headers);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const changed = await record(m.key, id, { ...params, "transaction[amount]": 1235 }, headers);
    expect(changed.status).toBe(422);
    expect(changed.body).toMatchObject({ api_error_code: "unable_to_process_request" });
    expect(await balance(m.key, id)).toMatchObject({ amount_paid: 1234, payments_count: 1 });
    track(m.id, id);
  });

  it("answers 401 without a valid key and 404 for another merchant's invoice, changing nothing", async () => {
    const { m, id } = await setup();
    const other = await createMerchant();
    const params = { "transaction[amount]": 100, "transaction[payment_method]": "cash" };
    const unauthorized: Array<Record<string, string>> = [
      {},
      { authorization: basic("ilk_wrong") },
      { authorization: basic(offByOne(m.key)) },
      { authorization: `Bearer ${m.key}` },
      { authorization: "Basic" },
    ];
    for (const headers of unauthorized) {
      const res = await record(null, id, params, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.body).toEqual({
        message: expect.any(String),
        api_error_code: "api_authentication_failed",
        http_status_code: 401,
      });
      expect(res.headers.get("www-authenticate")).toMatch(/^Basic/);
    }
    const elsewhere = await record(other.key, id, params);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body).toMatchObject({ type: "invalid_request", api_error_code: "resource_not_found" });
    expect((await record(m.key, uid("inv"), params)).status).toBe(404);
    // Chargebee's SDKs send the key as the user name with an empty password; any password is ignored.
    expect((await record(null, id, params, { authorization: basic(m.key, "ignored") })).status).toBe(200);
    expect(await balance(m.key, id)).toMatchObject({ amount_paid: 100, payments_count: 1 });
    track(m.id, id);
  });

  it("answers 400 param errors for decimals, bad or missing parameters, and amounts over the due", async () => {
    const { m, id } = await setup();
    const cases: Array<[Record<string, string | number>, string, string]> = [
      [
        { "transaction[amount]": "12.50", "transaction[payment_method]": "cash" },
        "transaction[amount]",
        "param_wrong_value",
      ],
      [
        { "transaction[amount]": "1e3", "transaction[payment_method]": "cash" },
        "transaction[amount]",
        "param_wrong_value",
      ],
      [
        { "transaction[amount]": "-5", "transaction[payment_method]": "cash" },
        "transaction[amount]",
        "param_wrong_value",
      ],
      [
        { "transaction[amount]": 10001, "transaction[payment_method]": "cash" },
        "transaction[amount]",
        "param_wrong_value",
      ],
      [
        { "transaction[amount]": 0, "transaction[payment_method]": "cash" },
        "transaction[amount]",
        "param_wrong_value",
      ],
      [{ "transaction[amount]": 100 }, "transaction[payment_method]", "param_required"],
      [
        { "transaction[amount]": 100, "transaction[payment_method]": "bitcoin" },
        "transaction[payment_method]",
        "param_wrong_value",
      ],
      [
        { "transaction[payment_method]": "cash", "transaction[date]": "yesterday" },
        "transaction[date]",
        "param_wrong_value",
      ],
      [
        { "transaction[payment_method]": "cash", "transaction[status]": "failure" },
        "transaction[status]",
        "param_wrong_value",
      ],
      [{ "transaction[payment_method]": "cash", comment: "x".repeat(301) }, "comment", "param_wrong_value"],
      [
        { "transaction[payment_method]": "cash", "transaction[amount_in_decimal]": "1.00" },
        "transaction[amount_in_decimal]",
        "invalid_request",
      ],
    ];
    for (const [params, param, code] of cases) {
      const res = await record(m.key, id, params);
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(res.body).toMatchObject({ type: "invalid_request", api_error_code: code, param });
    }
    const twice = await call("POST", `/api/v2/invoices/${id}/record_payment`, {
      raw: "transaction[payment_method]=cash&transaction[amount]=1&transaction[amount]=9000",
      headers: { "content-type": FORM, authorization: basic(m.key) },
    });
    expect(twice.status).toBe(400);
    const json = await call("POST", `/api/v2/invoices/${id}/record_payment`, {
      body: { transaction: { amount: 100, payment_method: "cash" } },
      headers: { authorization: basic(m.key) },
    });
    expect(json.status).toBe(415);
    expect(json.body.api_error_code).toBe("unsupported_media_type");
    expect(await balance(m.key, id)).toMatchObject({ amount_paid: 0, payments_count: 0 });
    track(m.id, id);
  });

  it("converts Chargebee cents exactly for zero- and three-decimal currencies", async () => {
    const m = await createMerchant();
    const jpy = await createInvoice(m.key, { currency: "JPY", total: 5000 });
    const kwd = await createInvoice(m.key, { currency: "KWD", total: 12340 }); // 12.340 KWD
    const odd = await createInvoice(m.key, { currency: "KWD", total: 12345 }); // 12.345 KWD

    const yen = await record(m.key, jpy.id, {
      "transaction[amount]": 1500,
      "transaction[payment_method]": "cash",
    });
    expect(yen.body.transaction.amount).toBe(1500);
    expect(await balance(m.key, jpy.id)).toMatchObject({ amount_paid: 1500, amount_due: 3500 });

    const dinar = await record(m.key, kwd.id, {
      "transaction[amount]": 234,
      "transaction[payment_method]": "cash",
    });
    expect(dinar.status).toBe(200);
    expect(dinar.body.transaction.amount).toBe(234);
    expect(dinar.body.invoice).toMatchObject({ total: 1234, amount_paid: 234, amount_due: 1000 });
    expect(await balance(m.key, kwd.id)).toMatchObject({ amount_paid: 2340, amount_due: 10000 });

    // 12.345 KWD has no whole number of Chargebee cents: refused rather than answered approximately.
    const refused = await record(m.key, odd.id, { "transaction[payment_method]": "cash" });
    expect(refused.status).toBe(400);
    expect(refused.body.api_error_code).toBe("invalid_request");
    expect(await balance(m.key, odd.id)).toMatchObject({ amount_paid: 0, payments_count: 0 });
    track(m.id, jpy.id, kwd.id, odd.id);
  });
});
