import { describe, expect } from "vitest";
import { call, createInvoice, createMerchant, getInvoice, getLines, it, snapshot, track } from "../helpers";

const basic = (key: string) => `Basic ${btoa(`${key}:`)}`;
const FORM = "application/x-www-form-urlencoded";

function post(
  version: "v1" | "v2",
  key: string,
  invoiceId: string,
  params: Record<string, string | number>,
  headers: Record<string, string> = {},
) {
  const body = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
  return call("POST", `/api/${version}/invoices/${invoiceId}/record_payment`, {
    raw: body,
    headers: { "content-type": FORM, authorization: basic(key), ...headers },
  });
}

/** A merchant with one USD invoice of $100.00 (10000 cents). */
async function setup() {
  const m = await createMerchant();
  const { id } = await createInvoice(m.key, { currency: "USD", total: 10000, due_date: "2030-01-31" });
  track(m.id, id);
  return { m, id };
}

const reminders = async (key: string, id: string) =>
  (await call("GET", `/v1/invoices/${id}/reminders`, { key })).body.data as Array<{ reason: string }>;

const V1_PAYMENT = {
  amount: 2500,
  payment_method: "check",
  paid_at: 1717000000,
  reference_number: "CHK-0042",
  memo: "first instalment",
};

describe("Chargebee v1 record_payment (seed 004)", () => {
  it("records the flat v1 fields on the same ledger and answers with the invoice and the transaction", async () => {
    const { m, id } = await setup();
    const res = await post("v1", m.key, id, V1_PAYMENT);
    expect(res.status).toBe(200);
    expect(res.body.invoice).toMatchObject({
      id,
      object: "invoice",
      status: "payment_due",
      amount_due: 7500,
    });
    expect(res.body.transaction).toMatchObject({
      object: "transaction",
      type: "payment",
      payment_method: "check",
      reference_number: "CHK-0042",
      date: 1717000000,
      amount: 2500,
      status: "success",
    });
    const [line] = await getLines(m.key, id);
    expect(line).toMatchObject({
      id: res.body.transaction.id,
      source: "chargebee-api",
      amount: 2500,
      method: "cheque",
      reference: "CHK-0042",
      notes: "first instalment",
      paid_at: "2024-05-29T16:26:40.000Z",
      customer_reminder: true,
      merchant_events: true,
      origin: null,
    });
    // amount absent: the whole amount due.
    const rest = await post("v1", m.key, id, { payment_method: "cash", paid_at: 1717000001 });
    expect(rest.status).toBe(200);
    expect(rest.body.transaction.amount).toBe(7500);
    expect(await getInvoice(m.key, id)).toMatchObject({ amount_due: 0, status: "paid", payments_count: 2 });
  });

  it("refuses what v1 refuses, in Chargebee's error shape, changing nothing", async () => {
    const { m, id } = await setup();
    const before = await snapshot(m.key, id);
    const cases: Array<[Record<string, string | number>, number, string, string]> = [
      [{ amount: 100, paid_at: 1717000000 }, 400, "param_required", "payment_method"],
      [{ amount: 100, payment_method: "cash" }, 400, "param_required", "paid_at"],
      [{ ...V1_PAYMENT, amount: 0 }, 400, "param_wrong_value", "amount"],
      [{ ...V1_PAYMENT, amount: 10001 }, 400, "param_wrong_value", "amount"],
      [{ ...V1_PAYMENT, reference_number: "r".repeat(101) }, 400, "param_wrong_value", "reference_number"],
      [{ ...V1_PAYMENT, memo: "m".repeat(301) }, 400, "param_wrong_value", "memo"],
      [{ ...V1_PAYMENT, paid_at: "yesterday" }, 400, "param_wrong_value", "paid_at"],
      // v2's names are not v1's: an integration mixing them hears which one.
      [{ ...V1_PAYMENT, comment: "x" }, 400, "invalid_request", "comment"],
      [
        { "transaction[amount]": 100, payment_method: "cash", paid_at: 1 },
        400,
        "invalid_request",
        "transaction[amount]",
      ],
    ];
    for (const [params, status, code, param] of cases) {
      const res = await post("v1", m.key, id, params);
      expect(res.status, JSON.stringify(params)).toBe(status);
      expect(res.body).toMatchObject({ api_error_code: code, param, http_status_code: status });
      expect(res.body.message).toEqual(expect.any(String));
    }
    const json = await call("POST", `/api/v1/invoices/${id}/record_payment`, {
      raw: JSON.stringify(V1_PAYMENT),
      headers: { "content-type": "application/json", authorization: basic(m.key) },
    });
    expect(json.status).toBe(415);
    expect(json.body).toMatchObject({ api_error_code: "unsupported_media_type", http_status_code: 415 });
    const noAuth = await call("POST", `/api/v1/invoices/${id}/record_payment`, {
      raw: new URLSearchParams({ payment_method: "cash", paid_at: "1" }).toString(),
      headers: { "content-type": FORM },
    });
    expect(noAuth.status).toBe(401);
    expect(noAuth.body).toMatchObject({ api_error_code: "api_authentication_failed" });
    expect(await snapshot(m.key, id)).toEqual(before);
  });

  it("shares keys with v2: the same chargebee-idempotency-key and payment through either version is one payment", async () => {
    const { m, id } = await setup();
    const headers = { "chargebee-idempotency-key": "cb-v1-v2-1" };
    const v1 = await post(
      "v1",
      m.key,
      id,
      { amount: 1200, payment_method: "cash", paid_at: 1717000000 },
      headers,
    );
    const v2 = await post(
      "v2",
      m.key,
      id,
      { "transaction[amount]": 1200, "transaction[payment_method]": "cash", "transaction[date]": 1717000000 },
      headers,
    );
    expect(v1.status).toBe(200);
    expect(v2.status).toBe(200);
    expect(v2.headers.get("idempotent-replayed")).toBe("true");
    expect(v2.body.transaction.id).toBe(v1.body.transaction.id);
    expect(await getInvoice(m.key, id)).toMatchObject({ amount_paid: 1200, payments_count: 1 });
  });
});

describe("Chargebee request headers, v1 and v2", () => {
  const v2Payment = { "transaction[amount]": 1000, "transaction[payment_method]": "cash" };
  const v1Payment = { amount: 1000, payment_method: "cash", paid_at: 1717000000 };
  const payment = (v: "v1" | "v2") => (v === "v1" ? v1Payment : v2Payment);

  for (const version of ["v1", "v2"] as const) {
    it(`${version}: a plain payment records a partial_payment reminder`, async () => {
      const { m, id } = await setup();
      expect((await post(version, m.key, id, payment(version))).status).toBe(200);
      expect((await reminders(m.key, id)).map((r) => r.reason)).toEqual(["partial_payment"]);
    });

    for (const [header, remind, events] of [
      ["chargebee-event-email", false, true],
      ["chargebee-event-webhook", true, false],
      ["chargebee-event-actions", false, false],
    ] as const) {
      it(`${version}: ${header}: all-disabled records the payment with reminder ${remind} and events ${events}`, async () => {
        const { m, id } = await setup();
        const res = await post(version, m.key, id, payment(version), { [header]: "all-disabled" });
        expect(res.status).toBe(200);
        const [line] = await getLines(m.key, id);
        expect(line).toMatchObject({ amount: 1000, customer_reminder: remind, merchant_events: events });
        expect((await reminders(m.key, id)).map((r) => r.reason)).toEqual(remind ? ["partial_payment"] : []);
        expect(await getInvoice(m.key, id)).toMatchObject({ amount_paid: 1000, status: "partially_paid" });
      });

      it(`${version}: ${header} with any other value is refused and changes nothing`, async () => {
        const { m, id } = await setup();
        const before = await snapshot(m.key, id);
        for (const value of ["true", "ALL-DISABLED", "all-enabled", ""]) {
          const res = await post(version, m.key, id, payment(version), { [header]: value });
          expect(res.status, value).toBe(400);
          expect(res.body).toMatchObject({ api_error_code: "param_wrong_value", param: header });
        }
        expect(await snapshot(m.key, id)).toEqual(before);
        expect(await reminders(m.key, id)).toEqual([]);
      });
    }

    it(`${version}: chargebee-request-origin-* headers are kept on the payment line`, async () => {
      const { m, id } = await setup();
      const res = await post(version, m.key, id, payment(version), {
        "chargebee-request-origin-user": "ana@example.com",
        "chargebee-request-origin-device": "Mozilla/5.0 (iPhone)",
        "chargebee-request-origin-ip": "203.0.113.7",
      });
      expect(res.status).toBe(200);
      const [line] = await getLines(m.key, id);
      expect(line.origin).toEqual({
        user: "ana@example.com",
        device: "Mozilla/5.0 (iPhone)",
        ip: "203.0.113.7",
      });
    });
  }

  it("the base64 origin user (UTF-8 addresses) wins over the plain one; a bad one is refused", async () => {
    const { m, id } = await setup();
    const encoded = btoa(String.fromCharCode(...new TextEncoder().encode("zoë@exämple.com")));
    const res = await post("v2", m.key, id, v2Payment, {
      "chargebee-request-origin-user": "zoe@example.com",
      "chargebee-request-origin-user-encoded": encoded,
    });
    expect(res.status).toBe(200);
    expect((await getLines(m.key, id))[0].origin).toEqual({ user: "zoë@exämple.com" });
    const bad = await post("v2", m.key, id, v2Payment, { "chargebee-request-origin-user-encoded": "/w==" });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ param: "chargebee-request-origin-user-encoded" });
    expect(await getInvoice(m.key, id)).toMatchObject({ payments_count: 1 });
  });
});
