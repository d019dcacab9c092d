import { z } from "@hono/zod-openapi";
import { INVOICE_ID } from "../ledger/invoice-id";
import { emailAddress, minorUnits, phoneNumber, safeText } from "../lib/zod-atoms";
import { isSupportedCurrency } from "../money/currency";

export const ErrorSchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  })
  .openapi("Error");

export const errorResponse = (description: string) => ({
  content: { "application/json": { schema: ErrorSchema } },
  description,
});

/**
 * What a route with jsonObjectBody can answer before its handler runs (src/lib/json-body.ts, the body limit
 * in src/app.ts and the zod hook in src/lib/create-app.ts). Spread first, so a route's own wording wins.
 */
export const bodyRefusals = {
  400: errorResponse(
    "malformed_request (not strict JSON) or invalid_body (no body where one is needed, not an object)",
  ),
  413: errorResponse("payload_too_large: body over 64 KiB, refused before it is read"),
  415: errorResponse("unsupported_media_type: a body without Content-Type: application/json"),
  422: errorResponse("validation_failed: a field, path or query parameter is invalid"),
};

/** A route without a body still validates its path and query. */
export const paramRefusals = {
  422: errorResponse("validation_failed (or invalid_cursor): a path or query parameter is invalid"),
};

export const jsonBody = <T extends z.ZodType>(schema: T, description = "JSON body") => ({
  content: { "application/json": { schema } },
  required: true,
  description,
});

/** What a JSON Merge Patch route reads (RFC 7396 registers application/merge-patch+json for it). */
export const MERGE_PATCH_TYPES = ["application/merge-patch+json", "application/json"] as const;

/** A JSON Merge Patch body, declared under both media types the route takes. */
export const mergePatchBody = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/merge-patch+json": { schema }, "application/json": { schema } },
  required: true,
  description,
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

/** Integer minor units: the only way money crosses our own API. */
export const MinorUnits = minorUnits();

export const CurrencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as INR")
  .refine(isSupportedCurrency, "is not a supported ISO 4217 currency")
  .openapi({ example: "INR" });

export const InvoiceIdParam = z
  .string()
  .regex(INVOICE_ID, "invoice ids are 1-128 of A-Z a-z 0-9 . _ : -, not starting with . : or -")
  .openapi({ param: { name: "invoiceId", in: "path" }, example: "inv_2026_0042" });

export const MerchantIdParam = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "merchant ids match ^[a-z0-9][a-z0-9_-]{0,62}$")
  .openapi({ param: { name: "merchantId", in: "path" }, example: "acme" });

export const IdempotencyKeyHeader = z.object({
  "idempotency-key": z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, "1-255 printable ASCII characters")
    .optional()
    .openapi({ description: "Same key and body: the same response; same key, other body: 409" }),
});

/** A list's ?cursor=: an opaque token this API issued, at most `max` characters. */
export const cursorParam = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, "is not a cursor this API issued")
    .optional();

/**
 * ?limit=&cursor=. The cursor is the opaque token of src/api/cursor.ts (checked against its list there);
 * limit is plain decimal digits, 1-200 (no 1e2, 0x10, +5, 5.0 or spaces), default 50.
 */
export const PageQuery = z.object({
  cursor: cursorParam(512),
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,2}$/, "must be a whole number from 1 to 200 in plain digits")
    .transform(Number)
    .pipe(z.number().int().max(200, "must be at most 200"))
    .default(50)
    .openapi({ type: "integer", minimum: 1, maximum: 200, default: 50 }),
});

const customerFields = {
  name: safeText(200).nullable(),
  email: emailAddress().nullable(),
  phone: phoneNumber().nullable(),
};

export const CustomerSchema = z
  .object({
    name: customerFields.name.default(null),
    email: customerFields.email.default(null),
    phone: customerFields.phone.default(null),
  })
  .strict()
  .openapi("Customer");

/** PATCH: only the fields sent change; null clears one. */
export const CustomerPatchSchema = z
  .object({
    name: customerFields.name.optional(),
    email: customerFields.email.optional(),
    phone: customerFields.phone.optional(),
  })
  .strict()
  .openapi("CustomerPatch");

export const ProviderReportSchema = z
  .object({
    source: z.string(),
    currency: z.string().nullable(),
    total: z.number().int().nullable(),
    amount_paid: z.number().int().nullable(),
    amount_due: z.number().int().nullable(),
    status: z.string().nullable(),
    reported_at: z.string(),
    mismatch: z.boolean(),
  })
  .openapi("ProviderReport");

export const InvoiceSchema = z
  .object({
    id: z.string(),
    number: z.string().nullable(),
    currency: z.string().nullable(),
    total: z.number().int().nullable(),
    amount_paid: z.number().int(),
    amount_due: z.number().int().nullable(),
    credit_balance: z.number().int(),
    written_off: z.number().int(),
    tds_withheld: z.number().int().openapi({
      description: "Tax withheld on payments that still stand: a reversal takes back cash first, then TDS",
    }),
    transaction_charges: z.number().int(),
    status: z.enum(["open", "partially_paid", "paid", "overpaid", "void"]),
    due_date: z.string().nullable(),
    customer: CustomerSchema,
    reminders: z.enum(["active", "paused"]).openapi({
      description: "paused: the merchant paused this invoice's reminders (PATCH); none are sent",
    }),
    payments_count: z.number().int(),
    anomalies_count: z.number().int(),
    provider_reports: z.array(ProviderReportSchema),
    voided_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Invoice");

export const LineSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["payment", "reversal", "write_off", "adjustment"]),
    source: z.string(),
    external_id: z.string(),
    amount: z.number().int(),
    tds: z.number().int(),
    transaction_charge: z.number().int(),
    currency: z.string(),
    method: z.string().nullable(),
    reference: z.string().nullable(),
    notes: z.string().nullable(),
    paid_at: z.string().nullable(),
    reverses: z.string().nullable(),
    requested_amount: z.number().int().openapi({
      description:
        "What the source asked for. A reversal's amount is what it took back: never more than its payment had left, and 0 while the payment it names has not arrived",
    }),
    duplicate_of: z.string().nullable().openapi({
      description: "A reversal recognised as the same money as this other source's reversal",
    }),
    idempotency_key: z.string().nullable().openapi({
      description:
        "The Idempotency-Key (Refrens refId, chargebee-idempotency-key) of the request that recorded it",
    }),
    customer_reminder: z.boolean().openapi({
      description:
        "False: recorded without a customer reminder (chargebee-event-email or -actions: all-disabled)",
    }),
    merchant_events: z.boolean().openapi({
      description:
        "False: the merchant's change feed is not to announce this line (chargebee-event-webhook or -actions: all-disabled)",
    }),
    origin: z
      .object({ user: z.string().optional(), device: z.string().optional(), ip: z.string().optional() })
      .nullable()
      .openapi({ description: "The chargebee-request-origin-* headers of the request that recorded it" }),
    created_at: z.string(),
  })
  .openapi("Line");

export const ListedLineSchema = LineSchema.extend({
  reversed_amount: z.number().int().nullable().openapi({
    description:
      "Payments: the credit reversals from any source took back from it so far (amount + tds at most; equal to it: nothing is left to reverse, and POST .../reverse answers 409 already_reversed); null for other kinds",
  }),
}).openapi("ListedLine");

export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      data: z.array(item),
      has_more: z.boolean().openapi({ description: "True when next_cursor leads to another page" }),
      next_cursor: z.string().nullable(),
    })
    .openapi(name);
