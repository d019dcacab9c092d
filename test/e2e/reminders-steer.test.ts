// Reminders a merchant can steer: the next attempt's time, the cadence still ahead, resending a failed
// reminder, pausing and resuming one invoice, catch-up for invoices imported after their due date.
import { Webhook } from "standardwebhooks";
import { describe, expect, vi } from "vitest";
import { addDays, dayToMs, msToDay, SEND_HOUR_UTC } from "../../src/reminders/schedule";
import { call, createMerchant, it, snapshot, track, uid } from "../helpers";
import {
  alarmOf,
  dropAlarm,
  HOUR,
  listReminders,
  pay,
  receiver,
  runAlarmAt,
  settled,
  setup,
  until,
} from "../support/reminders";

const PAUSED = "paused: reminders for this invoice were paused";

const remindersPage = async (key: string, id: string) => {
  const res = await call("GET", `/v1/invoices/${id}/reminders`, { key });
  expect(res.status).toBe(200);
  return res.body as { data: Array<Record<string, any>>; upcoming: Array<Record<string, any>> };
};

const resend = (key: string, id: string, reminderId: string, headers: Record<string, string> = {}) =>
  call("POST", `/v1/invoices/${id}/reminders/${reminderId}/resend`, { key, headers });

const patch = (key: string, id: string, body: Record<string, unknown>) =>
  call("PATCH", `/v1/invoices/${id}`, { key, body });

/** Runs `work` with Date (only) at `at`, in the test and in the objects it calls. */
async function at<T>(when: number, work: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(when);
  try {
    return await work();
  } finally {
    vi.useRealTimers();
  }
}

const fireAt = (day: string) => dayToMs(day) + SEND_HOUR_UTC * HOUR;

describe("reminders a merchant can steer", () => {
  it("a reminder waiting for its retry shows next_attempt_at; it clears once nothing is waiting", async () => {
    const { m, id, stub } = await setup([{ status: 503, retryAfter: 30 }, 200]);
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
    await dropAlarm(stub);
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
    await dropAlarm(stub);
  });

  it("a failed reminder is resent as a new reminder with its own webhook-id; the original keeps its record", async () => {
    const { rx, m, id, stub } = await setup([400, { hangMs: 4000 }, 200]);
    expect((await pay(m.key, id, 25000)).status).toBe(201);
    const [failed] = await until(() => listReminders(m.key, id), settled);
    expect(failed).toMatchObject({ status: "failed", attempts: 1, last_error: "HTTP 400" });

    const before = await snapshot(m.key, id);
    const res = await resend(m.key, id, failed!.id);
    expect(res.status, res.text).toBe(202);
    expect(res.body).toMatchObject({
      reason: "partial_payment",
      day: failed!.day,
      status: "pending",
      attempts: 0,
      resend_of: failed!.id,
    });
    const again = res.body.id as string;
    expect(again).not.toBe(failed!.id);

    // While the resend is on its way (its first POST hangs past the timeout), the original cannot be
    // resent again.
    const busy = await resend(m.key, id, failed!.id);
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe("reminder_in_flight");

    const rs = await until(
      () => listReminders(m.key, id),
      (v) => v.length === 2 && settled(v),
    );
    expect(rs.map((r) => [r.id, r.status, r.resend_of])).toEqual([
      [failed!.id, "failed", null],
      [again, "delivered", failed!.id],
    ]);
    expect(rs[0]).toEqual(failed);

    const got = await rx.deliveries();
    expect(got.map((d) => [d.webhookId, d.verified, d.answered])).toEqual([
      [failed!.id, true, 400],
      [again, true, "hang"],
      [again, true, 200],
    ]);
    expect((got[2]!.body as any).data).toMatchObject({ reminder_id: again, resend_of: failed!.id });

    // A delivered reminder is not resent; an unknown one is not found; the ledger did not move.
    const delivered = await resend(m.key, id, again);
    expect(delivered.status).toBe(409);
    expect(delivered.body.error.code).toBe("reminder_not_resendable");
    const unknown = await resend(m.key, id, "rem_doesnotexist");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("not_found");
    expect(await snapshot(m.key, id)).toEqual(before);
    await dropAlarm(stub);
  });

  it("a dead-lettered reminder can be resent, once per Idempotency-Key", async () => {
    const { rx, m, id, stub } = await setup([500, 200], { max_attempts: 1 });
    expect((await pay(m.key, id, 25000)).status).toBe(201);
    const [dead] = await until(() => listReminders(m.key, id), settled);
    expect(dead).toMatchObject({ status: "failed", dead_lettered_at: expect.any(String) });

    // Not while the invoice's reminders are paused.
    expect((await patch(m.key, id, { reminders: "paused" })).status).toBe(200);
    const whilePaused = await resend(m.key, id, dead!.id);
    expect(whilePaused.status).toBe(409);
    expect(whilePaused.body.error.code).toBe("reminders_paused");
    expect((await patch(m.key, id, { reminders: "active" })).status).toBe(200);

    const first = await resend(m.key, id, dead!.id, { "idempotency-key": "resend-1" });
    expect(first.status).toBe(202);
    const replay = await resend(m.key, id, dead!.id, { "idempotency-key": "resend-1" });
    expect(replay.status).toBe(202);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.id).toBe(first.body.id);

    const rs = await until(
      () => listReminders(m.key, id),
      (v) => v.length === 2 && settled(v),
    );
    expect(rs.map((r) => r.status)).toEqual(["failed", "delivered"]);
    expect((await rx.deliveries()).map((d) => d.webhookId)).toEqual([dead!.id, first.body.id]);
    await dropAlarm(stub);
  });

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
    await dropAlarm(stub);
  });

  it("pausing skips a reminder waiting for its retry, and a skipped reminder is not resent", async () => {
    const { rx, m, id, stub } = await setup([{ status: 503, retryAfter: 2 }, 200, 200]);
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
    await dropAlarm(stub);
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
    await dropAlarm(stub);
  });
});

describe("PATCH /v1/invoices/{invoiceId}", () => {
  it("changes only the fields sent; null clears; the currency stays locked once there are lines", async () => {
    const { m, id, stub } = await setup([200], {}, { due_date: "2030-01-31" });
    const changed = await patch(m.key, id, { total: 120000, customer: { email: null, name: "A. Rao" } });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({
      total: 120000,
      currency: "INR",
      number: "INV-7",
      due_date: "2030-01-31",
      customer: { name: "A. Rao", email: null, phone: "+919800000001" },
      reminders: "active",
    });
    const cleared = await patch(m.key, id, { due_date: null, number: null });
    expect(cleared.body).toMatchObject({ total: 120000, due_date: null, number: null });
    expect(await call("GET", `/v1/invoices/${id}`, { key: m.key })).toMatchObject({ body: cleared.body });

    expect((await pay(m.key, id, 1000)).status).toBe(201);
    const before = await snapshot(m.key, id);
    const locked = await patch(m.key, id, { currency: "USD", reminders: "paused" });
    expect(locked.status).toBe(409);
    expect(locked.body.error.code).toBe("currency_locked");
    // Refused as a whole: the pause sent with it did not happen either.
    expect(await snapshot(m.key, id)).toEqual(before);
    expect((await call("GET", `/v1/invoices/${id}`, { key: m.key })).body.reminders).toBe("active");

    const missing = await patch(m.key, "no-such-invoice", { total: 1 });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
    await dropAlarm(stub);
  });
});

describe("partial_payment once the total is known", () => {
  const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  /** A merchant taking Standard Webhooks, whose reminders go to a receiver answering 200. */
  async function merchant() {
    const rx = await receiver([200]);
    const m = await createMerchant({
      providers: { standard: { secrets: [SECRET] } },
      notifications: { enabled: true, url: rx.url, secret: rx.secret },
    });
    return { rx, m };
  }

  /** A Standard Webhooks delivery, signed with the standardwebhooks package. */
  function deliver(merchantId: string, type: string, data: Record<string, unknown>) {
    const id = uid("msg");
    const body = JSON.stringify({ type, timestamp: new Date().toISOString(), data });
    const signature = new Webhook(SECRET).sign(id, new Date(), body);
    const headers = { "content-type": "application/json", "webhook-id": id, "webhook-signature": signature };
    return call("POST", `/webhooks/standard/${merchantId}`, {
      raw: body,
      headers: { ...headers, "webhook-timestamp": String(Math.floor(Date.now() / 1000)) },
    });
  }

  const payFirst = async (merchantId: string, invoiceId: string) => {
    const res = await deliver(merchantId, "payment.recorded", {
      invoice_id: invoiceId,
      payment_id: uid("pay"),
      amount: 25000,
      currency: "INR",
    });
    expect(res.status, res.text).toBe(200);
  };

  const ways: Array<
    [string, (merchantId: string, key: string, invoiceId: string, total: number) => Promise<number>]
  > = [
    [
      "PUT",
      async (_m, key, invoiceId, total) =>
        (await call("PUT", `/v1/invoices/${invoiceId}`, { key, body: { currency: "INR", total } })).status,
    ],
    [
      "PATCH",
      async (_m, key, invoiceId, total) => (await patch(key, invoiceId, { currency: "INR", total })).status,
    ],
    [
      "a provider's invoice.upserted",
      async (merchantId, _k, invoiceId, total) =>
        (await deliver(merchantId, "invoice.upserted", { invoice_id: invoiceId, currency: "INR", total }))
          .status,
    ],
  ];

  for (const [way, setTotal] of ways) {
    it(`a payment that arrived before the total is reminded about once the total comes by ${way}`, async () => {
      const { rx, m } = await merchant();
      const invoiceId = uid("inv");
      track(m.id, invoiceId);
      await payFirst(m.id, invoiceId);
      expect(await listReminders(m.key, invoiceId)).toEqual([]);

      expect([200, 201]).toContain(await setTotal(m.id, m.key, invoiceId, 100000));
      const rs = await until(() => listReminders(m.key, invoiceId), settled);
      expect(rs.map((r) => [r.reason, r.status])).toEqual([["partial_payment", "delivered"]]);
      const [got] = await rx.deliveries();
      expect((got!.body as any).data.invoice).toMatchObject({
        total: 100000,
        amount_paid: 25000,
        amount_due: 75000,
      });

      // Remembered once: later changes to the facts send nothing more.
      expect((await patch(m.key, invoiceId, { number: "N-1" })).status).toBe(200);
      expect(await listReminders(m.key, invoiceId)).toHaveLength(1);
    });
  }

  it("a total that the early payment covers in full sends no partial_payment reminder", async () => {
    const { rx, m } = await merchant();
    const invoiceId = uid("inv");
    track(m.id, invoiceId);
    await payFirst(m.id, invoiceId);
    expect((await patch(m.key, invoiceId, { currency: "INR", total: 25000 })).body.status).toBe("paid");
    // A later raise of the total leaves money due, but the payment's moment has passed: nothing is sent.
    expect((await patch(m.key, invoiceId, { total: 30000 })).status).toBe(200);
    expect(await listReminders(m.key, invoiceId)).toEqual([]);
    expect(await rx.deliveries()).toEqual([]);
  });
});
