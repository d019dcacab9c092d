import { createRoute, z } from "@hono/zod-openapi";
import { jsonObjectBody } from "../../lib/json-body";
import { freeText, identifier } from "../../lib/zod-atoms";
import {
  bodyRefusals,
  CurrencySchema,
  errorResponse,
  IdempotencyKeyHeader,
  InvoiceIdParam,
  InvoiceSchema,
  jsonBody,
  jsonResponse,
  LineSchema,
  ListedLineSchema,
  MinorUnits,
  PageQuery,
  pageOf,
  paramRefusals,
} from "../schemas";

const tags = ["payments"];
const security = [{ apiKey: [] }];
const params = z.object({ invoiceId: InvoiceIdParam });

export const PAYMENT_METHODS = [
  "cash",
  "cheque",
  "bank_transfer",
  "card",
  "upi",
  "demand_draft",
  "other",
] as const;

export const PaymentCreateSchema = z
  .object({
    amount: MinorUnits.optional().openapi({
      description: "Minor units received. Absent: the whole amount due (less any tds).",
      example: 10000,
    }),
    currency: CurrencySchema.optional().openapi({
      description: "Must match the invoice's currency when given",
    }),
    tds: MinorUnits.default(0).openapi({ description: "Tax withheld at source; credited like cash" }),
    transaction_charge: MinorUnits.default(0).openapi({ description: "Recorded, not credited" }),
    method: z.enum(PAYMENT_METHODS).default("other"),
    paid_at: z.iso.datetime({ offset: true }).nullable().default(null),
    reference: identifier(128).nullable().default(null),
    notes: freeText(2000).nullable().default(null),
    allow_overpayment: z.boolean().default(false),
  })
  .strict()
  .openapi("PaymentCreate");

const PaymentResultSchema = z
  .object({ payment: LineSchema, invoice: InvoiceSchema })
  .openapi("PaymentResult");

export const createPayment = createRoute({
  method: "post",
  path: "/v1/invoices/{invoiceId}/payments",
  tags,
  security,
  summary: "Record an offline payment (cash, cheque, bank transfer, TDS...)",
  middleware: jsonObjectBody("required"),
  request: { params, headers: IdempotencyKeyHeader, body: jsonBody(PaymentCreateSchema) },
  responses: {
    ...bodyRefusals,
    201: jsonResponse(PaymentResultSchema, "The payment and the invoice's new balance"),
    401: errorResponse("Missing or invalid API key"),
    400: errorResponse("No body ({} pays the whole amount due), or not a strict JSON object"),
    404: errorResponse("Unknown invoice"),
    409: errorResponse("invoice_not_payable, or idempotency_key_reused"),
    413: errorResponse("Body over 64 KiB"),
    415: errorResponse("Content-Type is not application/json"),
    422: errorResponse("amount_exceeds_due, currency_mismatch or validation_failed"),
  },
});

export const listPayments = createRoute({
  method: "get",
  path: "/v1/invoices/{invoiceId}/payments",
  tags,
  security,
  summary: "The invoice's ledger lines (payments, reversals, write-offs, adjustments), oldest first",
  request: { params, query: PageQuery },
  responses: {
    ...paramRefusals,
    200: jsonResponse(pageOf(ListedLineSchema, "LinePage"), "A page of lines"),
    401: errorResponse("Missing or invalid API key"),
    404: errorResponse("Unknown invoice"),
  },
});

export const ReverseSchema = z
  .object({ reason: freeText(500).nullable().default(null) })
  .strict()
  .openapi("PaymentReverse");

export const reversePayment = createRoute({
  method: "post",
  path: "/v1/invoices/{invoiceId}/payments/{paymentId}/reverse",
  tags,
  security,
  summary: "Reverse a payment (a bounced cheque), once",
  middleware: jsonObjectBody("optional"),
  request: {
    params: params.extend({ paymentId: identifier(64) }),
    headers: IdempotencyKeyHeader,
    body: { ...jsonBody(ReverseSchema), required: false },
  },
  responses: {
    ...bodyRefusals,
    201: jsonResponse(
      z.object({ reversal: LineSchema, invoice: InvoiceSchema }),
      "The reversal line and new balance",
    ),
    401: errorResponse("Missing or invalid API key"),
    404: errorResponse("Unknown invoice or payment"),
    409: errorResponse("already_reversed"),
  },
});
