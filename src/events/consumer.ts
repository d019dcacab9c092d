// The merchant-events queue consumers: delivery of one event to one of the merchant's endpoints, and the
// dead-letter record. Both only point at the merchant's MerchantEvents object, which owns every state change
// and guards it, so a redelivered message changes nothing twice. The POST, its verdicts, backoff and
// Retry-After are the reminders' own (src/outbound/), as is the flow (src/reminders/consumer.ts).
import type { Bindings } from "../bindings";
import { MERCHANT_ID } from "../merchants/config";
import { getMerchant } from "../merchants/store";
import { signingSecrets } from "../merchants/webhook-endpoints";
import { outcomeOf, settleAttempt, settleClaim } from "../outbound/attempt";
import { deadLetterTo, deliverEach, parseDeadLetterFields, recordDeadLetters } from "../outbound/consume";
import { attemptLimit } from "../outbound/policy";
import type { DeliverySettings } from "../outbound/settings";
import { postSigned } from "../outbound/signed-post";
import { logReminder as log } from "../reminders/settings";
import type { EventMessage } from "./types";

export const EVENTS_QUEUE = "invoice-ledger-merchant-events";
export const EVENTS_DLQ = "invoice-ledger-merchant-events-dlq";
export const EVENTS_USER_AGENT = "invoice-ledger-events/1";
const DELIVERY_ID = /^evt_[0-9a-f]{32}$/;

export const eventsFor = (env: Bindings, merchantId: string) => env.MERCHANT_EVENTS.getByName(merchantId);

/** Messages come from our own objects; this only keeps a corrupted one from addressing anything. */
export function parseEventMessage(body: unknown): EventMessage | null {
  const b = body as Partial<EventMessage> | null;
  if (b?.v !== 1 || typeof b.merchantId !== "string" || !MERCHANT_ID.test(b.merchantId)) return null;
  if (typeof b.deliveryId !== "string" || !DELIVERY_ID.test(b.deliveryId)) return null;
  return {
    v: 1,
    merchantId: b.merchantId,
    deliveryId: b.deliveryId,
    ...parseDeadLetterFields(b),
  };
}

export async function consumeEvents(batch: MessageBatch, env: Bindings): Promise<void> {
  if (batch.queue === EVENTS_DLQ) return consumeEventDeadLetters(batch, env);
  return deliverEach(batch, env, "event", parseEventMessage, (msg, m, settings) =>
    deliverOne(msg, m, env, settings),
  );
}

async function deliverOne(
  msg: Message,
  m: EventMessage,
  env: Bindings,
  settings: DeliverySettings,
): Promise<void> {
  const endpoints = (await getMerchant(env.MERCHANTS, m.merchantId))?.webhooks ?? [];
  const enabled = endpoints.filter((e) => e.enabled);
  const limits = Object.fromEntries(enabled.map((e) => [e.id, attemptLimit(e.max_attempts)]));
  const stub = eventsFor(env, m.merchantId);
  const claim = await stub.claim(m.deliveryId, limits);
  const deadLetter = deadLetterTo(env.EVENTS_DLQ, m);
  if (!(await settleClaim(msg, claim, deadLetter)) || claim.kind !== "deliver") return;
  const endpoint = enabled.find((e) => e.id === claim.endpointId)!;
  const result = await postSigned({
    url: endpoint.url,
    secrets: signingSecrets(endpoint),
    id: m.deliveryId,
    payload: claim.payload,
    timeoutMs: settings.timeoutMs,
    userAgent: EVENTS_USER_AGENT,
    secretName: "endpoint",
  });
  const attempt = outcomeOf(result, claim.attempt, limits[endpoint.id]!, settings.retryBaseSeconds);
  const status = await stub.finish(m.deliveryId, claim.attempt, attempt.outcome, result.status);
  log(env, result.verdict === "delivered" ? "info" : "warn", "event attempt", {
    delivery: m.deliveryId,
    endpoint: endpoint.id,
    attempt: claim.attempt,
    verdict: result.verdict,
    http_status: result.status,
  });
  await settleAttempt(msg, attempt, status, (error) => deadLetter(claim.attempt, error));
}

/** Forwarded after the endpoint's max_attempts, or moved by the queue after its max_retries (our errors). */
const consumeEventDeadLetters = (batch: MessageBatch, env: Bindings) =>
  recordDeadLetters(batch, env, "event", parseEventMessage, async (m, note) => {
    const status = await eventsFor(env, m.merchantId).deadLetter(m.deliveryId, note);
    return { delivery: m.deliveryId, status };
  });
