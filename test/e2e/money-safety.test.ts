// Money that must not move twice: a payment taken back by more than one source, client keys that look
// like the service's own ids, refused requests retried with the same key, and reads that must store nothing.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect } from "vitest";
import {
  call,
  createInvoice,
  createMerchant,
  getInvoice,
  getLines,
  it,
  snapshot,
  track,
  uid,
} from "../helpers";
import { deliver, invoiceEvent, razorpayMerchant, refundEvent, text } from "../support/razorpay";

const anomalies = async (key: string, id: string) =>
  (await call("GET", `/v1/invoices/${id}/anomalies`, { key })).body.data as Array<{ kind: string }>;

/** A Razorpay invoice of 100000 paise with one captured payment of 30000. */
async function razorpayInvoiceWithPayment() {
  const m = await razorpayMerchant();
  const invoiceId = `inv_${uid("rzp").replace(/-/g, "")}`;
  const paymentId = `pay_${uid("p").replace(/-/g, "")}`;
  track(m.id, invoiceId);
  const paid = await deliver(
    m.id,
    text(
      invoiceEvent({
        invoiceId,
        paymentId,
        amount: 30000,
        at: 1_700_000_000,
        amountPaid: 30000,
        total: 100000,
      }),
    ),
  );
  expect(paid.status).toBe(200);
  const [payment] = await getLines(m.key, invoiceId);
  return { m, invoiceId, paymentId, payment };
}

const refund = (merchantId: string, invoiceId: string, paymentId: string, amount: number) =>
  deliver(
    merchantId,
    text(refundEvent({ refundId: `rfnd_${uid("r").replace(/-/g, "")}`, paymentId, amount, invoiceId })),
  );

describe("a payment is taken back at most once, whatever the sources", () => {
  it("an API reversal and then Razorpay's refund of the same payment are one reversal, linked", async () => {
    const { m, invoiceId, paymentId, payment } = await razorpayInvoiceWithPayment();
    const reversed = await call("POST", `/v1/invoices/${invoiceId}/payments/${payment.id}/reverse`, {
      key: m.key,
      body: { reason: "refunded in the Razorpay dashboard" },
    });
    expect(reversed.status).toBe(201);
    expect(reversed.body.invoice).toMatchObject({ amount_paid: 0, amount_due: 100000 });

    const res = await refund(m.id, invoiceId, paymentId, 30000);
    expect(res.status).toBe(200);
    const invoice = await getInvoice(m.key, invoiceId);
    expect(invoice).toMatchObject({ amount_paid: 0, amount_due: 100000, status: "open" });
    const lines = await getLines(m.key, invoiceId);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({
      kind: "reversal",
      source: "razorpay",
      amount: 0,
      requested_amount: 30000,
      reverses: payment.id,
      duplicate_of: reversed.body.reversal.id,
    });
    // The same money, recognised: nothing for the merchant to chase.
    expect((await anomalies(m.key, invoiceId)).map((a) => a.kind)).not.toContain("over_reversed");
  });

  it("partial refunds add up; the API then reverses only what is left, once", async () => {
    const { m, invoiceId, paymentId, payment } = await razorpayInvoiceWithPayment();
    expect((await refund(m.id, invoiceId, paymentId, 10000)).status).toBe(200);
    expect((await refund(m.id, invoiceId, paymentId, 5000)).status).toBe(200);
    expect(await getInvoice(m.key, invoiceId)).toMatchObject({ amount_paid: 15000, amount_due: 85000 });

    const path = `/v1/invoices/${invoiceId}/payments/${payment.id}/reverse`;
    const reversed = await call("POST", path, { key: m.key, body: {} });
    expect(reversed.status).toBe(201);
    expect(reversed.body.reversal).toMatchObject({ amount: 15000, requested_amount: 15000 });
    expect(reversed.body.invoice).toMatchObject({ amount_paid: 0, amount_due: 100000 });
    const again = await call("POST", path, { key: m.key, body: {} });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("already_reversed");

    // Razorpay's last refund is the money the API reversal already took back; beyond it, nothing moves.
    expect((await refund(m.id, invoiceId, paymentId, 20000)).status).toBe(200);
    expect(await getInvoice(m.key, invoiceId)).toMatchObject({ amount_paid: 0, amount_due: 100000 });
    const last = (await getLines(m.key, invoiceId)).at(-1);
    expect(last).toMatchObject({
      amount: 0,
      requested_amount: 20000,
      duplicate_of: reversed.body.reversal.id,
    });
    const kinds = (await anomalies(m.key, invoiceId)).map((a) => a.kind);
    expect(kinds).toContain("over_reversed"); // 5000 more than the payment ever credited
  });

  it("a refund that arrives before its payment takes back nothing until the payment arrives", async () => {
    const m = await razorpayMerchant();
    const invoiceId = `inv_${uid("rzp").replace(/-/g, "")}`;
    const paymentId = `pay_${uid("p").replace(/-/g, "")}`;
    track(m.id, invoiceId);
    // The invoice exists through another payment; the refunded one is not known yet.
    await deliver(
      m.id,
      text(
        invoiceEvent({
          invoiceId,
          paymentId: `${paymentId}x`,
          amount: 1000,
          at: 1,
          amountPaid: 1000,
          total: 100000,
        }),
      ),
    );
    expect((await refund(m.id, invoiceId, paymentId, 30000)).status).toBe(200);
    expect(await getInvoice(m.key, invoiceId)).toMatchObject({ amount_paid: 1000, amount_due: 99000 });
    expect((await getLines(m.key, invoiceId)).at(-1)).toMatchObject({
      amount: 0,
      requested_amount: 30000,
      reverses: null,
    });

    await deliver(
      m.id,
      text(invoiceEvent({ invoiceId, paymentId, amount: 30000, at: 2, amountPaid: 31000, total: 100000 })),
    );
    expect(await getInvoice(m.key, invoiceId)).toMatchObject({ amount_paid: 1000, amount_due: 99000 });
    const lines = await getLines(m.key, invoiceId);
    const pay = lines.find((l) => l.external_id === paymentId);
    expect(lines.find((l) => l.kind === "reversal")).toMatchObject({ amount: 30000, reverses: pay.id });
  });

  it("reversing a payment takes back its TDS with it and keeps its transaction charge", async () => {
    const m = await createMerchant();
    const { id } = await createInvoice(m.key, { total: 100000 });
    track(m.id, id);
    const paid = await call("POST", `/v1/invoices/${id}/payments`, {
      key: m.key,
      body: { amount: 9000, tds: 1000, transaction_charge: 200 },
    });
    expect(paid.body.invoice).toMatchObject({ amount_paid: 10000, tds_withheld: 1000 });
    const reversed = await call("POST", `/v1/invoices/${id}/payments/${paid.body.payment.id}/reverse`, {
      key: m.key,
      body: {},
    });
    expect(reversed.body.reversal).toMatchObject({ amount: 10000, tds: 1000 });
    expect(reversed.body.invoice).toMatchObject({
      amount_paid: 0,
      amount_due: 100000,
      tds_withheld: 0,
      transaction_charges: 200,
    });
  });
});

describe("idempotency keys live in their own namespace", () => {
  it("keys shaped like every id the service derives collide with nothing", async () => {
    const m = await createMerchant();
    const { id } = await createInvoice(m.key, { total: 100000 });
    track(m.id, id);
    const first = await call("POST", `/v1/invoices/${id}/payments`, { key: m.key, body: { amount: 100 } });
    const p = first.body.payment;
    const keys = [
      `reversal:${p.id}`,
      p.id,
      p.external_id,
      "snapshot:1",
      "refrens:chq-1",
      "chargebee:k-1",
      `req_${"0".repeat(20)}`,
    ];
    for (const k of keys) {
      const res = await call("POST", `/v1/invoices/${id}/payments`, {
        key: m.key,
        headers: { "idempotency-key": k },
        body: { amount: 100 },
      });
      expect(res.status, k).toBe(201);
      expect(res.headers.get("idempotent-replayed"), k).toBeNull();
    }
    const reversed = await call("POST", `/v1/invoices/${id}/payments/${p.id}/reverse`, {
      key: m.key,
      body: {},
    });
    expect(reversed.status).toBe(201);
    // And the same key in the Refrens dialect is another key: a payment of its own.
    const refrens = await call("POST", `/businesses/${m.id}/invoices/${id}/payments`, {
      key: m.key,
      body: { amount: 1, refId: "chq-1" },
    });
    expect(refrens.status).toBe(201);
    expect((await getInvoice(m.key, id)).payments_count).toBe(1 + keys.length + 1);
  });

  it("a refused request does not burn its key: the corrected retry runs, and replays say so", async () => {
    const m = await createMerchant();
    const { id } = await createInvoice(m.key, { total: 1000 });
    track(m.id, id);
    const send = (amount: number) =>
      call("POST", `/v1/invoices/${id}/payments`, {
        key: m.key,
        headers: { "idempotency-key": "retry-me" },
        body: { amount },
      });
    const refused = await send(5000);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("amount_exceeds_due");
    const fixed = await send(500);
    expect(fixed.status).toBe(201);
    const replay = await send(500);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.payment.id).toBe(fixed.body.payment.id);
    expect((await send(400)).body.error.code).toBe("idempotency_key_reused");
    expect((await getInvoice(m.key, id)).amount_paid).toBe(500);
  });

  it("the Refrens refId and chargebee-idempotency-key behave the same way", async () => {
    const m = await createMerchant();
    const { id } = await createInvoice(m.key, { total: 1000 });
    track(m.id, id);
    const refrens = (amount: number) =>
      call("POST", `/businesses/${m.id}/invoices/${id}/payments`, {
        key: m.key,
        body: { amount, refId: "chq-9" },
      });
    expect((await refrens(50)).status).toBe(422); // 5000 paise > 1000 due
    expect((await refrens(5)).status).toBe(201);
    expect((await refrens(5)).status).toBe(201); // replay: the same payment
    const chargebee = (amount: string) =>
      call("POST", `/api/v2/invoices/${id}/record_payment`, {
        raw: `transaction[amount]=${amount}&transaction[payment_method]=cash`,
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: `Basic ${btoa(`${m.key}:`)}`,
          "chargebee-idempotency-key": "cb-9",
        },
      });
    expect((await chargebee("999999")).status).toBeGreaterThanOrEqual(400);
    expect((await chargebee("100")).status).toBe(200);
    expect((await chargebee("100")).status).toBe(200);
    expect((await getInvoice(m.key, id)).amount_paid).toBe(500 + 100);
  });
});

describe("an invoice that does not exist costs nothing", () => {
  it("reads, lists, payments and voids of unknown invoices create no storage", async () => {
    const m = await createMerchant();
    const ids = Array.from({ length: 5 }, () => uid("ghost"));
    for (const id of ids) {
      for (const [method, path] of [
        ["GET", `/v1/invoices/${id}`],
        ["GET", `/v1/invoices/${id}/payments`],
        ["GET", `/v1/invoices/${id}/events`],
        ["GET", `/v1/invoices/${id}/anomalies`],
        ["GET", `/v1/invoices/${id}/reminders`],
        ["POST", `/v1/invoices/${id}/void`],
        ["POST", `/v1/invoices/${id}/payments`],
        ["POST", `/v1/invoices/${id}/payments/pay_x/reverse`],
      ] as const) {
        const res = await call(method, path, { key: m.key, ...(method === "POST" ? { body: {} } : {}) });
        expect(res.status, `${method} ${path}`).toBe(404);
      }
      const stub = env.INVOICE_LEDGER.getByName(`${m.id}:${id}`);
      const tables = await runInDurableObject(stub, (_ledger, state) =>
        state.storage.sql.exec("SELECT name FROM sqlite_master").toArray(),
      );
      expect(tables, id).toEqual([]);
      expect(await snapshot(m.key, id)).toEqual(
        Array(4).fill({ status: 404, body: expect.objectContaining({ error: expect.anything() }) }),
      );
    }
  });
});
