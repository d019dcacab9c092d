import type { RouteHandler } from "@hono/zod-openapi";
import { eventsFor } from "../../events/consumer";
import type { EventDelivery } from "../../events/types";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import { ApiError, notFound } from "../../lib/errors";
import type { AppEnv } from "../../lib/types";
import { getMerchant } from "../../merchants/store";
import { endpointView, type WebhookEndpoint } from "../../merchants/webhook-endpoints";
import { unwrapCursor, wrapCursor } from "../cursor";
import type * as routes from "./webhook-endpoints.routes";

export const eventDeliveryView = (d: EventDelivery) => ({
  id: d.id,
  endpoint_id: d.endpointId,
  type: d.type,
  invoice_id: d.invoiceId,
  version: d.version,
  status: d.status,
  attempts: d.attempts,
  last_error: d.lastError,
  last_status: d.lastStatus,
  next_attempt_at: d.nextAttemptAt,
  resends: d.resends,
  created_at: d.createdAt,
  last_attempt_at: d.lastAttemptAt,
  delivered_at: d.deliveredAt,
  failed_at: d.failedAt,
  dead_lettered_at: d.deadLetteredAt,
  updated_at: d.updatedAt,
});

async function endpoints(env: AppEnv["Bindings"], merchantId: string): Promise<WebhookEndpoint[]> {
  return (await getMerchant(env.MERCHANTS, merchantId))?.webhooks ?? [];
}

/** One of the merchant's own endpoints, or 404: another merchant's endpoint is as unknown as none. */
async function endpointOf(env: AppEnv["Bindings"], merchantId: string, id: string) {
  const e = (await endpoints(env, merchantId)).find((x) => x.id === id);
  if (!e) throw notFound("Endpoint");
  return e;
}

export const listEndpoints: RouteHandler<typeof routes.listEndpoints, AppEnv> = async (c) => {
  const list = await endpoints(c.env, c.get("merchantId")!);
  return c.json({ data: await Promise.all(list.map(endpointView)) }, 200);
};

export const listEndpointDeliveries: RouteHandler<typeof routes.listEndpointDeliveries, AppEnv> = async (
  c,
) => {
  const merchantId = c.get("merchantId")!;
  const { endpointId } = c.req.valid("param");
  const { cursor, limit, status } = c.req.valid("query");
  // Bound to the merchant, the endpoint and the status filter, so a page of one query never continues another.
  const scope = {
    merchantId,
    invoiceId: `endpoint=${endpointId}&status=${status ?? ""}`,
    list: "event-deliveries" as const,
  };
  const after = decodeCursor(await unwrapCursor(cursor, scope));
  await endpointOf(c.env, merchantId, endpointId);
  const page = await eventsFor(c.env, merchantId).list({ endpointId, status }, after, limit);
  const next = await wrapCursor(page.nextSeq === null ? null : encodeCursor(page.nextSeq), scope);
  return c.json({ data: page.items.map(eventDeliveryView), has_more: next !== null, next_cursor: next }, 200);
};

export const resendDelivery: RouteHandler<typeof routes.resendDelivery, AppEnv> = async (c) => {
  const merchantId = c.get("merchantId")!;
  const { endpointId, deliveryId } = c.req.valid("param");
  const endpoint = await endpointOf(c.env, merchantId, endpointId);
  const stub = eventsFor(c.env, merchantId);
  const existing = await stub.get(deliveryId);
  if (!existing || existing.endpointId !== endpointId) throw notFound("Delivery");
  if (!endpoint.enabled) {
    throw new ApiError(409, "endpoint_disabled", "The endpoint is disabled; enable it before resending");
  }
  const result = await stub.resend(deliveryId);
  if (!result) throw notFound("Delivery");
  if (!result.ok) {
    throw new ApiError(
      409,
      "delivery_not_resendable",
      `Only failed deliveries are resent; this one is ${result.status}`,
    );
  }
  c.set("outcome", "resent");
  return c.json(eventDeliveryView(result.delivery), 202);
};
