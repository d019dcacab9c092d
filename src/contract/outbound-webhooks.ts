// What this service POSTs to merchants, in OpenAPI 3.1's top-level `webhooks` section, so a receiver can
// generate its types from /openapi.json (https://spec.openapis.org/oas/v3.1.0#oas-webhooks).
import { z } from "@hono/zod-openapi";
import type { ReminderPayload } from "../reminders/payload";
import { StandardWebhookHeaders } from "./provider-deliveries";
import type { Registry } from "./registry";

const nullable = z.string().nullable();

export const ReminderPayloadSchema = z
  .object({
    type: z.literal("invoice.reminder"),
    timestamp: z.iso.datetime().openapi({ description: "When the first delivery attempt built the payload" }),
    data: z.object({
      reminder_id: z
        .string()
        .openapi({ description: "Also the webhook-id of every attempt: deduplicate on it" }),
      reason: z.enum(["partial_payment", "due_soon", "due_today", "overdue"]),
      day: z.iso.date(),
      resend_of: nullable.openapi({ description: "The original reminder's id when the merchant resent it" }),
      merchant_id: z.string(),
      invoice: z.object({
        id: z.string(),
        number: nullable,
        status: z.string().openapi({ example: "partially_paid" }),
        currency: z.string().openapi({ example: "INR" }),
        total: z.int().openapi({ description: "Minor units" }),
        amount_paid: z.int(),
        amount_paid_formatted: z.string().openapi({ example: "INR 1,000.00" }),
        amount_due: z.int(),
        amount_due_formatted: z.string().openapi({ example: "INR 3,790.30" }),
        due_date: nullable.openapi({ description: "YYYY-MM-DD" }),
      }),
      customer: z.object({ name: nullable, email: nullable, phone: nullable }),
    }),
  })
  .openapi("ReminderPayload");

// The schema and the type the sender builds must describe the same object: either drifting fails typecheck.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const reminderPayloadMatches: Same<z.infer<typeof ReminderPayloadSchema>, ReminderPayload> = true;
void reminderPayloadMatches;

/** How every outbound POST's answer is taken (src/outbound/policy.ts), reminders and merchant events alike. */
export const OUTBOUND_RESPONSES = {
  200: { description: "Any 2xx: delivered" },
  429: {
    description: "Retried with backoff, not sooner than Retry-After (also 408, any 5xx, a timeout)",
  },
  400: { description: "Any other 4xx, or a 3xx: failed at once, not retried" },
};

export function registerOutboundWebhooks(registry: Registry) {
  registry.registerWebhook({
    method: "post",
    path: "invoice.reminder",
    tags: ["outbound webhooks"],
    summary: "A customer reminder, POSTed to the merchant's notifications.url",
    description:
      "Signed per Standard Webhooks (https://www.standardwebhooks.com/) with the merchant's whsec_ secret; " +
      "delivered at least once, retried with the same webhook-id and the same bytes.",
    request: {
      headers: StandardWebhookHeaders,
      body: { required: true, content: { "application/json": { schema: ReminderPayloadSchema } } },
    },
    responses: OUTBOUND_RESPONSES,
  });
}
