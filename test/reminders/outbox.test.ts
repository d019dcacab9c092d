// The reminders capability as the ledger's host drives it: told what a committed change did, it writes its
// outbox in that change's transaction and asks the host for the one alarm; it never reads the ledger's tables.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect } from "vitest";
import { ReminderStore } from "../../src/reminders/store";
import { it } from "../helpers";
import { deliver, openLedger, payment, sql } from "../support/ledger";

const alarmOf = (l: Awaited<ReturnType<typeof openLedger>>) =>
  runInDurableObject(l.stub, (_i, state) => state.storage.getAlarm());

describe("reminders: outbox and the host's alarm", () => {
  it("a payment that leaves something owing records one partial_payment reminder and sets the alarm", async () => {
    const l = await openLedger();
    await deliver(l, "razorpay", payment("razorpay", "p1", 40_000));
    // A redelivery applies no payment, so it records no second reminder.
    await deliver(l, "razorpay", payment("razorpay", "p1", 40_000));
    const reminders = (await l.stub.listReminders())?.items ?? [];
    expect(reminders.map((r) => r.reason)).toEqual(["partial_payment"]);
    expect(await alarmOf(l)).not.toBeNull();
  });

  it("an invoice paid in full cancels what was not delivered, and keeps no wake-up after its alarm", async () => {
    const l = await openLedger();
    await deliver(l, "razorpay", payment("razorpay", "p1", 40_000));
    await deliver(l, "razorpay", payment("razorpay", "p2", 60_000));
    const statuses = await sql<{ status: string }>(l, "SELECT status FROM reminders");
    expect(statuses.every((r) => r.status === "cancelled" || r.status === "skipped")).toBe(true);
    await runDurableObjectAlarm(l.stub);
    expect(await alarmOf(l)).toBeNull();
  });

  it("a void invoice plans nothing: no open reminder and no alarm once it ran", async () => {
    const l = await openLedger();
    await l.stub.voidInvoice();
    await runDurableObjectAlarm(l.stub);
    expect(await sql(l, "SELECT id FROM reminders WHERE status IN ('pending', 'sent')")).toEqual([]);
    expect(await alarmOf(l)).toBeNull();
  });

  it("a hand-over batch marks every listed open reminder once, keeping the first sent_at and a later lease", async () => {
    const l = await openLedger();
    const got = await runInDurableObject(l.stub, (_i, state) => {
      const store = new ReminderStore(state.storage.sql);
      return state.storage.transactionSync(() => {
        for (const day of ["2030-01-01", "2030-01-02", "2030-01-03"])
          store.insert("partial_payment", day, 1_000, 2_000);
        const [a, b, c] = store.toHandOver(2_000, 10).map((r) => r.id);
        store.markHandedOver([a!], 3_000, 50_000);
        store.skip(c!, "paused", 3_000);
        store.markHandedOver([a!, b!, c!], 4_000, 40_000);
        store.handOverLater([b!, c!], 45_000);
        return state.storage.sql
          .exec(
            "SELECT status, sent_at, handover_at, updated_at FROM reminders WHERE day >= '2030' ORDER BY seq",
          )
          .toArray();
      });
    });
    const t = (ms: number) => new Date(ms).toISOString();
    expect(got).toEqual([
      { status: "sent", sent_at: t(3_000), handover_at: 50_000, updated_at: t(4_000) },
      { status: "sent", sent_at: t(4_000), handover_at: 45_000, updated_at: t(4_000) },
      { status: "skipped", sent_at: null, handover_at: null, updated_at: t(3_000) },
    ]);
  });
});
