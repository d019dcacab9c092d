import type { RouteHandler } from "@hono/zod-openapi";
import { deliveryLogFor } from "../../deliveries/log";
import type { DeliveryRecord } from "../../deliveries/types";
import { toBase64 } from "../../lib/crypto";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import { notFound } from "../../lib/errors";
import type { AppEnv } from "../../lib/types";
import { unwrapCursor, wrapCursor } from "../cursor";
import { retryDelivery as retry } from "./webhook-deliveries.retry";
import type * as routes from "./webhook-deliveries.routes";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const deliveryView = (d: DeliveryRecord) => ({
  id: d.id,
  provider: d.provider,
  received_at: new Date(d.receivedAt).toISOString(),
  source_ip: d.ip,
  size: d.size,
  body_sha256: d.sha256,
  status: d.status,
  outcome: d.outcome,
  reason: d.reason,
  event_id: d.eventId,
  invoice_ids: d.invoiceIds,
  retry_of: d.retryOf,
  headers_kept: d.headerNames,
  body_kept: d.bodyKept,
  body_expires_at: iso(d.bodyExpiresAt),
});

export const listDeliveries: RouteHandler<typeof routes.listDeliveries, AppEnv> = async (c) => {
  const merchantId = c.get("merchantId")!;
  const { cursor, limit, outcome, provider, since, order } = c.req.valid("query");
  // The cursor is bound to the merchant, the filters and the order, so a page of one query never continues
  // another. `asc` adds nothing to the scope, so cursors issued before `order` existed stay valid.
  const scope = {
    merchantId,
    invoiceId: `outcome=${outcome ?? ""}&provider=${provider ?? ""}&since=${since ?? ""}${order === "desc" ? "&order=desc" : ""}`,
    list: "deliveries" as const,
  };
  const from = decodeCursor(await unwrapCursor(cursor, scope));
  const filter = { outcome, provider, since: since === undefined ? undefined : Date.parse(since) };
  const page = await deliveryLogFor(c.env, merchantId).list(filter, from, limit, order);
  const next = page.nextSeq === null ? null : encodeCursor(page.nextSeq);
  return c.json(
    {
      data: page.items.map(deliveryView),
      has_more: next !== null,
      next_cursor: await wrapCursor(next, scope),
      refused_not_kept: page.refusedNotKept,
    },
    200,
  );
};

export const getDelivery: RouteHandler<typeof routes.getDelivery, AppEnv> = async (c) => {
  const { deliveryId } = c.req.valid("param");
  const stored = await deliveryLogFor(c.env, c.get("merchantId")!).stored(deliveryId);
  if (!stored) throw notFound("Delivery");
  return c.json(
    { ...deliveryView(stored.record), body_base64: stored.body ? toBase64(stored.body) : null },
    200,
  );
};

export const retryDelivery: RouteHandler<typeof routes.retryDelivery, AppEnv> = async (c) => {
  const { row, outcome } = await retry(c.env, c.get("merchantId")!, c.req.valid("param").deliveryId);
  c.set("outcome", outcome);
  return c.json({ delivery: deliveryView(row) }, 200);
};
