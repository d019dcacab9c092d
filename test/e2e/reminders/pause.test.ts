// Pausing and resuming one invoice's reminders: what falls in the pause is skipped, never sent later.
import { describe, expect } from "vitest";
import { addDays, msToDay } from "../../../src/reminders/schedule";
import { it } from "../../helpers";
import {
  alarmOf,
  at,
  fireAt,
  HOUR,
  listReminders,
  patch,
  pay,
  remindersPage,
  resend,
  runAlarmAt,
  settled,
  setup,
  until,
} from "../../support/reminders";

const PAUSED = "paused: reminders for this invoice were paused";

describe("pausing an invoice's reminders", () => {
  it("a paused invoice's reminders are skipped; resuming sends only the points still ahead", async () => {
    const due = addDays(msToDay(Date.now()), 10);
    const { rx, m, id, stub } = await setup(
      [200],
      { cadence_days: [-3, 0, 7], catch_up: "latest" },
      { due_date: due },
    );
    const paused = await patch(m.key, id, { reminders: "paused" });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ reminders: "paused", total: 100000, due_date: due, number: "INV-7" });
    expect((await remindersPage(m.key, id)).upcoming).toEqual([]);

    // A payment and a cadence point during the pause: recorded as skipped, never sent.
    expect((await pay(m.key, id, 25000)).status).toBe(201);
    expect(await runAlarmAt(stub, fireAt(addDays(due, -3)) + HOUR)).toBe(true);
    // The due-today point passes too; the merchant resumes two hours after it, before any alarm ran.
    const resumed = await at(fireAt(due) + 2 * HOUR, () => patch(m.key, id, { reminders: "active" }));
    expect(resumed.status).toBe(200);
    expect(resumed.body.reminders).toBe("active");
    expect(await runAlarmAt(stub, fireAt(due) + 3 * HOUR)).toBe(true);
    const rs = await listReminders(m.key, id);
    expect(rs.map((r) => [r.reason, r.status, r.last_error])).toEqual([
      ["partial_payment", "skipped", PAUSED],
      ["due_soon", "skipped", PAUSED],
      ["due_today", "skipped", PAUSED],
    ]);
    expect(await rx.deliveries()).toEqual([]);
    expect(await alarmOf(stub)).toBe(fireAt(addDays(due, 7)));

    // The next point after the pause is sent.
    expect(await runAlarmAt(stub, fireAt(addDays(due, 7)) + HOUR)).toBe(true);
    const after = await until(
      () => listReminders(m.key, id),
      (v) => v.length === 4 && settled(v),
    );
    expect(after[3]).toMatchObject({ reason: "overdue", status: "delivered" });
    expect((await rx.deliveries()).map((d) => (d.body as any).data.reason)).toEqual(["overdue"]);
  });

  it("pausing skips a reminder waiting for its retry, and a skipped reminder is not resent", async () => {
    const { rx, m, id } = await setup([{ status: 503, retryAfter: 2 }, 200, 200]);
    expect((await pay(m.key, id, 25000)).status).toBe(201);
    const [waiting] = await until(
      () => listReminders(m.key, id),
      (v) => v[0]?.next_attempt_at != null,
    );
    expect((await patch(m.key, id, { reminders: "paused" })).status).toBe(200);
    const [skipped] = await listReminders(m.key, id);
    expect(skipped).toMatchObject({
      id: waiting!.id,
      status: "skipped",
      last_error: PAUSED,
      next_attempt_at: null,
    });
    // The queued retry finds it skipped and sends nothing.
    await new Promise((r) => setTimeout(r, 3500));
    expect((await rx.deliveries()).map((d) => d.answered)).toEqual([503]);
    expect((await listReminders(m.key, id))[0]!.status).toBe("skipped");

    const refused = await resend(m.key, id, waiting!.id);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("reminder_not_resendable");
  });
});
