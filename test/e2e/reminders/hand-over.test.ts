// Handing reminders over to the queue: a hand-over that failed, a message that was lost, a retry that never
// came; the alarm hands over again, under the same id, and the reminder is delivered once.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, vi } from "vitest";
import { msToDay } from "../../../src/reminders/schedule";
import { ReminderStore } from "../../../src/reminders/store";
import { it } from "../../helpers";
import {
  alarmOf,
  LEASE_MS,
  listReminders,
  pay,
  queueMessage,
  runAlarmAt,
  settled,
  setup,
  until,
} from "../../support/reminders";

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

describe("handing reminders over to the queue", () => {
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
});
