// What a merchant reads about an invoice's reminders: when the next attempt is due, the cadence points
// still ahead, and only for its own, known invoices.
import { describe, expect } from "vitest";
import { addDays, msToDay } from "../../../src/reminders/schedule";
import { call, createInvoice, createMerchant, it, track, uid } from "../../helpers";
import {
  fireAt,
  HOUR,
  listReminders,
  pay,
  remindersPage,
  runAlarmAt,
  settled,
  setup,
  until,
} from "../../support/reminders";

describe("listing an invoice's reminders", () => {
  it("a reminder waiting for its retry shows next_attempt_at; it clears once nothing is waiting", async () => {
    const { m, id } = await setup([{ status: 503, retryAfter: 30 }, 200]);
    expect((await pay(m.key, id, 25000)).status).toBe(201);
    const [waiting] = await until(
      () => listReminders(m.key, id),
      (v) => v[0]?.attempts === 1 && v[0]?.next_attempt_at !== null,
    );
    expect(waiting).toMatchObject({ status: "sent", attempts: 1, last_error: "HTTP 503" });
    // The receiver's Retry-After (30 s) is longer than the backoff (1 s): the retry waits for it.
    const wait = Date.parse(waiting!.next_attempt_at) - Date.parse(waiting!.last_attempt_at);
    expect(wait).toBeGreaterThanOrEqual(29_000);
    expect(wait).toBeLessThanOrEqual(31_000);

    // Paid in full meanwhile: the reminder is cancelled and nothing waits any more.
    expect((await pay(m.key, id, 75000)).status).toBe(201);
    const [cancelled] = await listReminders(m.key, id);
    expect(cancelled).toMatchObject({ status: "cancelled", next_attempt_at: null });
  });

  it("the cadence points still ahead are listed with their planned times", async () => {
    const due = addDays(msToDay(Date.now()), 10);
    const { m, id, stub } = await setup([200], { cadence_days: [-3, 0, 7] }, { due_date: due });
    const page = await remindersPage(m.key, id);
    expect(page.data).toEqual([]);
    expect(page.upcoming).toEqual([
      {
        reason: "due_soon",
        day: addDays(due, -3),
        planned_at: new Date(fireAt(addDays(due, -3))).toISOString(),
      },
      { reason: "due_today", day: due, planned_at: new Date(fireAt(due)).toISOString() },
      {
        reason: "overdue",
        day: addDays(due, 7),
        planned_at: new Date(fireAt(addDays(due, 7))).toISOString(),
      },
    ]);

    // Once a point is recorded it leaves the list.
    expect(await runAlarmAt(stub, fireAt(addDays(due, -3)) + HOUR)).toBe(true);
    await until(() => listReminders(m.key, id), settled);
    expect((await remindersPage(m.key, id)).upcoming.map((u) => u.reason)).toEqual(["due_today", "overdue"]);

    // Paid in full: nothing is planned.
    expect((await pay(m.key, id, 100000)).status).toBe(201);
    expect((await remindersPage(m.key, id)).upcoming).toEqual([]);
  });

  it("lists reminders only for the merchant's own, known invoices", async () => {
    const a = await createMerchant();
    const b = await createMerchant();
    const { id } = await createInvoice(a.key, { due_date: null });
    track(a.id, id);
    expect(await listReminders(a.key, id)).toEqual([]);
    const other = await call("GET", `/v1/invoices/${id}/reminders`, { key: b.key });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe("not_found");
    expect((await call("GET", `/v1/invoices/${uid("nope")}/reminders`, { key: a.key })).status).toBe(404);
    expect((await call("GET", `/v1/invoices/${id}/reminders`)).status).toBe(401);
  });
});
