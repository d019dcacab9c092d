// The queue consumers: delivery of reminders to the merchant's endpoint, and the dead-letter record.
// Both only point at the invoice's Durable Object, which owns every state change and guards it, so a
// redelivered message changes nothing twice.

import type { Bindings } from "../bindings";
import { ledgerFor } from "../ledger/client";
import { MERCHANT_ID } from "../merchants/config";
import { getMerchant } from "../merchants/store";
import { outcomeOf, settleAttempt, settleClaim } from "../outbound/attempt";
import { deadLetterTo, deliverEach, parseDeadLetterFields, recordDeadLetters } from "../outbound/consume";
import { postSignedReminder } from "./delivery";
import { attemptLimit } from "./policy";
import {
  type DeliverySettings,
  deliverable,
  logReminder,
  NOT_CONFIGURED,
  notificationsOf,
  REMINDERS_DLQ,
  REMINDERS_QUEUE,
} from "./settings";
import type { DeadLetterMessage } from "./types";

const REMINDER_ID = /^rem_[A-Za-z0-9]{1,64}$/;

/** Messages come from our own Durable Objects; this only keeps a corrupted one from addressing anything. */
export function parseReminderMessage(body: unknown): DeadLetterMessage | null {
  if (!body || typeof body !== "object") return null;
  const b = body as Record<string, unknown>;
  const str = (v: unknown, re: RegExp): v is string => typeof v === "string" && re.test(v);
  if (
    b.v !== 1 ||
    !str(b.reminderId, REMINDER_ID) ||
    !str(b.merchantId, MERCHANT_ID) ||
    typeof b.invoiceId !== "string" ||
    b.invoiceId.length === 0 ||
    b.invoiceId.length > 128
  ) {
    return null;
  }
  return {
    v: 1,
    reminderId: b.reminderId,
    merchantId: b.merchantId,
    invoiceId: b.invoiceId,
    ...parseDeadLetterFields(b),
  };
}

/** The Worker's queue entry point: one consumer per queue, told apart by the batch's queue name. */
export async function handleQueue(batch: MessageBatch, env: Bindings): Promise<void> {
  if (batch.queue === REMINDERS_DLQ) return consumeDeadLetters(batch, env);
  if (batch.queue === REMINDERS_QUEUE) return consumeReminders(batch, env);
  logReminder(env, "error", "message from an unknown queue", { queue: batch.queue });
  batch.retryAll();
}

export const consumeReminders = (batch: MessageBatch, env: Bindings) =>
  deliverEach(batch, env, "reminder", parseReminderMessage, (msg, m, settings) =>
    deliverOne(msg, m, env, settings),
  );

async function deliverOne(
  msg: Message,
  m: DeadLetterMessage,
  env: Bindings,
  settings: DeliverySettings,
): Promise<void> {
  const ledger = ledgerFor(env, m.merchantId, m.invoiceId);
  const notifications = notificationsOf(await getMerchant(env.MERCHANTS, m.merchantId));
  if (!deliverable(notifications)) {
    await ledger.skipReminder(m.reminderId, NOT_CONFIGURED);
    msg.ack();
    return;
  }
  const maxAttempts = attemptLimit(notifications.max_attempts);
  const claim = await ledger.claimReminder(m.reminderId, { leaseMs: settings.timeoutMs, maxAttempts });
  const deadLetter = deadLetterTo(env.REMINDERS_DLQ, m);
  if (!(await settleClaim(msg, claim, deadLetter)) || claim.kind !== "deliver") return;

  const result = await postSignedReminder({
    url: notifications.url,
    secret: notifications.secret,
    id: m.reminderId,
    payload: claim.payload,
    timeoutMs: settings.timeoutMs,
  });
  const attempt = outcomeOf(result, claim.attempt, maxAttempts, settings.retryBaseSeconds);
  const status = await ledger.finishReminderAttempt(m.reminderId, claim.attempt, attempt.outcome);
  logReminder(env, result.verdict === "delivered" ? "info" : "warn", "reminder attempt", {
    reminder: m.reminderId,
    invoice: m.invoiceId,
    attempt: claim.attempt,
    verdict: result.verdict,
    http_status: result.status,
  });
  await settleAttempt(msg, attempt, status, (error) => deadLetter(claim.attempt, error));
}

/**
 * Records the failure on the invoice. Messages arrive here either forwarded after the merchant's
 * max_attempts, or moved by the queue itself after its max_retries (our own errors).
 */
export const consumeDeadLetters = (batch: MessageBatch, env: Bindings) =>
  recordDeadLetters(batch, env, "reminder", parseReminderMessage, async (m, note) => {
    const status = await ledgerFor(env, m.merchantId, m.invoiceId).deadLetterReminder(m.reminderId, note);
    return { reminder: m.reminderId, invoice: m.invoiceId, status };
  });
