// What stops reminders: paying in full, voiding, writing off the remainder; whatever was not yet
// delivered is cancelled and a queued retry sends nothing.
import { describe, expect } from "vitest";
import { call, it } from "../../helpers";
import {
  alarmOf,
  LEASE_MS,
  listReminders,
  pay,
  queueMessage,
  runAlarmAt,
  setup,
  until,
} from "../../support/reminders";

describe("what stops reminders", () => {
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
    expect((await queueMessage("retry-1", body, 2)).explicitAcks).toEqual(["retry-1"]);
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
});
