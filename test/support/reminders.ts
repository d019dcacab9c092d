// Shared by the reminder tests: a scripted merchant endpoint, a merchant and invoice wired to it, and ways
// to read reminders, wait for them and run the invoice's alarm at a chosen time.
import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  runDurableObjectAlarm,
  runInDurableObject,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, vi } from "vitest";
import worker from "../../src/index";
import { dayToMs, SEND_HOUR_UTC } from "../../src/reminders/schedule";
import { call, createInvoice, createMerchant, track, uid } from "../helpers";
import type { ReceivedDelivery, Step } from "./reminder-receiver";

export const HOUR = 3_600_000;
/** The hand-over lease (REMINDER_HANDOVER_LEASE_SECONDS in vitest.config.ts). */
export const LEASE_MS = Number(env.REMINDER_HANDOVER_LEASE_SECONDS) * 1000;

export interface Receiver {
  url: string;
  secret: string;
  deliveries(): Promise<ReceivedDelivery[]>;
}

/** A merchant endpoint (see test/support/reminder-receiver.ts) answering `script`, one step per POST. */
export async function receiver(script: Step[]): Promise<Receiver> {
  const id = uid("ep");
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const secret = `whsec_${btoa(String.fromCharCode(...bytes))}`;
  const res = await fetch(`https://control.receiver.test/endpoints/${id}`, {
    method: "PUT",
    body: JSON.stringify({ secret, script }),
  });
  expect(res.status).toBe(200);
  await res.body?.cancel();
  return {
    url: `https://hooks.receiver.test/${id}`,
    secret,
    async deliveries() {
      const r = await fetch(`https://control.receiver.test/endpoints/${id}`);
      return ((await r.json()) as { deliveries: ReceivedDelivery[] }).deliveries;
    },
  };
}

export async function setup(
  script: Step[],
  notifications: Record<string, unknown> = {},
  invoice: Record<string, unknown> = {},
) {
  const rx = await receiver(script);
  const m = await createMerchant({
    notifications: { enabled: true, url: rx.url, secret: rx.secret, ...notifications },
  });
  const inv = await createInvoice(m.key, {
    total: 100000,
    due_date: "2030-01-31",
    number: "INV-7",
    customer: { name: "Asha Rao", email: "asha@example.com", phone: "+919800000001" },
    ...invoice,
  });
  // The `it` of test/helpers.ts drops this ledger's alarm when the test ends.
  track(m.id, inv.id);
  const stub = env.INVOICE_LEDGER.getByName(`${m.id}:${inv.id}`);
  return { rx, m, id: inv.id, stub };
}

/** GET /v1/invoices/{id}/reminders: the recorded reminders (`data`) and the cadence points ahead (`upcoming`). */
export const remindersPage = async (key: string, id: string) => {
  const res = await call("GET", `/v1/invoices/${id}/reminders`, { key });
  expect(res.status).toBe(200);
  return res.body as { data: Array<Record<string, any>>; upcoming: Array<Record<string, any>> };
};

export const listReminders = async (key: string, id: string) => (await remindersPage(key, id)).data;

export const resend = (key: string, id: string, reminderId: string, headers: Record<string, string> = {}) =>
  call("POST", `/v1/invoices/${id}/reminders/${reminderId}/resend`, { key, headers });

export const patch = (key: string, id: string, body: Record<string, unknown>) =>
  call("PATCH", `/v1/invoices/${id}`, { key, body });

/** When the alarm sends the cadence point of `day` (a YYYY-MM-DD date). */
export const fireAt = (day: string) => dayToMs(day) + SEND_HOUR_UTC * HOUR;

/**
 * One message on a reminder queue, run through the Worker's queue handler as the runtime would deliver it
 * (a redelivery, a queued retry, a dead letter); returns what the consumer acked and retried.
 */
export async function queueMessage(
  id: string,
  body: Record<string, unknown>,
  attempts = 1,
  queue = "invoice-ledger-reminders",
) {
  const batch = createMessageBatch(queue, [{ id, timestamp: new Date(), attempts, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

/** Polls until `done` holds, at most `timeoutMs`; returns the last value it saw. */
export async function until<T>(
  read: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 25_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

export const settled = (rs: Array<Record<string, any>>) =>
  rs.length > 0 && rs.every((r) => ["delivered", "failed", "skipped", "cancelled"].includes(r.status));

export const alarmOf = (stub: DurableObjectStub) => runInDurableObject(stub, (_i, s) => s.storage.getAlarm());
/** Runs `work` with Date (only) at `when`, in the test and in the objects it calls. */
export async function at<T>(when: number, work: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(when);
  try {
    return await work();
  } finally {
    vi.useRealTimers();
  }
}

/** Runs the object's alarm as if it fired at `when` (only Date is faked; the queue and receiver run for real). */
export const runAlarmAt = (stub: DurableObjectStub, when: number): Promise<boolean> =>
  at(when, () => runDurableObjectAlarm(stub));

export const pay = (key: string, id: string, amount: number, idempotencyKey = uid("idem")) =>
  call("POST", `/v1/invoices/${id}/payments`, {
    key,
    body: { amount, method: "bank_transfer" },
    headers: { "idempotency-key": idempotencyKey },
  });
