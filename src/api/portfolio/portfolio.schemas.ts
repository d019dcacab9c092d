// The portfolio's query and response shapes: listing, aging, export.
import { z } from "@hono/zod-openapi";
import { INVOICE_ID } from "../../ledger/invoice-id";
import { emailAddress } from "../../lib/zod-atoms";
import { SORTS, STATUSES } from "../../portfolio/index-query";
import { CurrencySchema, InvoiceSchema, PageQuery } from "../schemas";

const flag = (description: string) =>
  z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional()
    .openapi({ type: "boolean", description });

const day = (description: string) =>
  z.iso.date("must be a date YYYY-MM-DD").optional().openapi({ description, example: "2026-12-31" });

/** The filters, shared by the listing and the CSV export. Every bad value is a 422. */
export const FilterQuery = z.object({
  status: z
    .string()
    .transform((s) => [...new Set(s.split(","))])
    .pipe(z.array(z.enum(STATUSES, `must be ${STATUSES.join(", ")} (comma-separated)`)))
    .optional()
    .openapi({
      type: "string",
      description: "One or several statuses, comma-separated",
      example: "open,partially_paid",
    }),
  currency: CurrencySchema.optional(),
  due_before: day("Due strictly before this date"),
  due_after: day("Due strictly after this date"),
  updated_after: z.iso
    .datetime({ offset: true, message: "must be an ISO 8601 date-time such as 2026-12-01T00:00:00Z" })
    .transform((s) => new Date(s).toISOString())
    .optional()
    .openapi({
      type: "string",
      description: "Changed strictly after this instant",
      example: "2026-12-01T00:00:00Z",
    }),
  customer_email: emailAddress().optional().openapi({ description: "Exact, case-insensitive" }),
  source: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,63}$/, "must be a source name such as api or razorpay")
    .optional()
    .openapi({ description: "A provider, dialect or `api` that recorded a line on the invoice" }),
  has_anomalies: flag("true: only invoices with anomalies; false: only those without"),
  provider_mismatch: flag("true: only invoices whose provider reports other figures than the ledger"),
  reminders_failed: flag(
    "true: only invoices with a customer reminder that failed for good and was not made good by a delivered resend; false: only those without",
  ),
  q: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces")
    .optional()
    .openapi({ description: "Prefix of the invoice id or number, case-insensitive", example: "INV-10" }),
  sort: z.enum(SORTS, `must be one of ${SORTS.join(", ")}`).default("due_date"),
});

export const ListQuerySchema = FilterQuery.extend(PageQuery.shape);

export const PortfolioItemSchema = InvoiceSchema.pick({
  id: true,
  number: true,
  currency: true,
  total: true,
  amount_paid: true,
  amount_due: true,
  credit_balance: true,
  status: true,
  due_date: true,
})
  .extend({
    days_overdue: z
      .number()
      .int()
      .openapi({ description: "Days past the due date while something is due (UTC)" }),
    customer: z.object({ name: z.string().nullable(), email: z.string().nullable() }),
    anomalies_count: z.number().int(),
    provider_mismatch: z.boolean(),
    sources: z.array(z.string()),
    updated_at: z.string(),
    version: z.number().int().openapi({ description: "The invoice's version this item shows" }),
    indexed_at: z.string().openapi({ description: "When the index last wrote this item" }),
  })
  .openapi("PortfolioInvoice");

export const PortfolioPageSchema = z
  .object({ data: z.array(PortfolioItemSchema), has_more: z.boolean(), next_cursor: z.string().nullable() })
  .openapi("PortfolioPage");

const BucketSchema = z.object({ amount_due: z.number().int(), count: z.number().int() });

export const AgingSchema = z
  .object({
    as_of: z.string(),
    currencies: z.array(
      z.object({
        currency: z.string(),
        buckets: z.object({
          current: BucketSchema,
          "1_30": BucketSchema,
          "31_60": BucketSchema,
          "61_90": BucketSchema,
          over_90: BucketSchema,
        }),
        total_outstanding: z.number().int(),
        outstanding_count: z.number().int(),
        total_credit_balance: z.number().int(),
        total_unknown_count: z.number().int(),
      }),
    ),
    unknown_currency_count: z.number().int().openapi({
      description: "Invoices first heard of through a payment, with no currency or total yet",
    }),
  })
  .openapi("AgingReport");

export const AgingQuery = z.object({ as_of: day("Default: today (UTC)") });

export const VerifyBodySchema = z
  .object({
    cursor: z.string().min(1).max(256).nullable().default(null),
    limit: z.number().int().min(1).max(500).default(100),
    invoice_ids: z.array(z.string().regex(INVOICE_ID, "is not an invoice id")).max(100).default([]),
  })
  .strict()
  .openapi("IndexVerify");

export const VerifyReportSchema = z
  .object({
    checked: z.number().int(),
    in_step: z.number().int(),
    repaired: z.array(
      z.object({
        id: z.string(),
        index_version: z.number().int().nullable(),
        version: z.number().int(),
        fields: z.array(z.string()),
      }),
    ),
    removed: z.array(z.string()),
    next_cursor: z.string().nullable(),
  })
  .openapi("IndexVerifyReport");
