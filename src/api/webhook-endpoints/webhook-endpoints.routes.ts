import { createRoute, z } from "@hono/zod-openapi";
import { DELIVERY_STATUSES, EVENT_TYPES } from "../../events/types";
import { jsonObjectBody } from "../../lib/json-body";
import { ENDPOINT_ID, WebhookEndpointView } from "../../merchants/webhook-endpoints";
import { bodyRefusals, errorResponse, jsonResponse, PageQuery, paramRefusals } from "../schemas";

const tags = ["webhook-endpoints"];
const security = [{ apiKey: [] }];

const EndpointIdParam = z
  .string()
  .regex(ENDPOINT_ID, "endpoint ids are we_ and 20 letters or digits")
  .openapi({ param: { name: "endpointId", in: "path" }, example: "we_4kT9zQp2LmX8vR3sYb7N" });

const DeliveryIdParam = z
  .string()
  .regex(/^evt_[0-9a-f]{32}$/, "delivery ids are evt_ and 32 lower-case hex digits")
  .openapi({ param: { name: "deliveryId", in: "path" }, example: "evt_6f1c0d2e9a8b47c3b5d4e2f1a0b9c8d7" });

export const EventDeliverySchema = z
  .object({
    id: z.string().openapi({ description: "Also the webhook-id of every attempt and of a resend" }),
    endpoint_id: z.string(),
    type: z.enum(EVENT_TYPES),
    invoice_id: z.string(),
    version: z.number().int().openapi({ description: "The invoice's version the event describes" }),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int().openapi({ description: "POSTs made since it was recorded or last resent" }),
    last_error: z.string().nullable(),
    last_status: z.number().int().nullable().openapi({ description: "The endpoint's last HTTP status" }),
    next_attempt_at: z.string().nullable().openapi({ description: "While it waits out its backoff" }),
    resends: z.number().int(),
    created_at: z.string(),
    last_attempt_at: z.string().nullable(),
    delivered_at: z.string().nullable(),
    failed_at: z.string().nullable(),
    dead_lettered_at: z.string().nullable(),
    updated_at: z.string(),
  })
  .openapi("EventDelivery");

export const listEndpoints = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints",
  tags,
  security,
  summary: "This merchant's event endpoints, secrets redacted",
  responses: {
    200: jsonResponse(
      z.object({ data: z.array(WebhookEndpointView) }).openapi("WebhookEndpointList"),
      "The endpoints, as configured",
    ),
    401: errorResponse("Missing or invalid API key"),
  },
});

export const DeliveriesQuery = PageQuery.extend({
  status: z.enum(DELIVERY_STATUSES).optional().openapi({ description: "Only deliveries in this state" }),
});

export const listEndpointDeliveries = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints/{endpointId}/deliveries",
  tags,
  security,
  summary: "An endpoint's event deliveries and failures, oldest first",
  request: { params: z.object({ endpointId: EndpointIdParam }), query: DeliveriesQuery },
  responses: {
    ...paramRefusals,
    200: jsonResponse(
      z
        .object({
          data: z.array(EventDeliverySchema),
          has_more: z.boolean(),
          next_cursor: z.string().nullable(),
        })
        .openapi("EventDeliveryPage"),
      "Deliveries, oldest first",
    ),
    401: errorResponse("Missing or invalid API key"),
    404: errorResponse("Unknown endpoint"),
  },
});

export const resendDelivery = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{endpointId}/deliveries/{deliveryId}/resend",
  tags,
  security,
  summary: "Send a failed event again: the same webhook-id and body, with fresh attempts",
  middleware: jsonObjectBody("none"),
  request: { params: z.object({ endpointId: EndpointIdParam, deliveryId: DeliveryIdParam }) },
  responses: {
    ...bodyRefusals,
    202: jsonResponse(EventDeliverySchema, "The delivery, pending again"),
    401: errorResponse("Missing or invalid API key"),
    404: errorResponse("Unknown endpoint or delivery"),
    409: errorResponse("delivery_not_resendable (not failed) or endpoint_disabled"),
  },
});
