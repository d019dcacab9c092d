// The reminders capability as the ledger's host drives it: told what a committed change did, it writes its
// outbox in that change's transaction and asks the host for the one alarm; it never reads the ledger's tables.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect } from "vitest";
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
});
