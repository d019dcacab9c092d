// The queue consumers: delivery of reminders to the merchant's endpoint, and the dead-letter record.
// Both only point at the invoice's Durable Object, which owns every state change and guards it, so a
// redelivered message changes nothing twice.

import type { Bindings } from "../bindings";
import { ledgerFor } from "../ledger/client";
import { MERCHANT_ID } from "../merchants/config";
import { getMerchant } from "../merchants/store";
import { postSignedReminder } from "./delivery";
import { attemptLimit, backoffSeconds } from "./policy";
import {
  type DeliverySettings,
  deliverable,
  deliverySettings,
  logReminder,
  NOT_CONFIGURED,
  notificationsOf,
  REMINDERS_DLQ,
  REMINDERS_QUEUE,
} from "./settings";
import type { AttemptOutcome, DeadLetterMessage, ReminderMessage } from "./types";

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
    attempts: typeof b.attempts === "number" ? b.attempts : undefined,
    lastError: typeof b.lastError === "string" ? b.lastError : null,
  };
}

/** The Worker's queue entry point: one consumer per queue, told apart by the batch's queue name. */
export async function handleQueue(batch: MessageBatch, env: Bindings): Promise<void> {
  if (batch.queue === REMINDERS_DLQ) return consumeDeadLetters(batch, env);
  if (batch.queue === REMINDERS_QUEUE) return consumeReminders(batch, env);
  logReminder(env, "error", "message from an unknown queue", { queue: batch.queue });
  batch.retryAll();
}

export async function consumeReminders(batch: MessageBatch, env: Bindings): Promise<void> {
  const settings = deliverySettings(env);
  await Promise.all(
    batch.messages.map(async (msg) => {
      try {
        await deliverOne(msg, env, settings);
      } catch (err) {
        // Our own infrastructure failed (Durable Object, KV, queue): retry; the queue's max_retries sends it
        // to the dead-letter queue if this never clears.
        logReminder(env, "error", "reminder delivery errored", {
          error: String(err),
          attempts: msg.attempts,
        });
        msg.retry({ delaySeconds: backoffSeconds(msg.attempts, settings.retryBaseSeconds) });
      }
    }),
  );
}

async function deliverOne(msg: Message, env: Bindings, settings: DeliverySettings): Promise<void> {
  const m = parseReminderMessage(msg.body);
  if (!m) {
    logReminder(env, "error", "malformed reminder message dropped", { id: msg.id });
    msg.ack();
    return;
  }
  const ledger = ledgerFor(env, m.merchantId, m.invoiceId);
  const notifications = notificationsOf(await getMerchant(env.MERCHANTS, m.merchantId));
  if (!deliverable(notifications)) {
    await ledger.skipReminder(m.reminderId, NOT_CONFIGURED);
    msg.ack();
    return;
  }
  const maxAttempts = attemptLimit(notifications.max_attempts);
  const claim = await ledger.claimReminder(m.reminderId, { leaseMs: settings.timeoutMs, maxAttempts });
  switch (claim.kind) {
    case "unknown":
    case "done":
      msg.ack();
      return;
    case "busy":
      msg.retry({ delaySeconds: claim.retryInSeconds });
      return;
    case "exhausted":
      await forwardToDeadLetters(env, m, claim.attempts, claim.lastError);
      msg.ack();
      return;
  }

  const result = await postSignedReminder({
    url: notifications.url,
    secret: notifications.secret,
    id: m.reminderId,
    payload: claim.payload,
    timeoutMs: settings.timeoutMs,
  });
  const error = result.error ?? "unknown error";
  const exhausted = claim.attempt >= maxAttempts;
  // The ledger learns when the retry is due, so that a reminder waiting for it is not handed over again.
  const outcome: AttemptOutcome =
    result.verdict === "delivered"
      ? { kind: "delivered" }
      : result.verdict === "failed"
        ? { kind: "failed", error }
        : {
            kind: "retry",
            error,
            retryInSeconds: exhausted
              ? 0
              : backoffSeconds(claim.attempt, settings.retryBaseSeconds, result.retryAfterSeconds),
          };
  const status = await ledger.finishReminderAttempt(m.reminderId, claim.attempt, outcome);
  logReminder(env, result.verdict === "delivered" ? "info" : "warn", "reminder attempt", {
    reminder: m.reminderId,
    invoice: m.invoiceId,
    attempt: claim.attempt,
    verdict: result.verdict,
    http_status: result.status,
  });

  if (outcome.kind === "retry" && status === "sent") {
    if (exhausted) {
      await forwardToDeadLetters(env, m, claim.attempt, outcome.error);
      msg.ack();
    } else {
      msg.retry({ delaySeconds: outcome.retryInSeconds });
    }
    return;
  }
  msg.ack();
}

function forwardToDeadLetters(env: Bindings, m: ReminderMessage, attempts: number, lastError: string | null) {
  return env.REMINDERS_DLQ.send(
    {
      v: 1,
      reminderId: m.reminderId,
      merchantId: m.merchantId,
      invoiceId: m.invoiceId,
      attempts,
      lastError,
    },
    { contentType: "json" },
  );
}

/**
 * Records the failure on the invoice. Messages arrive here either forwarded after the merchant's
 * max_attempts, or moved by the queue itself after its max_retries (our own errors).
 */
export async function consumeDeadLetters(batch: MessageBatch, env: Bindings): Promise<void> {
  await Promise.all(
    batch.messages.map(async (msg) => {
      const m = parseReminderMessage(msg.body);
      if (!m) {
        logReminder(env, "error", "malformed dead letter dropped", { id: msg.id });
        msg.ack();
        return;
      }
      try {
        const note = m.lastError ?? "the queue gave up redelivering it";
        const status = await ledgerFor(env, m.merchantId, m.invoiceId).deadLetterReminder(m.reminderId, note);
        logReminder(env, "warn", "reminder dead-lettered", {
          reminder: m.reminderId,
          invoice: m.invoiceId,
          status,
        });
        msg.ack();
      } catch (err) {
        logReminder(env, "error", "dead letter not recorded yet", { error: String(err) });
        msg.retry({ delaySeconds: 30 });
      }
    }),
  );
}
