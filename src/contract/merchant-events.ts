// Merchant events as POSTed to the merchant's own endpoints, in OpenAPI 3.1's top-level `webhooks` section
// beside the reminders (https://spec.openapis.org/oas/v3.1.0#oas-webhooks), so a receiver can generate its types.
import { z } from "@hono/zod-openapi";
import type { eventBody } from "../events/payload";
import { EVENT_TYPES } from "../events/types";
import type { InvoiceStatus, LineKind } from "../ledger/types";
import type { ChangeKind } from "../portfolio/change";
import { OUTBOUND_RESPONSES } from "./outbound-webhooks";
import { StandardWebhookHeaders } from "./provider-deliveries";
import type { Registry } from "./registry";

const nullable = z.string().nullable();
const STATUSES = [
  "open",
  "partially_paid",
  "paid",
  "overpaid",
  "void",
] as const satisfies readonly InvoiceStatus[];
const KINDS = [
  "created",
  "updated",
  "payment_recorded",
  "payment_reversed",
  "partially_paid",
  "paid",
  "overpaid",
  "voided",
  "anomaly_recorded",
  "reminder_failed",
] as const satisfies readonly ChangeKind[];
const LINE_KINDS = ["payment", "reversal", "write_off", "adjustment"] as const satisfies readonly LineKind[];

export const MerchantEventSchema = z
  .object({
    type: z.enum(EVENT_TYPES),
    timestamp: z.string().openapi({ description: "When the change committed (ISO 8601)" }),
    data: z.object({
      merchant_id: z.string(),
      invoice: z.object({
        id: z.string(),
        number: nullable,
        currency: nullable.openapi({ example: "INR" }),
        total: z.int().nullable().openapi({ description: "Minor units; null while the total is unknown" }),
        amount_paid: z.int(),
        amount_due: z.int().nullable(),
        credit_balance: z.int(),
        status: z.enum(STATUSES),
        due_date: nullable,
        customer: z.object({ name: nullable, email: nullable }),
        anomalies_count: z.int(),
        provider_mismatch: z.boolean(),
        updated_at: z.string(),
        version: z.int().openapi({ description: "Keep the highest per invoice; ignore older ones" }),
      }),
      change: z.object({
        version: z.int(),
        kinds: z.array(z.enum(KINDS)),
        previous_status: z.enum(STATUSES).nullable(),
        at: z.string(),
        lines: z.array(
          z.object({
            id: z.string(),
            kind: z.enum(LINE_KINDS),
            source: z.string(),
            amount: z.int().openapi({ description: "Minor units; a reversal's is what it took back" }),
            tds: z.int(),
            currency: z.string(),
            method: nullable,
            reference: nullable,
            reverses: nullable,
          }),
        ),
      }),
    }),
  })
  .openapi("MerchantEvent");

// The schema and the body the sender builds must describe the same object: either drifting fails typecheck.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
type Built = ReturnType<typeof eventBody>;
const eventMatches: Same<
  z.infer<typeof MerchantEventSchema>,
  Omit<Built, "type"> & { type: Built["type"] }
> = true;
void eventMatches;

export function registerMerchantEvents(registry: Registry) {
  registry.registerWebhook({
    method: "post",
    path: "invoice.event",
    tags: ["outbound webhooks"],
    summary: "A merchant event (invoice.created, invoice.paid, ...), POSTed to each subscribed endpoint",
    description:
      "Signed per Standard Webhooks (https://www.standardwebhooks.com/) with the endpoint's whsec_ secret (and, " +
      "for 24 hours after a rotation, the previous one too); webhook-id is the event's id, the same on every " +
      "retry and resend. Delivered at least once: deduplicate on webhook-id and order by data.invoice.version.",
    request: {
      headers: StandardWebhookHeaders,
      body: { required: true, content: { "application/json": { schema: MerchantEventSchema } } },
    },
    responses: OUTBOUND_RESPONSES,
  });
}
