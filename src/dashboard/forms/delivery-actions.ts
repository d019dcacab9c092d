// POST /dashboard/deliveries/{id}/retry: the API's retry (the same function), then back to the log with the
// retry's outcome.
import type { Hono } from "hono";
import { retryDelivery } from "../../api/webhook-deliveries/webhook-deliveries.retry";
import { notFound } from "../../lib/errors";
import type { DashEnv } from "../types";

const DELIVERY_ID = /^whd_[A-Za-z0-9]{20}$/;

export function deliveryActions(app: Hono<DashEnv>) {
  app.post("/deliveries/:deliveryId/retry", async (c) => {
    const deliveryId = c.req.param("deliveryId");
    if (!DELIVERY_ID.test(deliveryId)) throw notFound("Delivery");
    const { row, outcome } = await retryDelivery(c.env, c.get("merchantId")!, deliveryId);
    c.set("outcome", outcome);
    return c.redirect(`/dashboard/deliveries?flash=retried&outcome=${row.outcome}`, 303);
  });
}
