import { createRoute, z } from "@hono/zod-openapi";
import { DELIVERY_ORDERS, DELIVERY_OUTCOMES } from "../../deliveries/types";
import { jsonObjectBody } from "../../lib/json-body";
import { PROVIDERS } from "../../providers/registry";
import { errorResponse, jsonResponse, PageQuery } from "../schemas";

const tags = ["webhook-deliveries"];
const security = [{ apiKey: [] }];

const params = z.object({
  deliveryId: z
    .string()
    .regex(/^whd_[A-Za-z0-9]{20}$/, "delivery ids are whd_ and 20 letters or digits")
    .openapi({ param: { name: "deliveryId", in: "path" }, example: "whd_3fKq9r8GKYqrTwjUPD8I" }),
});

export const DeliverySchema = z
  .object({
    id: z.string(),
    provider: z.string(),
    received_at: z.string().openapi({ description: "When it arrived (for a retry: when the original did)" }),
    source_ip: z.string().nullable().openapi({ description: "CF-Connecting-IP of the sender" }),
    size: z.number().int().openapi({ description: "Bytes of the body" }),
    body_sha256: z
      .string()
      .nullable()
      .openapi({ description: "Hex SHA-256 of the body; null when too large" }),
    status: z.number().int().openapi({ description: "The HTTP status answered" }),
    outcome: z.enum(DELIVERY_OUTCOMES),
    reason: z.string().nullable().openapi({
      description:
        "Why it was refused: signature_mismatch, ip_not_allowed, location_not_allowed, not_configured, malformed_payload, payload_too_large, ... (null when accepted)",
    }),
    event_id: z.string().nullable(),
    invoice_ids: z.array(z.string()).openapi({ description: "The invoices it touched" }),
    retry_of: z.string().nullable().openapi({ description: "The refused delivery this one replayed" }),
    headers_kept: z
      .array(z.string())
      .openapi({ description: "Names of the headers kept to verify it again; their values are never shown" }),
    body_kept: z.boolean().openapi({ description: "Refused deliveries keep their body 7 days, for a retry" }),
    body_expires_at: z.string().nullable(),
  })
  .openapi("WebhookDelivery");

const DeliveryDetailSchema = DeliverySchema.extend({
  body_base64: z.string().nullable().openapi({ description: "The raw body, while kept" }),
}).openapi("WebhookDeliveryDetail");

export const DeliveryQuery = PageQuery.extend({
  outcome: z.enum(DELIVERY_OUTCOMES).optional(),
  provider: z
    .enum(Object.keys(PROVIDERS) as [string, ...string[]])
    .optional()
    .openapi({ description: "Only this provider's deliveries" }),
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: "Only deliveries received at or after this time (ISO 8601)" }),
  order: z
    .enum(DELIVERY_ORDERS, `must be one of ${DELIVERY_ORDERS.join(", ")}`)
    .default("asc")
    .openapi({
      description:
        "asc (default): the order the log recorded them, oldest first; desc: newest first. A retry is recorded when it runs, with its original's received_at",
    }),
});

export const listDeliveries = createRoute({
  method: "get",
  path: "/v1/webhook-deliveries",
  tags,
  security,
  summary: "Every webhook delivery for this merchant, accepted or refused, oldest first (or newest first)",
  request: { query: DeliveryQuery },
  responses: {
    200: jsonResponse(
      z
        .object({
          data: z.array(DeliverySchema),
          has_more: z.boolean(),
          next_cursor: z.string().nullable(),
          refused_not_kept: z.number().int().openapi({
            description: "Refused deliveries in the window over the per-minute cap: counted, not kept",
          }),
        })
        .openapi("WebhookDeliveryPage"),
      "Deliveries, in the order asked for",
    ),
    401: errorResponse("Missing or invalid API key"),
    422: errorResponse("Invalid filter, limit or cursor"),
    429: errorResponse("Too many requests for this API key"),
  },
});

export const getDelivery = createRoute({
  method: "get",
  path: "/v1/webhook-deliveries/{deliveryId}",
  tags,
  security,
  summary: "One delivery, with its raw body while it is kept",
  request: { params },
  responses: {
    200: jsonResponse(DeliveryDetailSchema, "The delivery"),
    401: errorResponse("Missing or invalid API key"),
    404: errorResponse("Unknown delivery"),
  },
});

export const retryDelivery = createRoute({
  method: "post",
  path: "/v1/webhook-deliveries/{deliveryId}/retry",
  tags,
  security,
  summary:
    "Verify a refused delivery's stored bytes again against the current configuration and process them",
  middleware: jsonObjectBody("none"),
  request: { params },
  responses: {
    200: jsonResponse(
      z.object({ delivery: DeliverySchema }).openapi("WebhookDeliveryRetry"),
      "The retry, recorded as a new delivery: applied, duplicate, ignored or refused again (with its reason)",
    ),
    401: errorResponse("Missing or invalid API key"),
    404: errorResponse("Unknown delivery"),
    409: errorResponse("Not retryable: accepted, or its body is no longer kept"),
  },
});
