import { createRoute, z } from "@hono/zod-openapi";
import { jsonObjectBody } from "../../lib/json-body";
import { identifier } from "../../lib/zod-atoms";
import {
  bodyRefusals,
  CurrencySchema,
  CustomerPatchSchema,
  CustomerSchema,
  errorResponse,
  InvoiceIdParam,
  InvoiceSchema,
  jsonBody,
  jsonResponse,
  MERGE_PATCH_TYPES,
  MinorUnits,
  mergePatchBody,
  PageQuery,
  pageOf,
  paramRefusals,
} from "../schemas";

const tags = ["invoices"];
const security = [{ apiKey: [] }];
const params = z.object({ invoiceId: InvoiceIdParam });

export const InvoiceUpsertSchema = z
  .object({
    currency: CurrencySchema,
    total: MinorUnits.openapi({ description: "Invoice total in minor units", example: 479030 }),
    due_date: z.iso.date().nullable().default(null),
    number: identifier(64).nullable().default(null),
    customer: CustomerSchema.default({ name: null, email: null, phone: null }),
  })
  .strict()
  .openapi("InvoiceUpsert");

export const upsertInvoice = createRoute({
  method: "put",
  path: "/v1/invoices/{invoiceId}",
  tags,
  security,
  summary: "Create or update an invoice",
  middleware: jsonObjectBody("required"),
  request: { params, body: jsonBody(InvoiceUpsertSchema) },
  responses: {
    ...bodyRefusals,
    200: jsonResponse(InvoiceSchema, "Updated"),
    201: jsonResponse(InvoiceSchema, "Created"),
    401: errorResponse("Missing or invalid API key"),
    409: errorResponse("The currency cannot change once the invoice has lines"),
    400: errorResponse("No body, or not a strict JSON object"),
    413: errorResponse("Body over 64 KiB"),
    415: errorResponse("Content-Type is not application/json"),
    422: errorResponse("Invalid invoice"),
  },
});

export const InvoicePatchSchema = z
  .object({
    currency: CurrencySchema.optional(),
    total: MinorUnits.optional().openapi({ description: "Invoice total in minor units" }),
    due_date: z.iso.date().nullable().optional().openapi({ description: "null clears it" }),
    number: identifier(64).nullable().optional().openapi({ description: "null clears it" }),
    customer: CustomerPatchSchema.optional(),
    reminders: z.enum(["paused", "active"]).optional().openapi({
      description:
        "paused: no reminder is sent for this invoice (they are recorded as skipped); active: cadence points still ahead are sent again, none that fell due in the pause",
    }),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, "send at least one field to change")
  .openapi("InvoicePatch");

export const patchInvoice = createRoute({
  method: "patch",
  path: "/v1/invoices/{invoiceId}",
  tags,
  security,
  summary: "Change only the fields sent (JSON Merge Patch semantics, RFC 7396), or pause/resume reminders",
  middleware: jsonObjectBody("required", MERGE_PATCH_TYPES),
  request: {
    params,
    body: mergePatchBody(
      InvoicePatchSchema,
      "A JSON Merge Patch of the invoice's facts, or a reminders switch",
    ),
  },
  responses: {
    ...bodyRefusals,
    200: jsonResponse(InvoiceSchema, "The invoice as changed"),
    401: errorResponse("Missing or invalid API key"),
    404: errorResponse("Unknown invoice (PATCH never creates one: use PUT)"),
    409: errorResponse(
      "The currency cannot change once the invoice has lines, or its total is not known and only half of currency/total was sent",
    ),
    400: errorResponse("No body, or not a strict JSON object"),
    413: errorResponse("Body over 64 KiB"),
    415: errorResponse("Content-Type is not application/merge-patch+json or application/json"),
    422: errorResponse("Invalid field, unknown field, or an empty patch"),
  },
});

export const getInvoice = createRoute({
  method: "get",
  path: "/v1/invoices/{invoiceId}",
  tags,
  security,
  summary: "Read an invoice and its balance",
  request: { params },
  responses: {
    ...paramRefusals,
    200: jsonResponse(InvoiceSchema, "The invoice"),
    401: errorResponse("Missing or invalid API key"),
    404: errorResponse("Unknown invoice"),
  },
});

export const voidInvoice = createRoute({
  method: "post",
  path: "/v1/invoices/{invoiceId}/void",
  tags,
  security,
  summary: "Void an invoice: no further payments through the API, reminders stop",
  middleware: jsonObjectBody("none"),
  request: { params },
  responses: {
    ...bodyRefusals,
    200: jsonResponse(InvoiceSchema, "The voided invoice"),
    401: errorResponse("Missing or invalid API key"),
    404: errorResponse("Unknown invoice"),
  },
});

const AnomalySchema = z
  .object({
    kind: z.string(),
    source: z.string(),
    external_id: z.string().nullable(),
    event_id: z.string().nullable(),
    message: z.string(),
    created_at: z.string(),
  })
  .openapi("Anomaly");

export const listAnomalies = createRoute({
  method: "get",
  path: "/v1/invoices/{invoiceId}/anomalies",
  tags,
  security,
  summary: "What the ledger recorded but could not apply cleanly (currency mismatches, conflicting replays)",
  request: { params, query: PageQuery },
  responses: {
    ...paramRefusals,
    200: jsonResponse(pageOf(AnomalySchema, "AnomalyPage"), "Anomalies, oldest first"),
    401: errorResponse("Missing or invalid API key"),
    404: errorResponse("Unknown invoice"),
  },
});

const EventSchema = z
  .object({
    source: z.string(),
    event_id: z.string(),
    event_type: z.string(),
    verification: z.string(),
    outcome: z.string(),
    detail: z.unknown(),
    raw_body: z.string(),
    received_at: z.string(),
  })
  .openapi("WebhookEvent");

export const listEvents = createRoute({
  method: "get",
  path: "/v1/invoices/{invoiceId}/events",
  tags,
  security,
  summary: "Accepted provider deliveries for this invoice, with raw body, verification and outcome",
  request: { params, query: PageQuery },
  responses: {
    ...paramRefusals,
    200: jsonResponse(pageOf(EventSchema, "WebhookEventPage"), "Events, oldest first"),
    401: errorResponse("Missing or invalid API key"),
    404: errorResponse("Unknown invoice"),
  },
});
