// The two queue loops every outbound delivery has (customer reminders, merchant events): one message at a
// time through the delivery, and the dead letters recorded. Messages come from our own objects; a malformed
// one is dropped (logged) rather than allowed to address anything.
import type { Bindings } from "../bindings";
import { logReminder as log } from "../reminders/settings";
import { backoffSeconds } from "./policy";
import { type DeliverySettings, deliverySettings } from "./settings";

/** What our own consumer adds to a message it forwards to the dead-letter queue: its last attempt. */
export interface DeadLetterFields {
  attempts?: number | undefined;
  lastError?: string | null | undefined;
}

export const parseDeadLetterFields = (b: Record<string, unknown>) => ({
  attempts: typeof b.attempts === "number" ? b.attempts : undefined,
  lastError: typeof b.lastError === "string" ? b.lastError : null,
});

/** Forwards message `m` to `queue` (the dead letters) with what the consumer knew of its last attempt. */
export const deadLetterTo =
  <T extends DeadLetterFields>(queue: Queue<T>, m: T) =>
  (attempts: number, lastError: string | null) =>
    queue.send({ ...m, attempts, lastError }, { contentType: "json" });

/** `what` names the messages in the logs ("reminder", "event"). */
export async function deliverEach<T>(
  batch: MessageBatch,
  env: Bindings,
  what: string,
  parse: (body: unknown) => T | null,
  deliver: (msg: Message, m: T, settings: DeliverySettings) => Promise<void>,
): Promise<void> {
  const settings = deliverySettings(env);
  await Promise.all(
    batch.messages.map(async (msg) => {
      try {
        const m = parse(msg.body);
        if (!m) {
          log(env, "error", `malformed ${what} message dropped`, { id: msg.id });
          msg.ack();
          return;
        }
        await deliver(msg, m, settings);
      } catch (err) {
        // Our own infrastructure failed (Durable Object, KV, queue): retry; the queue's max_retries sends it
        // to the dead-letter queue if this never clears.
        log(env, "error", `${what} delivery errored`, { error: String(err), attempts: msg.attempts });
        msg.retry({ delaySeconds: backoffSeconds(msg.attempts, settings.retryBaseSeconds) });
      }
    }),
  );
}

/**
 * Records each dead letter as failed with `record` (which returns the fields to log); retried until it is.
 * One with no last error of ours was moved by the queue itself, after its max_retries (our own errors).
 */
export async function recordDeadLetters<T extends DeadLetterFields>(
  batch: MessageBatch,
  env: Bindings,
  what: string,
  parse: (body: unknown) => T | null,
  record: (m: T, note: string) => Promise<Record<string, unknown>>,
): Promise<void> {
  await Promise.all(
    batch.messages.map(async (msg) => {
      const m = parse(msg.body);
      if (!m) {
        log(env, "error", "malformed dead letter dropped", { id: msg.id, queue: batch.queue });
        msg.ack();
        return;
      }
      try {
        log(
          env,
          "warn",
          `${what} dead-lettered`,
          await record(m, m.lastError ?? "the queue gave up redelivering it"),
        );
        msg.ack();
      } catch (err) {
        log(env, "error", "dead letter not recorded yet", { error: String(err), queue: batch.queue });
        msg.retry({ delaySeconds: 30 });
      }
    }),
  );
}
