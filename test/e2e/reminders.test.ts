import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  runDurableObjectAlarm,
  runInDurableObject,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { addDays, dayToMs, msToDay, SEND_HOUR_UTC } from "../../src/reminders/schedule";
import { ReminderStore } from "../../src/reminders/store";
import { ADMIN, call, createInvoice, createMerchant, uid } from "../helpers";
import {
  alarmOf,
  dropAlarm,
  HOUR,
  LEASE_MS,
  listReminders,
  pay,
  runAlarmAt,
  settled,
  setup,
  until,
} from "../support/reminders";

/**
 * Leaves a reminder as a lost queue message does: recorded and handed over at `at` by the store's own
 * calls, with the alarm the object sets after a hand-over, but with no message on the queue, so no
 * consumer will ever claim it. Returns its id.
 */
function loseHandOver(stub: DurableObjectStub, at: number): Promise<string> {
  return runInDurableObject(stub, async (_i, state) => {
    const store = new ReminderStore(state.storage.sql);
    const id = state.storage.transactionSync(() => {
      store.insert("partial_payment", msToDay(at), at, at);
      const [row] = store.toHandOver(at, 1);
      store.markHandedOver([row!.id], at, at + LEASE_MS);
      return row!.id;
    });
    await state.storage.setAlarm(store.nextWakeAt()!);
    return id;
  });
}

const queueMessage = async (id: string, body: Record<string, unknown>) => {
  const batch = createMessageBatch("invoice-ledger-reminders", [
    { id, timestamp: new Date(), attempts: 1, body },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
};

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
    await dropAlarm(stub);
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
    await dropAlarm(stub);
  });

  it("a receiver that fails, then recovers, gets the same signed message again", async () => {
    const { rx, m, id, stub } = await setup([503, 200]);
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
    await dropAlarm(stub);
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
    await dropAlarm(stub);
  });

  it("a receiver that keeps failing ends in the dead-letter record on the invoice", async () => {
    const { rx, m, id, stub } = await setup([500], { max_attempts: 3 });
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
    await dropAlarm(stub);
  });

  it("lowering max_attempts dead-letters the reminder at its next delivery", async () => {
    const { rx, m, id, stub } = await setup([{ status: 503, retryAfter: 30 }], { max_attempts: 5 });
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
    const batch = createMessageBatch("invoice-ledger-reminders", [
      { id: "retry-2", timestamp: new Date(), attempts: 2, body },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["retry-2"]);
    const rs = await until(() => listReminders(m.key, id), settled);
    expect(rs[0]).toMatchObject({
      status: "failed",
      attempts: 1,
      last_error: "dead-lettered after 1 attempt: HTTP 503",
    });
    expect(await rx.deliveries()).toHaveLength(1);
    await dropAlarm(stub);
  });

  it("a 4xx answer fails the reminder at once, without retries", async () => {
    const { rx, m, id, stub } = await setup([422]);
    expect((await pay(m.key, id, 25000)).status).toBe(201);
    const rs = await until(() => listReminders(m.key, id), settled);
    expect(rs[0]).toMatchObject({
      status: "failed",
      attempts: 1,
      last_error: "HTTP 422",
      dead_lettered_at: null,
    });
    expect(await rx.deliveries()).toHaveLength(1);
    await dropAlarm(stub);
  });

  it("a full payment stops the schedule and cancels what was not yet delivered", async () => {
    // The first attempt is refused with Retry-After: 30, leaving time to pay in full before the retry.
    const { rx, m, id, stub } = await setup([{ status: 503, retryAfter: 30 }, 200]);
    const before = Date.now();
    expect((await pay(m.key, id, 40000)).status).toBe(201);
    await until(
      () => listReminders(m.key, id),
      (rs) => rs[0]?.attempts === 1 && rs[0]?.last_error !== null,
    );
    // The object wakes if the retry never comes: 30 s (Retry-After) and a hand-over lease after the attempt.
    const alarm = await alarmOf(stub);
    expect(alarm).toBeGreaterThanOrEqual(before + 30_000 + LEASE_MS);
    expect(alarm).toBeLessThanOrEqual(Date.now() + 30_000 + LEASE_MS);

    const full = await pay(m.key, id, 60000);
    expect(full.status).toBe(201);
    expect(full.body.invoice.status).toBe("paid");
    const rs = await listReminders(m.key, id);
    expect(rs).toHaveLength(1);
    expect(rs[0]).toMatchObject({
      status: "cancelled",
      attempts: 1,
      last_error: "stopped: the invoice is paid",
    });
    await until(
      () => alarmOf(stub),
      (a) => a === null,
    );
    // Even an alarm that fires late, on the due date, sends nothing for a paid invoice.
    expect(await runAlarmAt(stub, Date.UTC(2030, 0, 31, 12))).toBe(false);

    // The queued retry finds the reminder cancelled and sends nothing.
    const body = { v: 1, reminderId: rs[0]!.id, merchantId: m.id, invoiceId: id };
    const batch = createMessageBatch("invoice-ledger-reminders", [
      { id: "retry-1", timestamp: new Date(), attempts: 2, body },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["retry-1"]);
    expect(await rx.deliveries()).toHaveLength(1);
    expect(await listReminders(m.key, id)).toEqual(rs);
  });

  it("voiding the invoice stops reminders", async () => {
    const { rx, m, id, stub } = await setup([{ status: 503, retryAfter: 30 }, 200]);
    expect((await pay(m.key, id, 40000)).status).toBe(201);
    await until(
      () => listReminders(m.key, id),
      (rs) => rs[0]?.attempts === 1 && rs[0]?.last_error !== null,
    );
    expect((await call("POST", `/v1/invoices/${id}/void`, { key: m.key })).status).toBe(200);
    const rs = await listReminders(m.key, id);
    expect(rs[0]).toMatchObject({ status: "cancelled", last_error: "stopped: the invoice is void" });
    await until(
      () => alarmOf(stub),
      (a) => a === null,
    );
    expect(await rx.deliveries()).toHaveLength(1);
  });

  it("writing off the remainder stops reminders, as paying it would", async () => {
    const { rx, m, id, stub } = await setup([{ status: 503, retryAfter: 30 }, 200]);
    expect((await pay(m.key, id, 40000)).status).toBe(201);
    await until(
      () => listReminders(m.key, id),
      (rs) => rs[0]?.attempts === 1 && rs[0]?.last_error !== null,
    );
    const wo = await call("POST", `/v1/invoices/${id}/write-offs`, {
      key: m.key,
      body: { reason: "Settled" },
    });
    expect(wo.status).toBe(201);
    expect(wo.body.invoice.status).toBe("paid");
    const rs = await listReminders(m.key, id);
    expect(rs).toHaveLength(1);
    expect(rs[0]).toMatchObject({ status: "cancelled", last_error: "stopped: the invoice is paid" });
    await until(
      () => alarmOf(stub),
      (a) => a === null,
    );
    expect(await rx.deliveries()).toHaveLength(1);
  });

  it("cadence reminders fire from the alarm, once per point however often it runs", async () => {
    const due = addDays(msToDay(Date.now()), 10);
    const { rx, m, id, stub } = await setup(
      [200],
      { cadence_days: [-3, 0, 7], catch_up: "latest" },
      { due_date: due },
    );
    const firstPoint = dayToMs(addDays(due, -3)) + SEND_HOUR_UTC * HOUR;
    await until(
      () => alarmOf(stub),
      (a) => a === firstPoint,
    );
    expect(await listReminders(m.key, id)).toEqual([]);

    // Three days before the due date, an hour after the send hour.
    expect(await runAlarmAt(stub, firstPoint + HOUR)).toBe(true);
    let rs = await until(() => listReminders(m.key, id), settled);
    expect(rs.map((r) => [r.reason, r.day, r.status])).toEqual([["due_soon", addDays(due, -3), "delivered"]]);
    expect(await alarmOf(stub)).toBe(dayToMs(due) + SEND_HOUR_UTC * HOUR);

    // The alarm runs again for the same moment (alarms are at-least-once): nothing new.
    expect(await runAlarmAt(stub, firstPoint + 2 * HOUR)).toBe(true);
    expect(await listReminders(m.key, id)).toEqual(rs);
    expect(await alarmOf(stub)).toBe(dayToMs(due) + SEND_HOUR_UTC * HOUR);

    // The object sleeps through the due date and wakes 20 days later: "due today" is not sent late;
    // with catch_up "latest" the latest overdue point is, once.
    expect(await runAlarmAt(stub, dayToMs(addDays(due, 20)) + HOUR)).toBe(true);
    rs = await until(
      () => listReminders(m.key, id),
      (v) => v.length === 3 && settled(v),
    );
    expect(rs.map((r) => [r.reason, r.day, r.status])).toEqual([
      ["due_soon", addDays(due, -3), "delivered"],
      ["due_today", due, "skipped"],
      ["overdue", addDays(due, 7), "delivered"],
    ]);
    expect(rs[1]!.last_error).toMatch(/^missed: /);
    expect(await alarmOf(stub)).toBeNull();

    const got = await rx.deliveries();
    expect(got.map((d) => [d.verified, (d.body as any).data.reason])).toEqual([
      [true, "due_soon"],
      [true, "overdue"],
    ]);
    expect((got[1]!.body as any).data.invoice.amount_due).toBe(100000);
  });

  it("catch_up latest: an invoice created after its due date gets one catch-up overdue reminder, not every past one", async () => {
    const due = addDays(msToDay(Date.now()), -10);
    const { rx, m, id, stub } = await setup(
      [200],
      { cadence_days: [-3, 0, 7], catch_up: "latest" },
      { due_date: due },
    );
    const rs = await until(
      () => listReminders(m.key, id),
      (v) => v.length === 3 && settled(v),
    );
    expect(rs.map((r) => [r.reason, r.day, r.status])).toEqual([
      ["due_soon", addDays(due, -3), "skipped"],
      ["due_today", due, "skipped"],
      ["overdue", addDays(due, 7), "delivered"],
    ]);
    expect(await rx.deliveries()).toHaveLength(1);
    await until(
      () => alarmOf(stub),
      (a) => a === null,
    );
  });

  it("a reminder not yet handed over when the send fails is sent by the alarm", async () => {
    const { rx, m, id, stub } = await setup([200]);
    // The queue refuses the hand-over right after commit, once.
    const restore = await runInDurableObject(stub, (instance) => {
      const queue = (instance as unknown as { env: { REMINDERS: Queue } }).env.REMINDERS;
      const spy = vi.spyOn(queue, "sendBatch").mockRejectedValueOnce(new Error("queue unavailable"));
      return () => spy.mockRestore();
    });
    expect((await pay(m.key, id, 30000)).status).toBe(201);
    const pending = await until(
      () => listReminders(m.key, id),
      (rs) => rs[0]?.status === "pending",
    );
    expect(pending).toHaveLength(1);
    // The alarm (set in the payment's transaction, moved to the retry time by the failed hand-over) is due.
    const alarm = await until(
      () => alarmOf(stub),
      (a) => a !== null && a < Date.UTC(2030, 0, 1),
    );
    expect(alarm).toBeGreaterThan(Date.now());
    restore();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const rs = await until(() => listReminders(m.key, id), settled);
    expect(rs[0]).toMatchObject({ id: pending[0]!.id, status: "delivered", attempts: 1 });
    expect(await rx.deliveries()).toHaveLength(1);
    await dropAlarm(stub);
  });

  it("a reminder whose queue message is lost is handed over again after its lease, and delivered once", async () => {
    const { rx, m, id, stub } = await setup([200], {}, { due_date: null });
    const at = Date.now();
    const lost = await loseHandOver(stub, at);
    // The object's one alarm wakes when the lease runs out.
    expect(await alarmOf(stub)).toBe(at + LEASE_MS);

    // Woken before that, it leaves the reminder alone: its message may still be on its way.
    expect(await runAlarmAt(stub, at + LEASE_MS - 1000)).toBe(true);
    expect(await alarmOf(stub)).toBe(at + LEASE_MS);
    expect(await listReminders(m.key, id)).toMatchObject([{ id: lost, status: "sent", attempts: 0 }]);

    // Past the lease, unclaimed: handed over again, under the same id.
    expect(await runAlarmAt(stub, at + LEASE_MS + 1000)).toBe(true);
    const rs = await until(() => listReminders(m.key, id), settled);
    expect(rs).toHaveLength(1);
    expect(rs[0]).toMatchObject({
      id: lost,
      status: "delivered",
      attempts: 1,
      sent_at: new Date(at).toISOString(),
    });
    expect(await alarmOf(stub)).toBeNull();
    const got = await rx.deliveries();
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ webhookId: lost, verified: true });
    expect((got[0]!.body as any).data.reminder_id).toBe(lost);

    // The original message turns up after all: it finds the reminder delivered and sends nothing.
    const late = await queueMessage("late-original", {
      v: 1,
      reminderId: lost,
      merchantId: m.id,
      invoiceId: id,
    });
    expect(late.explicitAcks).toEqual(["late-original"]);
    expect(late.retryMessages).toEqual([]);
    expect(await rx.deliveries()).toHaveLength(1);
    expect(await listReminders(m.key, id)).toEqual(rs);
  });

  it("a reminder waiting for a retry is handed over again only once the retry is due and its lease ran out", async () => {
    const { rx, m, id, stub } = await setup([{ status: 503, retryAfter: 600 }, 200], {}, { due_date: null });
    const before = Date.now();
    expect((await pay(m.key, id, 30000)).status).toBe(201);
    const [first] = await until(
      () => listReminders(m.key, id),
      (v) => v[0]?.attempts === 1 && v[0]?.last_error !== null,
    );
    const alarm = (await alarmOf(stub))!;
    expect(alarm).toBeGreaterThanOrEqual(before + 600_000 + LEASE_MS);
    expect(alarm).toBeLessThanOrEqual(Date.now() + 600_000 + LEASE_MS);

    // Woken just before, the object leaves it to the queue's retry.
    expect(await runAlarmAt(stub, alarm - 1000)).toBe(true);
    expect(await alarmOf(stub)).toBe(alarm);
    expect(await listReminders(m.key, id)).toMatchObject([{ id: first!.id, status: "sent", attempts: 1 }]);

    // The retry never came (its message was lost): the alarm hands the reminder over again.
    expect(await runAlarmAt(stub, alarm + 1000)).toBe(true);
    const rs = await until(() => listReminders(m.key, id), settled);
    expect(rs[0]).toMatchObject({ id: first!.id, status: "delivered", attempts: 2, last_error: "HTTP 503" });
    const got = await rx.deliveries();
    expect(got.map((d) => [d.webhookId, d.verified, d.answered])).toEqual([
      [first!.id, true, 503],
      [first!.id, true, 200],
    ]);
    expect(got[1]!.body).toEqual(got[0]!.body);
    expect(await alarmOf(stub)).toBeNull();

    // The queue's retry, delivered at last, sends nothing.
    const late = await queueMessage("retry-late", {
      v: 1,
      reminderId: first!.id,
      merchantId: m.id,
      invoiceId: id,
    });
    expect(late.explicitAcks).toEqual(["retry-late"]);
    expect(await rx.deliveries()).toHaveLength(2);
  });

  it("with notifications off, reminders are recorded as skipped and nothing is sent", async () => {
    const m = await createMerchant();
    const { id } = await createInvoice(m.key, { total: 5000, due_date: "2030-01-31" });
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
    await dropAlarm(stub);
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
