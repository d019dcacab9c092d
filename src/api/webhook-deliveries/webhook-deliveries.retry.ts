// A refused delivery, retried: shared by POST /v1/webhook-deliveries/{id}/retry and the dashboard's Retry button.
import type { Bindings } from "../../bindings";
import { deliveryLogFor, entryOf } from "../../deliveries/log";
import type { DeliveryRecord } from "../../deliveries/types";
import { ApiError, notFound } from "../../lib/errors";
import { getMerchant } from "../../merchants/store";
import type { Delivery } from "../../providers/types";
import { runPipeline } from "../../webhooks/pipeline";

const notRetryable = (why: string) => new ApiError(409, "delivery_not_retryable", why);

/**
 * Runs a refused delivery's stored bytes through the same pipeline as a fresh delivery, against the
 * merchant's configuration as it is now. Time and source address are the original's: a Standard Webhooks
 * timestamp is checked against when it arrived, a Riverty address against today's allow-list. Returns the
 * retry's own log row and the word for the request log.
 */
export async function retryDelivery(
  env: Bindings,
  merchantId: string,
  deliveryId: string,
): Promise<{ row: DeliveryRecord; outcome: string }> {
  const log = deliveryLogFor(env, merchantId);
  const stored = await log.stored(deliveryId);
  if (!stored) throw notFound("Delivery");
  const { record, body, replay } = stored;
  if (record.outcome !== "refused")
    throw notRetryable(`Only refused deliveries are retried; this one was ${record.outcome}`);
  if (!body || !replay) throw notRetryable("Its body is no longer kept (refused bodies are kept 7 days)");
  const merchant = await getMerchant(env.MERCHANTS, merchantId);
  if (!merchant) throw notFound("Merchant");
  const delivery: Delivery = {
    raw: body,
    headers: new Headers(replay.headers),
    params: replay.params,
    ip: record.ip,
    now: Math.floor(record.receivedAt / 1000),
    sha256: record.sha256 ?? "",
  };
  const result = await runPipeline(env, merchantId, merchant, record.provider, delivery);
  const outcome = result.ok ? `retried:${result.outcome}` : `retried:refused:${result.reason}`;
  const status = result.ok ? 200 : result.error.status;
  const row = await log.record(entryOf(record.provider, delivery, result, status, deliveryId));
  if (!row) throw new ApiError(500, "internal_error", "The retry ran but could not be recorded");
  return { row, outcome };
}
