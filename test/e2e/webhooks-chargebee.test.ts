import { describe, expect, it } from "vitest";
import sampleText from "../fixtures/chargebee/payment-succeeded-illustrative.json?raw";
import v1Text from "../fixtures/chargebee/transaction-v1-verbatim.json?raw";
import { ADMIN, call, clearAlarms, createMerchant, uid } from "../helpers";

type Json = Record<string, any>;
const sample = (): Json => JSON.parse(sampleText);
const v1Content = (): Json => JSON.parse(v1Text);

const USER = "cb-webhooks";
const PASS = "correct-horse-battery-staple";
const basic = (user: string, pass: string) => `Basic ${btoa(`${user}:${pass}`)}`;

async function merchant(
  pairs: Array<{ username: string; password: string }> = [{ username: USER, password: PASS }],
) {
  return createMerchant({ providers: { chargebee: { basic_auth: pairs } } });
}

const deliver = (merchantId: string, body: Json | string, authorization: string | null = basic(USER, PASS)) =>
  call("POST", `/webhooks/chargebee/${merchantId}`, {
    raw: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
  });

/** A v2 event around `content`, as Chargebee wraps every resource it reports. */
const envelope = (eventType: string, content: Json, id = uid("ev")): Json => ({
  id,
  occurred_at: 1517506742,
  source: "api",
  object: "event",
  api_version: "v2",
  event_type: eventType,
  webhook_status: "scheduled",
  content,
});

async function ledger(key: string, invoiceId: string) {
  const [invoice, lines, events] = await Promise.all([
    call("GET", `/v1/invoices/${invoiceId}`, { key }),
    call("GET", `/v1/invoices/${invoiceId}/payments`, { key }),
    call("GET", `/v1/invoices/${invoiceId}/events`, { key }),
  ]);
  return { status: invoice.status, invoice: invoice.body, lines: lines.body, events: events.body };
}

/** A refund of `paymentId` applied to inv_42 through a credit note, as payment_refunded carries it. */
const refund = (paymentId: string, id: string, amount: number) =>
  envelope("payment_refunded", {
    transaction: {
      id,
      object: "transaction",
      type: "refund",
      payment_method: "bank_transfer",
      status: "success",
      date: 1517600000,
      currency_code: "USD",
      amount,
      refunded_txn_id: paymentId,
      linked_credit_notes: [
        {
          cn_id: `cn_${id}`,
          applied_amount: amount,
          cn_reference_invoice_id: "inv_42",
          cn_status: "refunded",
        },
      ],
    },
    credit_note: { id: `cn_${id}`, reference_invoice_id: "inv_42", type: "refundable" },
  });

describe("Chargebee webhooks", () => {
  it("applies the illustrative payment_succeeded sample: line, facts and report", async () => {
    const m = await merchant();
    const res = await deliver(m.id, sampleText);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: "applied",
      event_id: "ev_ILLUSTRATIVE_001",
      invoices: [{ invoice_id: "inv_42", outcome: "applied", lines: ["applied"], anomalies: [] }],
    });
    const { invoice, lines, events } = await ledger(m.key, "inv_42");
    expect(invoice).toMatchObject({
      id: "inv_42",
      number: "inv_42",
      currency: "USD",
      total: 1395,
      amount_paid: 500,
      amount_due: 895,
      status: "partially_paid",
      due_date: "2018-02-15",
      provider_reports: [
        {
          source: "chargebee",
          currency: "USD",
          total: 1395,
          amount_paid: 500,
          amount_due: 895,
          status: "payment_due",
          mismatch: false,
        },
      ],
    });
    expect(lines.data).toEqual([
      expect.objectContaining({
        kind: "payment",
        source: "chargebee",
        external_id: "txn_ILLUSTRATIVE_001",
        amount: 500,
        currency: "USD",
        method: "bank_transfer",
        paid_at: "2018-02-01T17:39:02.000Z",
      }),
    ]);
    expect(events.data).toEqual([
      expect.objectContaining({
        source: "chargebee",
        event_id: "ev_ILLUSTRATIVE_001",
        event_type: "payment_succeeded",
        verification: "chargebee:basic#0",
        outcome: "applied",
        raw_body: sampleText,
      }),
    ]);
    await clearAlarms(m.id, "inv_42");
  });

  it("reads the verbatim v1 transaction sample, whose invoice id starts with an underscore", async () => {
    const m = await merchant();
    const content = v1Content();
    const res = await deliver(m.id, { ...envelope("transaction_created", content), api_version: "v1" });
    expect(res.status).toBe(200);
    expect(res.body.invoices).toEqual([
      { invoice_id: "__demo_inv__1", outcome: "applied", lines: ["applied"], anomalies: [] },
    ]);
    const { invoice, lines } = await ledger(m.key, "__demo_inv__1");
    // No invoice object in the event: the ledger knows the currency and the payment, not the total.
    expect(invoice).toMatchObject({ currency: "USD", total: null, amount_paid: 1395, amount_due: null });
    expect(lines.data).toEqual([
      expect.objectContaining({
        kind: "payment",
        external_id: "txn___test__5SK0bLNFRFuCEEELm",
        amount: 1395,
        method: "card",
        reference: "cb___test__5SK0bLNFRFuCEEJLn",
        paid_at: "2018-02-01T17:39:02.000Z",
      }),
    ]);
    await clearAlarms(m.id, "__demo_inv__1");
  });

  it("refuses a wrong password, a wrong user, a missing or malformed Authorization, and changes nothing", async () => {
    const m = await merchant();
    const attempts: Array<string | null> = [
      basic(USER, "wrong-password-entirely"),
      basic(USER, `${PASS}x`),
      basic("someone-else", PASS),
      basic(USER.toUpperCase(), PASS),
      null,
      `Bearer ${PASS}`,
      "Basic !!!not-base64!!!",
      `Basic ${btoa(`${USER}${PASS}`)}`, // no colon
    ];
    for (const authorization of attempts) {
      const res = await deliver(m.id, sampleText, authorization);
      expect(res.status, String(authorization)).toBe(401);
      expect(res.body.error.code).toBe("signature_invalid");
      expect(res.text).not.toContain(PASS);
    }
    expect((await call("GET", "/v1/invoices/inv_42", { key: m.key })).status).toBe(404);
    // The same event then goes through: a refused delivery did not mark it as seen.
    expect((await deliver(m.id, sampleText)).body.status).toBe("applied");
    await clearAlarms(m.id, "inv_42");
  });

  it("accepts every configured pair while credentials rotate, and only the new one afterwards", async () => {
    const next = { username: "cb-webhooks-2026", password: "a-brand-new-long-password" };
    const m = await merchant([{ username: USER, password: PASS }, next]);
    const first = await deliver(m.id, envelope("payment_succeeded", sample().content));
    expect(first.status).toBe(200);
    const second = sample();
    second.content.transaction.id = "txn_second";
    second.content.invoice.resource_version += 1;
    const viaNew = await deliver(
      m.id,
      envelope("payment_succeeded", second.content),
      basic(next.username, next.password),
    );
    expect(viaNew.status).toBe(200);
    const { events, invoice } = await ledger(m.key, "inv_42");
    expect(events.data.map((e: Json) => e.verification)).toEqual(["chargebee:basic#0", "chargebee:basic#1"]);
    expect(invoice.amount_paid).toBe(1000);

    const put = await call("PUT", `/admin/merchants/${m.id}`, {
      key: ADMIN,
      body: { name: `Merchant ${m.id}`, providers: { chargebee: { basic_auth: [next] } } },
    });
    expect(put.status).toBe(200);
    expect(put.text).not.toContain(next.password);
    const third = sample();
    third.content.transaction.id = "txn_third";
    const old = await deliver(m.id, envelope("payment_succeeded", third.content));
    expect(old.status).toBe(401);
    expect((await ledger(m.key, "inv_42")).invoice.amount_paid).toBe(1000);
    await clearAlarms(m.id, "inv_42");
  });

  it("rejects a configuration with weak or malformed credentials", async () => {
    const bad = [
      { basic_auth: [] },
      { basic_auth: [{ username: "a:b", password: PASS }] },
      { basic_auth: [{ username: USER, password: "short" }] },
      { basic_auth: [{ username: USER, password: PASS, extra: 1 }] },
      { basic_auth: Array.from({ length: 6 }, (_, i) => ({ username: `u${i}`, password: PASS })) },
      { basic_auth: [{ username: USER, password: PASS }], secret: "x" },
    ];
    for (const chargebee of bad) {
      const res = await call("PUT", `/admin/merchants/${uid("m")}`, {
        key: ADMIN,
        body: { name: "x", providers: { chargebee } },
      });
      expect(res.status, JSON.stringify(chargebee)).toBe(422);
    }
  });

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
    await clearAlarms(m.id, "inv_42");
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
    await clearAlarms(m.id, "inv_42");
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
    await clearAlarms(m.id, "inv_42");
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
    await clearAlarms(m.id, "inv_42");
  });

  it("splits one transaction over the invoices it is applied to: one ledger each", async () => {
    const m = await merchant();
    const transaction = {
      ...sample().content.transaction,
      id: "txn_multi",
      amount: 1000,
      linked_invoices: [
        { invoice_id: "inv_a", applied_amount: 300, applied_at: 1517506742, invoice_status: "paid" },
        { invoice_id: "inv_b", applied_amount: 700, applied_at: 1517506742, invoice_status: "payment_due" },
      ],
    };
    const res = await deliver(m.id, envelope("payment_succeeded", { transaction }));
    expect(res.status).toBe(200);
    expect(res.body.invoices).toEqual([
      { invoice_id: "inv_a", outcome: "applied", lines: ["applied"], anomalies: [] },
      { invoice_id: "inv_b", outcome: "applied", lines: ["applied"], anomalies: [] },
    ]);
    const a = await ledger(m.key, "inv_a");
    const b = await ledger(m.key, "inv_b");
    expect(a.lines.data).toEqual([expect.objectContaining({ external_id: "txn_multi", amount: 300 })]);
    expect(b.lines.data).toEqual([expect.objectContaining({ external_id: "txn_multi", amount: 700 })]);
    // Replayed under another event id: still one line per ledger.
    await deliver(m.id, envelope("transaction_updated", { transaction }));
    expect((await ledger(m.key, "inv_a")).lines.data).toHaveLength(1);
    expect((await ledger(m.key, "inv_b")).invoice.amount_paid).toBe(700);
    await clearAlarms(m.id, "inv_a", "inv_b");
  });

  it("records a refund as a reversal of the refunded payment, once", async () => {
    const m = await merchant();
    await deliver(m.id, sampleText);
    const ev = refund("txn_ILLUSTRATIVE_001", "txn_refund_1", 200);
    const res = await deliver(m.id, ev);
    expect(res.status).toBe(200);
    expect(res.body.invoices).toEqual([
      { invoice_id: "inv_42", outcome: "applied", lines: ["applied"], anomalies: [] },
    ]);
    await deliver(m.id, ev);
    await deliver(m.id, { ...ev, id: uid("ev") });
    const { invoice, lines } = await ledger(m.key, "inv_42");
    const [payment, reversal] = lines.data;
    expect(lines.data).toHaveLength(2);
    expect(reversal).toMatchObject({
      kind: "reversal",
      source: "chargebee",
      external_id: "txn_refund_1",
      amount: 200,
      reverses: payment.id,
    });
    expect(invoice).toMatchObject({ amount_paid: 300, amount_due: 1095, status: "partially_paid" });
    await clearAlarms(m.id, "inv_42");
  });

  it("converts Chargebee cents to ISO minor units for zero- and three-decimal currencies", async () => {
    const m = await merchant();
    const txn = (id: string, currency: string, invoiceId: string, cents: number) =>
      envelope("payment_succeeded", {
        transaction: {
          id,
          type: "payment",
          status: "success",
          currency_code: currency,
          amount: cents,
          payment_method: "check",
          linked_invoices: [{ invoice_id: invoiceId, applied_amount: cents }],
        },
      });
    await deliver(m.id, txn("txn_jpy", "JPY", "inv_jpy", 1500));
    await deliver(m.id, txn("txn_kwd", "KWD", "inv_kwd", 1234));
    const jpy = await ledger(m.key, "inv_jpy");
    const kwd = await ledger(m.key, "inv_kwd");
    expect(jpy.lines.data[0]).toMatchObject({ amount: 1500, currency: "JPY", method: "cheque" });
    expect(kwd.lines.data[0]).toMatchObject({ amount: 12340, currency: "KWD" });
    await clearAlarms(m.id, "inv_jpy", "inv_kwd");
  });

  it("voids the invoice when Chargebee reports it voided", async () => {
    const m = await merchant();
    await deliver(m.id, sampleText);
    const voided = { ...sample().content.invoice, status: "voided", resource_version: 1517600000000 };
    expect((await deliver(m.id, envelope("invoice_updated", { invoice: voided }))).status).toBe(200);
    const { invoice } = await ledger(m.key, "inv_42");
    expect(invoice).toMatchObject({ status: "void", amount_paid: 500 });
    expect(invoice.voided_at).not.toBeNull();
    await clearAlarms(m.id, "inv_42");
  });

  it("ignores event types and transactions that do not move money", async () => {
    const m = await merchant();
    const customer = await deliver(m.id, envelope("customer_created", { customer: { id: "cust_123" } }));
    expect(customer.body).toMatchObject({ status: "ignored" });
    const failed = { ...sample().content.transaction, id: "txn_failed", status: "failure" };
    const res = await deliver(m.id, envelope("payment_failed", { transaction: failed }));
    expect(res.body).toMatchObject({ status: "ignored" });
    const pending = await deliver(
      m.id,
      envelope("transaction_created", { transaction: { ...failed, status: "in_progress" } }),
    );
    expect(pending.body).toMatchObject({ status: "ignored" });
    expect((await call("GET", "/v1/invoices/inv_42", { key: m.key })).status).toBe(404);
  });

  it("answers 400 to malformed JSON and to events it cannot read, changing nothing", async () => {
    const m = await merchant();
    await deliver(m.id, sampleText);
    const before = await ledger(m.key, "inv_42");
    const bad: Array<Json | string> = [
      "{not json",
      sampleText.slice(0, -10),
      "[]",
      { ...sample(), id: 42 },
      { ...sample(), content: null },
      envelope("payment_succeeded", {
        transaction: { ...sample().content.transaction, id: "txn_x", amount: "500" },
      }),
      envelope("payment_succeeded", {
        transaction: {
          ...sample().content.transaction,
          id: "txn_y",
          linked_invoices: [{ invoice_id: "inv_42", applied_amount: 12.5 }],
        },
      }),
      envelope("payment_succeeded", {
        transaction: { ...sample().content.transaction, id: "txn_z", currency_code: "XXX" },
      }),
      envelope("payment_succeeded", {}),
      envelope("invoice_updated", { invoice: { ...sample().content.invoice, total: -1 } }),
    ];
    for (const body of bad) {
      const res = await deliver(m.id, body);
      expect(res.status, typeof body === "string" ? body : JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(res.body.error.code).toBe("malformed_payload");
    }
    expect(await ledger(m.key, "inv_42")).toEqual(before);
    await clearAlarms(m.id, "inv_42");
  });

  it("answers 413 to a body over 256 KiB, before anything else, changing nothing", async () => {
    const m = await merchant();
    const big = sample();
    big.content.transaction.description = "x".repeat(256 * 1024);
    for (const authorization of [basic(USER, PASS), null]) {
      const res = await deliver(m.id, big, authorization);
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe("payload_too_large");
    }
    expect((await call("GET", "/v1/invoices/inv_42", { key: m.key })).status).toBe(404);
  });
});
