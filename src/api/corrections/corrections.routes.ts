// Write-offs and adjustments: the merchant's own corrections of what an invoice owes, as ledger lines.
import { createRoute, z } from "@hono/zod-openapi";
import { jsonObjectBody } from "../../lib/json-body";
import { freeText } from "../../lib/zod-atoms";
import {
  CurrencySchema,
  errorResponse,
  IdempotencyKeyHeader,
  InvoiceIdParam,
  InvoiceSchema,
  jsonBody,
  jsonResponse,
  LineSchema,
  MinorUnits,
} from "../schemas";

const tags = ["corrections"];
const security = [{ apiKey: [] }];
const params = z.object({ invoiceId: InvoiceIdParam });

const Reason = freeText(500)
  .refine((s) => s.trim().length > 0, "must not be blank")
  .openapi({
    description: "Why; kept as the line's notes",
    example: "Bank charge deducted by the payer's bank",
  });

export const WriteOffCreateSchema = z
  .object({
    amount: MinorUnits.optional().openapi({
      description: "Minor units written off, at most what is due. Absent: everything still due.",
      example: 150,
    }),
    currency: CurrencySchema.optional().openapi({
      description: "Must match the invoice's currency when given",
    }),
    reason: Reason,
  })
  .strict()
  .openapi("WriteOffCreate");

export const AdjustmentCreateSchema = z
  .object({
    amount: z
      .number()
      .int()
      .min(-Number.MAX_SAFE_INTEGER)
      .max(Number.MAX_SAFE_INTEGER)
      .refine((n) => n !== 0, "must not be zero")
      .openapi({
        description:
          "Signed minor units. Positive credits the invoice (at most what is due); negative takes credit back (at most what is credited).",
        example: -500,
      }),
    currency: CurrencySchema.optional().openapi({
      description: "Must match the invoice's currency when given",
    }),
    reason: Reason,
  })
  .strict()
  .openapi("AdjustmentCreate");

const responses = (line: "write_off" | "adjustment") => ({
  201: jsonResponse(
    z.object({ [line]: LineSchema, invoice: InvoiceSchema }),
    `The ${line} line and the invoice's new balance`,
  ),
  400: errorResponse("No body, or not a strict JSON object"),
  401: errorResponse("Missing or invalid API key"),
  404: errorResponse("Unknown invoice"),
  409: errorResponse(
    "invoice_not_payable (void; for write-offs also paid), invoice_total_unknown, idempotency_key_reused",
  ),
  413: errorResponse("Body over 64 KiB"),
  415: errorResponse("Content-Type is not application/json"),
  422: errorResponse("amount_exceeds_due, amount_exceeds_credited, currency_mismatch or validation_failed"),
});

export const createWriteOff = createRoute({
  method: "post",
  path: "/v1/invoices/{invoiceId}/write-offs",
  tags,
  security,
  summary: "Write off part or all of what is still due (a bank charge, a rounding difference)",
  middleware: jsonObjectBody("required"),
  request: { params, headers: IdempotencyKeyHeader, body: jsonBody(WriteOffCreateSchema) },
  responses: responses("write_off"),
});

export const createAdjustment = createRoute({
  method: "post",
  path: "/v1/invoices/{invoiceId}/adjustments",
  tags,
  security,
  summary: "Correct what the invoice has been credited, up or down",
  middleware: jsonObjectBody("required"),
  request: { params, headers: IdempotencyKeyHeader, body: jsonBody(AdjustmentCreateSchema) },
  responses: responses("adjustment"),
});
