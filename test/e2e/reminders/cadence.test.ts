// The cadence: reminders the object's alarm records before, on and after the due date, once per point,
// and what catch_up does for an invoice created after its due date.
import { describe, expect } from "vitest";
import { addDays, dayToMs, msToDay, SEND_HOUR_UTC } from "../../../src/reminders/schedule";
import { it } from "../../helpers";
import {
  alarmOf,
  fireAt,
  HOUR,
  listReminders,
  remindersPage,
  runAlarmAt,
  settled,
  setup,
  until,
} from "../../support/reminders";

describe("the reminder cadence", () => {
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

  it("catch_up none (the default): an invoice imported after its due date hears nothing until its next point", async () => {
    const due = addDays(msToDay(Date.now()), -10);
    const { rx, m, id, stub } = await setup([200], { cadence_days: [-3, 0, 7, 14] }, { due_date: due });
    const rs = await until(
      () => listReminders(m.key, id),
      (v) => v.length === 3 && settled(v),
    );
    expect(rs.map((r) => [r.reason, r.day, r.status])).toEqual([
      ["due_soon", addDays(due, -3), "skipped"],
      ["due_today", due, "skipped"],
      ["overdue", addDays(due, 7), "skipped"],
    ]);
    expect(rs.every((r) => r.last_error.startsWith("missed: "))).toBe(true);
    expect((await remindersPage(m.key, id)).upcoming).toEqual([
      {
        reason: "overdue",
        day: addDays(due, 14),
        planned_at: new Date(fireAt(addDays(due, 14))).toISOString(),
      },
    ]);
    await until(
      () => alarmOf(stub),
      (a) => a === fireAt(addDays(due, 14)),
    );
    expect(await rx.deliveries()).toEqual([]);

    expect(await runAlarmAt(stub, fireAt(addDays(due, 14)) + HOUR)).toBe(true);
    await until(
      () => listReminders(m.key, id),
      (v) => v.length === 4 && settled(v),
    );
    expect((await rx.deliveries()).map((d) => (d.body as any).data.reason)).toEqual(["overdue"]);
  });
});
