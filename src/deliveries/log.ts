// The edge's side of the delivery log: which object holds a merchant's log, what of a delivery is kept,
// and recording that never fails or slows the delivery it describes.
import type { Bindings } from "../bindings";
import type { Delivery } from "../providers/types";
import type { PipelineResult } from "../webhooks/pipeline";
import type { DeliveryEntry, ReplayMaterial } from "./types";

/** One log per merchant: traffic for one merchant never waits on another's object. */
export const deliveryLogFor = (env: Bindings, merchantId: string) =>
  env.MERCHANT_DELIVERIES.getByName(merchantId);

/**
 * The headers any provider's verify() or normalize() reads, kept with a refused body so that a retry can
 * verify it again. Their values are never shown through the API nor logged; only their names are.
 */
const REPLAY_HEADERS = [
  "authorization",
  "content-type",
  "x-razorpay-signature",
  "x-razorpay-event-id",
  "x-ghl-signature",
  "x-wh-signature",
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
];

export function replayMaterial(delivery: Delivery): ReplayMaterial {
  const headers: Record<string, string> = {};
  for (const name of REPLAY_HEADERS) {
    const value = delivery.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return { headers, params: delivery.params };
}

/** What the log keeps of a delivery and its outcome; the body and replay material only when refused. */
export function entryOf(
  provider: string,
  delivery: Delivery,
  result: PipelineResult,
  status: number,
  retryOf: string | null = null,
): DeliveryEntry {
  return {
    provider,
    receivedAt: delivery.now * 1000,
    ip: delivery.ip,
    size: delivery.raw.byteLength,
    sha256: delivery.sha256,
    status,
    outcome: result.ok ? result.outcome : "refused",
    reason: result.ok ? null : result.reason,
    eventId: result.ok ? result.eventId : null,
    invoiceIds: result.ok ? result.invoiceIds : [],
    retryOf,
    body: result.ok ? null : delivery.raw,
    replay: result.ok ? null : replayMaterial(delivery),
  };
}

/**
 * Records without ever throwing: the log describes money, it never guards it. A failure here (or a crash
 * before a waitUntil ran) loses one log row, never a payment: the ledger has already committed or refused.
 */
export async function recordQuietly(env: Bindings, merchantId: string, entry: DeliveryEntry): Promise<void> {
  try {
    await deliveryLogFor(env, merchantId).note(entry);
  } catch (err) {
    console.error(JSON.stringify({ level: "error", message: "delivery_log_failed", error: String(err) }));
  }
}
