// Delivering a reminder to the merchant's endpoint: signed once, retried on 5xx and time-outs, failed at
// once on 4xx, dead-lettered after max_attempts, never sent twice for duplicated payments or messages.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect } from "vitest";
import type { InvoiceLedger } from "../../../src/ledger/invoice-ledger";
import { dayToMs, msToDay, SEND_HOUR_UTC } from "../../../src/reminders/schedule";
import { ADMIN, call, createInvoice, createMerchant, it, track, uid } from "../../helpers";
import {
  alarmOf,
  HOUR,
  listReminders,
  pay,
  queueMessage,
  settled,
  setup,
  until,
} from "../../support/reminders";

describe("delivering a customer reminder", () => {
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
        resend_of: null,
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
    const result = await queueMessage("redelivered-1", body, 2);
    expect(result.explicitAcks).toEqual(["redelivered-1"]);
    expect(result.retryMessages).toEqual([]);

    // A stray dead letter for a delivered reminder changes nothing either.
    const dead = await queueMessage(
      "dead-1",
      { ...body, lastError: "HTTP 500" },
      1,
      "invoice-ledger-reminders-dlq",
    );
    expect(dead.explicitAcks).toEqual(["dead-1"]);

    const after = await listReminders(m.key, id);
    expect(after).toEqual(rs);
    const got = await rx.deliveries();
    expect(got).toHaveLength(1);
    // The payload was built at delivery time, so it reflects every payment recorded before it went out.
    expect(got[0]!.verified).toBe(true);
  });

  it("a receiver that fails, then recovers, gets the same signed message again", async () => {
    const { rx, m, id } = await setup([503, 200]);
    expect((await pay(m.key, id, 25000)).status).toBe(201);
    const rs = await until(() => listReminders(m.key, id), settled);
    expect(rs).toHaveLength(1);
    expect(rs[0]).toMatchObject({ status: "delivered", attempts: 2, last_error: "HTTP 503" });
    const got = await rx.deliveries();
    expect(got.map((d) => [d.verified, d.answered])).toEqual([
      [true, 503],
      [true, 200],
    ]);
    expect(got[1]!.webhookId).toBe(got[0]!.webhookId);
    expect(got[1]!.body).toEqual(got[0]!.body);
  });

  it("a receiver that times out is retried, and no second delivery overlaps the first", async () => {
    const { rx, m, id, stub } = await setup([{ hangMs: 4000 }, 200]);
    expect((await pay(m.key, id, 25000)).status).toBe(201);
    const [inFlight] = await until(
      () => listReminders(m.key, id),
      (v) => v[0]?.attempts === 1,
    );
    // A duplicate message arriving meanwhile finds the reminder leased to the running attempt.
    const claim = await stub.claimReminder(inFlight!.id, { leaseMs: 1500, maxAttempts: 6 });
    expect(claim).toMatchObject({ kind: "busy" });
    const rs = await until(() => listReminders(m.key, id), settled);
    expect(rs[0]).toMatchObject({ status: "delivered", attempts: 2, last_error: "timed out after 1500 ms" });
    expect((await rx.deliveries()).map((d) => d.answered)).toEqual(["hang", 200]);
  });

  it("a receiver that keeps failing ends in the dead-letter record on the invoice", async () => {
    const { rx, m, id } = await setup([500], { max_attempts: 3 });
    expect((await pay(m.key, id, 25000)).status).toBe(201);
    const rs = await until(() => listReminders(m.key, id), settled);
    expect(rs).toHaveLength(1);
    expect(rs[0]).toMatchObject({ status: "failed", attempts: 3, delivered_at: null });
    expect(rs[0]!.last_error).toBe("dead-lettered after 3 attempts: HTTP 500");
    expect(rs[0]!.dead_lettered_at).toEqual(expect.any(String));
    expect(rs[0]!.failed_at).toEqual(expect.any(String));
    const got = await rx.deliveries();
    expect(got).toHaveLength(3);
    expect(new Set(got.map((d) => d.webhookId)).size).toBe(1);
  });

  it("lowering max_attempts dead-letters the reminder at its next delivery", async () => {
    const { rx, m, id } = await setup([{ status: 503, retryAfter: 30 }], { max_attempts: 5 });
    expect((await pay(m.key, id, 25000)).status).toBe(201);
    const [r] = await until(
      () => listReminders(m.key, id),
      (v) => v[0]?.attempts === 1 && v[0]?.last_error !== null,
    );
    const put = await call("PUT", `/admin/merchants/${m.id}`, {
      key: ADMIN,
      body: {
        name: `Merchant ${m.id}`,
        notifications: { enabled: true, url: rx.url, secret: rx.secret, max_attempts: 1 },
      },
    });
    expect(put.status).toBe(200);
    // The retry the queue holds for 30 s, delivered now.
    const body = { v: 1, reminderId: r!.id, merchantId: m.id, invoiceId: id };
    expect((await queueMessage("retry-2", body, 2)).explicitAcks).toEqual(["retry-2"]);
    const rs = await until(() => listReminders(m.key, id), settled);
    expect(rs[0]).toMatchObject({
      status: "failed",
      attempts: 1,
      last_error: "dead-lettered after 1 attempt: HTTP 503",
    });
    expect(await rx.deliveries()).toHaveLength(1);
  });

  it("a 4xx answer fails the reminder at once, without retries", async () => {
    const { rx, m, id } = await setup([422]);
    expect((await pay(m.key, id, 25000)).status).toBe(201);
    const rs = await until(() => listReminders(m.key, id), settled);
    expect(rs[0]).toMatchObject({
      status: "failed",
      attempts: 1,
      last_error: "HTTP 422",
      dead_lettered_at: null,
    });
    expect(await rx.deliveries()).toHaveLength(1);
  });

  it("with notifications off and the configuration known, the payment's own transaction skips the reminder", async () => {
    const m = await createMerchant();
    const { id } = await createInvoice(m.key, { total: 5000, due_date: "2030-01-31" });
    track(m.id, id);
    // Listing reminders reads the merchant's configuration, so this isolate knows it has no notifications.
    expect(await listReminders(m.key, id)).toEqual([]);
    const stub = env.INVOICE_LEDGER.getByName(`${m.id}:${id}`);
    // Read right after the payment's commit, before anything after it runs: the reminder is already skipped,
    // so no hand-over (a KV read and two transactions) follows the payment.
    const rows = await runInDurableObject(stub, async (ledger: InvoiceLedger, state) => {
      expect(await ledger.recordPayment({ source: "api", amount: 1000 })).toMatchObject({ ok: true });
      return state.storage.sql.exec("SELECT reason, status, last_error FROM reminders").toArray();
    });
    expect(rows).toEqual([
      {
        reason: "partial_payment",
        status: "skipped",
        last_error: "notifications are disabled or not configured for this merchant",
      },
    ]);
  });

  it("with notifications off, reminders are recorded as skipped and nothing is sent", async () => {
    const m = await createMerchant();
    const { id } = await createInvoice(m.key, { total: 5000, due_date: "2030-01-31" });
    track(m.id, id);
    const stub = env.INVOICE_LEDGER.getByName(`${m.id}:${id}`);
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
});
