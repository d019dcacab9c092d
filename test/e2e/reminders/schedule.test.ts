// The reminder schedule: cadence points fired by the alarm, and what stops it (paid, void).
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect } from "vitest";
import worker from "../../../src/index";
import { addDays, dayToMs, msToDay, SEND_HOUR_UTC } from "../../../src/reminders/schedule";
import { call, it } from "../../helpers";
import {
  alarmOf,
  HOUR,
  LEASE_MS,
  listReminders,
  pay,
  runAlarmAt,
  settled,
  setup,
  until,
} from "../../support/reminders";

describe("customer reminders", () => {
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

  it("cadence reminders fire from the alarm, once per point however often it runs", async () => {
    const due = addDays(msToDay(Date.now()), 10);
    const { rx, m, id, stub } = await setup([200], { cadence_days: [-3, 0, 7] }, { due_date: due });
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
    // the latest overdue point is, once.
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

  it("an invoice created after its due date gets one catch-up overdue reminder, not every past one", async () => {
    const due = addDays(msToDay(Date.now()), -10);
    const { rx, m, id, stub } = await setup([200], { cadence_days: [-3, 0, 7] }, { due_date: due });
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
});
