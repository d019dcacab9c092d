// The Chargebee dialect in /openapi.json. Its routes read their forms by hand (Chargebee's refusals, not zod's),
// so they are described here rather than through createRoute; the fields come from the same version tables.
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../lib/types";
import { CHARGEBEE_METHODS, type FormVersion, V1, V2 } from "./record-payment-form";

const ChargebeeErrorSchema = z
  .object({
    message: z.string(),
    type: z.enum(["invalid_request", "operation_failed"]).optional(),
    api_error_code: z.string().openapi({ example: "param_wrong_value" }),
    param: z.string().optional().openapi({ description: "The parameter or header refused" }),
    http_status_code: z.number().int(),
  })
  .openapi("ChargebeeError");

const RecordPaymentAnswer = z
  .object({
    invoice: z
      .object({
        id: z.string(),
        object: z.literal("invoice"),
        status: z.enum(["payment_due", "paid", "voided"]),
        currency_code: z.string().optional(),
        total: z.number().int().optional(),
        amount_paid: z.number().int().optional(),
        amount_due: z.number().int().optional(),
      })
      .passthrough(),
    transaction: z
      .object({
        id: z.string(),
        object: z.literal("transaction"),
        type: z.literal("payment"),
        payment_method: z.string(),
        amount: z.number().int().optional(),
        status: z.literal("success"),
      })
      .passthrough(),
  })
  .openapi("ChargebeeRecordPaymentAnswer");

const methods = z.enum(Object.keys(CHARGEBEE_METHODS) as [string, ...string[]]);
const cents = z.number().int();

function formSchema(v: FormVersion) {
  const fields: Record<string, z.ZodType> = {
    [v.amount]: (v.amountMin > 0 ? cents.min(v.amountMin) : cents).optional().openapi({
      description: "Chargebee cents; absent: the whole amount due",
    }),
    [v.paymentMethod]: methods,
    [v.date]: (v.dateRequired ? cents : cents.optional()).openapi({ description: "Unix seconds" }),
    [v.referenceNumber]: z.string().max(100).optional(),
    [v.comment]: z.string().max(300).optional(),
  };
  if (v.idAtGateway) fields[v.idAtGateway] = z.string().max(100).optional();
  if (v.customPaymentMethodId) fields[v.customPaymentMethodId] = z.string().max(50).optional();
  if (v.status) fields[v.status] = z.literal("success").optional();
  return z.object(fields).openapi(`ChargebeeRecordPayment${v.name.toUpperCase()}`);
}

const skip = (what: string) =>
  z
    .literal("all-disabled")
    .optional()
    .openapi({ description: `all-disabled: ${what}` });

const headers = z.object({
  "chargebee-idempotency-key": z.string().max(255).optional(),
  "chargebee-event-email": skip("no customer reminder for this payment"),
  "chargebee-event-webhook": skip("no merchant events for this payment (recorded on the line)"),
  "chargebee-event-actions": skip("both"),
  "chargebee-request-origin-user": z.string().max(255).optional(),
  "chargebee-request-origin-user-encoded": z.string().optional(),
  "chargebee-request-origin-device": z.string().max(255).optional(),
  "chargebee-request-origin-ip": z.string().max(255).optional(),
});

const error = (description: string) => ({
  description,
  content: { "application/json": { schema: ChargebeeErrorSchema } },
});

export function documentChargebee(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "chargebeeApiKey", {
    type: "http",
    scheme: "basic",
    description: "The API key as the user name, an empty password",
  });
  for (const v of [V1, V2]) {
    app.openAPIRegistry.registerPath({
      method: "post",
      path: `/api/${v.name}/invoices/{invoiceId}/record_payment`,
      tags: ["Chargebee dialect"],
      summary: `Chargebee ${v.name} record_payment`,
      security: [{ chargebeeApiKey: [] }],
      request: {
        params: z.object({ invoiceId: z.string() }),
        headers,
        body: { content: { "application/x-www-form-urlencoded": { schema: formSchema(v) } }, required: true },
      },
      responses: {
        200: {
          description: "Recorded (or replayed: Idempotent-Replayed: true)",
          content: { "application/json": { schema: RecordPaymentAnswer } },
        },
        400: error("param_required, param_wrong_value or invalid_request, naming the parameter or header"),
        401: error("api_authentication_failed"),
        404: error("resource_not_found"),
        409: error("invalid_state_for_request: paid or void invoice"),
        413: error("payload_too_large: over 64 KiB"),
        415: error("unsupported_media_type: not form-encoded"),
        422: error("unable_to_process_request: idempotency key reused with other parameters"),
      },
    });
  }
}
