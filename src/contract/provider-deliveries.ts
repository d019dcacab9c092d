// Each webhook provider's delivery as the provider sends it: the headers it must carry and the fields of
// its body that the ledger reads. Bodies are described, not validated here: the receiver verifies the raw
// bytes before it parses anything (src/webhooks/webhooks.index.ts), so these schemas stay open
// (looseObject: the provider's other fields are allowed and ignored).
import { z } from "@hono/zod-openapi";

const id = z.string().max(255);
const major = z.number().openapi({ description: "Decimal major units, as the provider sends them" });

const RazorpayEntity = <T extends z.ZodRawShape>(shape: T) => z.object({ entity: z.looseObject(shape) });

const RazorpayDelivery = z
  .looseObject({
    entity: z.literal("event"),
    account_id: id.optional(),
    event: z.string().openapi({ example: "invoice.partially_paid" }),
    contains: z.array(z.string()).optional(),
    payload: z.looseObject({
      payment: RazorpayEntity({
        id,
        amount: z.int().openapi({ description: "Minor units" }),
        currency: z.string(),
        method: z.string().optional(),
        fee: z.int().nullish(),
        invoice_id: id.nullish(),
        created_at: z.int(),
      }).optional(),
      invoice: RazorpayEntity({
        id,
        amount: z.int(),
        amount_paid: z.int(),
        amount_due: z.int(),
        currency: z.string(),
        invoice_number: z.string().nullish(),
        expire_by: z.int().nullish(),
      }).optional(),
      refund: RazorpayEntity({
        id,
        payment_id: id,
        amount: z.int(),
        currency: z.string(),
        status: z.string(),
      }).optional(),
    }),
    created_at: z.int(),
  })
  .openapi("RazorpayDelivery", {
    description: "A Razorpay webhook event: https://razorpay.com/docs/webhooks/payloads/invoices/",
  });

const HighLevelDelivery = z
  .looseObject({
    type: z.string().optional().openapi({ example: "InvoicePartiallyPaid" }),
    webhookId: id.optional(),
    _id: id,
    altId: id.optional(),
    altType: z.string().optional().openapi({ example: "location" }),
    locationId: id.optional(),
    status: z.string().openapi({ example: "partially_paid" }),
    invoiceNumber: z.string().optional(),
    currency: z.string().optional(),
    total: major.optional(),
    amountPaid: major.optional(),
    amountDue: major.optional(),
    dueDate: z.string().optional(),
    updatedAt: z.string().optional(),
    contactDetails: z
      .looseObject({ name: z.string(), email: z.string(), phoneNo: z.string() })
      .partial()
      .optional(),
  })
  .openapi("HighLevelDelivery", {
    description:
      "A HighLevel invoice event: https://marketplace.gohighlevel.com/docs/webhook/InvoicePartiallyPaid",
  });

const RivertyDelivery = z
  .looseObject({
    type: z.string().openapi({ example: "accounting/paymentReceived" }),
    parameters: z.looseObject({
      currency: z.string(),
      invoiceReference: z.string().max(100).optional(),
      orderReference: z.string().max(100).optional(),
      orderAmount: major.optional(),
      paidAmount: major,
      remainingAmount: major.optional(),
      tolerance: major.optional(),
      paymentDocument: z.string().max(100),
      transactionId: z.string().max(100),
    }),
  })
  .openapi("RivertyDelivery", {
    description:
      "A Riverty Accounting-as-a-Service notification: https://docs.riverty.com/accounting_as_a_service/documentation/webhook_notification_types",
  });

const ChargebeeDelivery = z
  .looseObject({
    id: z.string().max(200),
    event_type: z.string().openapi({ example: "payment_succeeded" }),
    occurred_at: z.int(),
    api_version: z.string().optional(),
    content: z.looseObject({
      transaction: z.looseObject({}).optional().openapi({ description: "Amounts in Chargebee cents" }),
      invoice: z.looseObject({}).optional(),
      credit_note: z.looseObject({}).optional(),
    }),
  })
  .openapi("ChargebeeDelivery", {
    description: "A Chargebee webhook event: https://apidocs.chargebee.com/docs/api/events",
  });

const StandardDelivery = z
  .object({
    type: z.enum([
      "invoice.upserted",
      "payment.recorded",
      "payment.reversed",
      "invoice.written_off",
      "invoice.voided",
    ]),
    timestamp: z.iso.datetime({ offset: true }),
    data: z.looseObject({ invoice_id: z.string() }).openapi({
      description: "Per type, as the README's Standard Webhooks table lists; amounts are integer minor units",
    }),
  })
  .openapi("StandardDelivery", {
    description: "Our canonical format, signed as https://www.standardwebhooks.com/ describes",
  });

export const StandardWebhookHeaders = z.object({
  "webhook-id": z.string().openapi({ description: "The message id; the same on every retry" }),
  "webhook-timestamp": z.string().openapi({ description: "Unix seconds; within 5 minutes of now" }),
  "webhook-signature": z
    .string()
    .openapi({ description: 'Space-separated "v1,<base64 HMAC-SHA256 of id.timestamp.body>" entries' }),
});

export interface ProviderDelivery {
  name: string;
  title: string;
  /** The path after /webhooks/{name}/{merchantId}, when the provider's path has more (Riverty's token). */
  extraParams?: Record<string, string>;
  headers?: z.ZodObject;
  body: z.ZodType;
  security: string;
}

export const PROVIDER_DELIVERIES: ProviderDelivery[] = [
  {
    name: "razorpay",
    title: "Razorpay",
    headers: z.object({
      "x-razorpay-signature": z
        .string()
        .openapi({ description: "Lowercase hex HMAC-SHA256 of the raw body" }),
      "x-razorpay-event-id": z.string().optional().openapi({ description: "Deduplication id" }),
    }),
    body: RazorpayDelivery,
    security: "HMAC-SHA256 of the raw body with one of the merchant's webhook secrets",
  },
  {
    name: "highlevel",
    title: "HighLevel",
    headers: z.object({
      "x-ghl-signature": z
        .string()
        .optional()
        .openapi({ description: "Ed25519 signature (base64); tried first" }),
      "x-wh-signature": z
        .string()
        .optional()
        .openapi({ description: "Legacy RSA-SHA256 signature (base64)" }),
    }),
    body: HighLevelDelivery,
    security: "Ed25519 (X-GHL-Signature) or legacy RSA (X-WH-Signature); one of the two is required",
  },
  {
    name: "riverty",
    title: "Riverty",
    extraParams: { token: "The merchant's secret callback token (24-128 URL-safe characters)" },
    body: RivertyDelivery,
    security:
      "The path token, and the caller's IP (CF-Connecting-IP) among allowed_ips unless check_ip is false",
  },
  {
    name: "chargebee",
    title: "Chargebee",
    headers: z.object({
      authorization: z
        .string()
        .openapi({ description: "HTTP Basic with a configured username and password" }),
    }),
    body: ChargebeeDelivery,
    security: "HTTP Basic authentication, as Chargebee's protected webhook URL sends it",
  },
  {
    name: "standard",
    title: "Standard Webhooks",
    headers: StandardWebhookHeaders,
    body: StandardDelivery,
    security: "Standard Webhooks signature with one of the merchant's whsec_ secrets",
  },
];
