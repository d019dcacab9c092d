// The Refrens dialect in /openapi.json. Its handlers read bodies by hand so that every refusal comes in
// Feathers' shape, not zod's; the request schema is the one the handler parses with.
import { z } from "@hono/zod-openapi";
import { InvoiceIdParam } from "../api/schemas";
import { RefrensPaymentSchema } from "../dialects/refrens/refrens-payment";
import type { Registry } from "./registry";

const RefrensErrorSchema = z
  .object({
    name: z.string().openapi({ example: "Unprocessable" }),
    message: z.string(),
    code: z.int().openapi({ example: 422 }),
    className: z.string().openapi({ example: "unprocessable" }),
    data: z.object({
      message: z.string(),
      reason: z.string().optional().openapi({ description: "Our code" }),
    }),
    errors: z.record(z.string(), z.string()).openapi({ description: "Field: problem, for a refused body" }),
  })
  .openapi("RefrensError", { description: "Feathers' error shape: https://feathersjs.com/api/errors" });

const RefrensPaymentView = z
  .object({
    tds: z.number(),
    transactionCharge: z.number(),
    amount: z.number().openapi({ description: "Major units" }),
    paymentDate: z.string(),
    paymentMethod: z.string().nullable(),
    notes: z.string().nullable(),
    business: z.string(),
    isApproved: z.boolean(),
    isRemoved: z.boolean().openapi({ description: "true once the payment was reversed" }),
    _id: z.string(),
    refId: z.string().nullable(),
  })
  .openapi("RefrensPayment");

const error = (description: string) => ({
  description,
  content: { "application/json": { schema: RefrensErrorSchema } },
});

const path = "/businesses/{urlKey}/invoices/{invoice}/payments";
const params = z.object({
  urlKey: z.string().openapi({ param: { name: "urlKey", in: "path" }, description: "Your merchant id" }),
  invoice: InvoiceIdParam.openapi({ param: { name: "invoice", in: "path" } }),
});
const base = { tags: ["Refrens dialect"], security: [{ apiKey: [] }] };

export function registerRefrensRoutes(registry: Registry) {
  registry.registerPath({
    ...base,
    method: "post",
    path,
    summary: "Record a payment as Refrens's API does (amounts in major units)",
    request: {
      params,
      body: {
        required: true,
        content: { "application/json": { schema: RefrensPaymentSchema.openapi("RefrensPaymentCreate") } },
      },
    },
    responses: {
      201: { description: "Recorded", content: { "application/json": { schema: RefrensPaymentView } } },
      400: error("BadRequest: invalid fields, malformed JSON, duplicate keys, not an object"),
      401: error("NotAuthenticated: missing or wrong key, or a key for another business"),
      404: error("NotFound"),
      409: error("Conflict: paid or void invoice, refId reused with another body"),
      413: error("PayloadTooLarge: over 64 KiB"),
      415: error("UnsupportedMediaType: not application/json"),
      422: error("Unprocessable: too many decimals, amount over the due"),
    },
  });
  registry.registerPath({
    ...base,
    method: "get",
    path,
    summary: "The invoice's payments as Refrens lists them",
    request: { params },
    responses: {
      200: {
        description: "Every payment, reversed ones with isRemoved: true",
        content: { "application/json": { schema: z.object({ payments: z.array(RefrensPaymentView) }) } },
      },
      401: error("NotAuthenticated"),
      404: error("NotFound"),
    },
  });
}
