// The Chargebee dialect in /openapi.json. Its handler reads the form by hand so that every refusal comes in
// Chargebee's shape (research §4.4), so the route is described here rather than through createRoute.
import { z } from "@hono/zod-openapi";
import { InvoiceIdParam } from "../api/schemas";
import { CHARGEBEE_METHODS } from "../dialects/chargebee/record-payment-form";
import type { Registry } from "./registry";

const ChargebeeErrorSchema = z
  .object({
    message: z.string(),
    type: z.enum(["invalid_request", "operation_failed"]).optional(),
    api_error_code: z.string().openapi({ example: "param_wrong_value" }),
    param: z.string().optional().openapi({ description: "The parameter refused" }),
    http_status_code: z.int(),
  })
  .openapi("ChargebeeError", {
    description: "https://apidocs.chargebee.com/docs/api/error-handling?prod_cat_ver=2",
  });

const error = (description: string) => ({
  description,
  content: { "application/json": { schema: ChargebeeErrorSchema } },
});

const cents = z.int().min(0);
const Form = z
  .object({
    "transaction[amount]": cents
      .optional()
      .openapi({ description: "Chargebee cents; absent: the whole amount due" }),
    "transaction[payment_method]": z.enum(Object.keys(CHARGEBEE_METHODS) as [string, ...string[]]),
    "transaction[reference_number]": z.string().max(100).optional(),
    "transaction[id_at_gateway]": z.string().max(100).optional(),
    "transaction[custom_payment_method_id]": z.string().max(50).optional(),
    "transaction[date]": cents.optional().openapi({ description: "Unix seconds" }),
    "transaction[status]": z.literal("success").optional(),
    comment: z.string().max(300).optional(),
  })
  .openapi("ChargebeeRecordPaymentV2");

const Answer = z
  .object({
    invoice: z.looseObject({ id: z.string(), object: z.literal("invoice"), status: z.string() }),
    transaction: z.looseObject({
      id: z.string(),
      object: z.literal("transaction"),
      type: z.literal("payment"),
      amount: cents.optional(),
      status: z.literal("success"),
    }),
  })
  .openapi("ChargebeeRecordPaymentAnswer");

export function registerChargebeeRoutes(registry: Registry) {
  registry.registerComponent("securitySchemes", "chargebeeApiKey", {
    type: "http",
    scheme: "basic",
    description: "The API key as the user name, an empty password",
  });
  registry.registerPath({
    method: "post",
    path: "/api/v2/invoices/{invoiceId}/record_payment",
    tags: ["Chargebee dialect"],
    summary: "Record a payment as Chargebee's v2 API does (amounts in Chargebee cents)",
    security: [{ chargebeeApiKey: [] }],
    request: {
      params: z.object({ invoiceId: InvoiceIdParam }),
      headers: z.object({ "chargebee-idempotency-key": z.string().max(255).optional() }),
      body: { required: true, content: { "application/x-www-form-urlencoded": { schema: Form } } },
    },
    responses: {
      200: { description: "Recorded", content: { "application/json": { schema: Answer } } },
      400: error(
        "param_required, param_wrong_value or invalid_request (also a body that is not form-encoded)",
      ),
      401: error("api_authentication_failed"),
      404: error("resource_not_found"),
      409: error("invalid_state_for_request: paid or void invoice"),
      413: error("payload_too_large: over 64 KiB"),
      422: error("unable_to_process_request: idempotency key reused with other parameters"),
    },
  });
}
