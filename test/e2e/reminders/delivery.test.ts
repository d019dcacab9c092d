// Reminders delivered to the merchant's endpoint: once, signed, and only for the merchant's own invoices.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect } from "vitest";
import worker from "../../../src/index";
import { dayToMs, msToDay, SEND_HOUR_UTC } from "../../../src/reminders/schedule";
import { call, createInvoice, createMerchant, it, track, uid } from "../../helpers";
import { alarmOf, HOUR, listReminders, pay, settled, setup, until } from "../../support/reminders";

describe("customer reminders", () => {
  it("a partial payment produces exactly one delivered, signed reminder", async () => {
    const { rx, m, id, stub } = await setup([200]);
    const paid = await pay(m.key, id, 30000);
    expect(paid.status).toBe(201);

    const rs = await until(() => listReminders(m.key, id), settled);
    expect(rs).toHaveLength(1);
    const [r] = rs;
    expect(r).toMatchObject({
      reason: "partial_payment",
      day: msToDay(Date.now()),
      status: "delivered",
      attempts: 1,
      last_error: null,
      failed_at: null,
      dead_lettered_at: null,
    });
    expect(r!.id).toMatch(/^rem_/);
    expect(r!.sent_at).toEqual(expect.any(String));
    expect(r!.delivered_at).toEqual(expect.any(String));

    const got = await rx.deliveries();
    expect(got).toHaveLength(1);
    expect(got[0]!.verifyError).toBeNull();
    expect(got[0]!.verified).toBe(true);
    expect(got[0]!.webhookId).toBe(r!.id);
    expect(got[0]!.body).toEqual({
      type: "invoice.reminder",
      timestamp: expect.any(String),
      data: {
        reminder_id: r!.id,
        reason: "partial_payment",
        day: r!.day,
        merchant_id: m.id,
        invoice: {
          id,
          number: "INV-7",
          status: "partially_paid",
          currency: "INR",
          total: 100000,
          amount_paid: 30000,
          amount_paid_formatted: "INR 300.00",
          amount_due: 70000,
          amount_due_formatted: "INR 700.00",
          due_date: "2030-01-31",
        },
        customer: { name: "Asha Rao", email: "asha@example.com", phone: "+919800000001" },
      },
    });

    // The cadence (-3, 0, 7 by default) waits for its first point: three days before the due date.
    const alarm = await until(
      () => alarmOf(stub),
      (a) => a === dayToMs("2030-01-28") + SEND_HOUR_UTC * HOUR,
    );
    expect(alarm).toBe(Date.UTC(2030, 0, 28, SEND_HOUR_UTC));
  });

  it("duplicated payments, provider events and redelivered messages send nothing twice", async () => {
    const { rx, m, id, stub } = await setup([200]);
    const idem = uid("idem");
    expect((await pay(m.key, id, 10000, idem)).status).toBe(201);
    const replay = await pay(m.key, id, 10000, idem);
    expect(replay.status).toBe(201);
    expect(replay.body.invoice.amount_paid).toBe(10000);

    // The same provider event twice, straight into the ledger's ingest.
    const event = {
      source: "razorpay",
      id: uid("evt"),
      type: "payment.captured",
      verification: "hmac-sha256",
      rawBody: "{}",
      receivedAt: new Date().toISOString(),
    };
    const line = {
      kind: "payment" as const,
      source: "razorpay",
      externalId: uid("pay"),
      amount: 5000,
      currency: "INR",
    };
    const first = await stub.ingest({ merchantId: m.id, invoiceId: id }, { event, lines: [line] });
    const again = await stub.ingest({ merchantId: m.id, invoiceId: id }, { event, lines: [line] });
    expect(first.outcome).toBe("applied");
    expect(again.outcome).toBe("duplicate");

    // A second real payment the same day still makes no second partial_payment reminder for that day.
    expect((await pay(m.key, id, 1000)).status).toBe(201);

    const rs = await until(() => listReminders(m.key, id), settled);
    expect(rs).toHaveLength(1);
    expect(rs[0]).toMatchObject({ reason: "partial_payment", status: "delivered", attempts: 1 });
    const reminderId = rs[0]!.id as string;

    // The queue redelivers the message: the consumer acks it and sends nothing.
    const body = { v: 1, reminderId, merchantId: m.id, invoiceId: id };
    const batch = createMessageBatch("invoice-ledger-reminders", [
      { id: "redelivered-1", timestamp: new Date(), attempts: 2, body },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["redelivered-1"]);
    expect(result.retryMessages).toEqual([]);

    // A stray dead letter for a delivered reminder changes nothing either.
    const dlq = createMessageBatch("invoice-ledger-reminders-dlq", [
      { id: "dead-1", timestamp: new Date(), attempts: 1, body: { ...body, lastError: "HTTP 500" } },
    ]);
    const ctx2 = createExecutionContext();
    await worker.queue(dlq, env);
    expect((await getQueueResult(dlq, ctx2)).explicitAcks).toEqual(["dead-1"]);

    const after = await listReminders(m.key, id);
    expect(after).toEqual(rs);
    const got = await rx.deliveries();
    expect(got).toHaveLength(1);
    // The payload was built at delivery time, so it reflects every payment recorded before it went out.
    expect(got[0]!.verified).toBe(true);
  });

  it("with notifications off, reminders are recorded as skipped and nothing is sent", async () => {
    const m = await createMerchant();
    const { id } = await createInvoice(m.key, { total: 5000, due_date: "2030-01-31" });
    const stub = env.INVOICE_LEDGER.getByName(`${m.id}:${id}`);
    track(m.id, id);
    expect((await pay(m.key, id, 1000)).status).toBe(201);
    const rs = await until(() => listReminders(m.key, id), settled);
    expect(rs).toHaveLength(1);
    expect(rs[0]).toMatchObject({
      reason: "partial_payment",
      status: "skipped",
      attempts: 0,
      last_error: "notifications are disabled or not configured for this merchant",
    });
    await until(
      () => alarmOf(stub),
      (a) => a === Date.UTC(2030, 0, 28, SEND_HOUR_UTC),
    );
  });

  it("lists reminders only for the merchant's own, known invoices", async () => {
    const a = await createMerchant();
    const b = await createMerchant();
    const { id } = await createInvoice(a.key, { due_date: null });
    expect(await listReminders(a.key, id)).toEqual([]);
    const other = await call("GET", `/v1/invoices/${id}/reminders`, { key: b.key });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe("not_found");
    expect((await call("GET", `/v1/invoices/${uid("nope")}/reminders`, { key: a.key })).status).toBe(404);
    expect((await call("GET", `/v1/invoices/${id}/reminders`)).status).toBe(401);
  });
});
