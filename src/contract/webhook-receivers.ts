// The webhook receivers in /openapi.json: one path per provider, registered beside the Hono handler
// rather than through it, since the handler must verify raw bytes before any schema reads them.
import { z } from "@hono/zod-openapi";
import { ErrorSchema, MerchantIdParam } from "../api/schemas";
import { PROVIDER_DELIVERIES } from "./provider-deliveries";
import type { Registry } from "./registry";

const LineOutcome = z.object({
  invoice_id: z.string(),
  outcome: z.string().openapi({ description: "applied or duplicate" }),
  lines: z.array(z.looseObject({})).openapi({ description: "Each line's outcome" }),
  anomalies: z
    .array(z.looseObject({}))
    .openapi({ description: "What was kept but could not be applied cleanly" }),
});

export const WebhookAccepted = z
  .union([
    z.object({
      status: z.enum(["applied", "duplicate"]),
      event_id: z.string(),
      invoices: z.array(LineOutcome),
    }),
    z.object({ status: z.literal("ignored"), event_id: z.string(), reason: z.string() }),
  ])
  .openapi("WebhookAccepted", {
    description: "Sent only after every invoice's ledger committed the delivery",
  });

const error = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorSchema } },
});

export const WEBHOOK_RESPONSES = {
  200: { description: "Accepted", content: { "application/json": { schema: WebhookAccepted } } },
  400: error("malformed_payload: verified, but not strict JSON, or a payload that cannot be understood"),
  401: error("signature_invalid: not verified, or not meant for this merchant"),
  404: error(
    "not_found or unknown_provider: unknown provider, merchant, or a provider it has not configured",
  ),
  413: error("payload_too_large: bodies over 256 KiB, refused before they are read"),
  429: error(
    "rate_limited: too many refused deliveries from this address for this merchant; a delivery that verifies is never refused for volume",
  ),
} as const;

export function registerWebhookReceivers(registry: Registry) {
  for (const p of PROVIDER_DELIVERIES) {
    const extra = Object.keys(p.extraParams ?? {});
    const params = z.object({
      merchantId: MerchantIdParam,
      ...Object.fromEntries(
        Object.entries(p.extraParams ?? {}).map(([name, description]) => [
          name,
          z.string().openapi({ param: { name, in: "path" }, description }),
        ]),
      ),
    });
    registry.registerPath({
      method: "post",
      path: `/webhooks/${p.name}/{merchantId}${extra.map((n) => `/{${n}}`).join("")}`,
      tags: ["webhooks"],
      summary: `Receive a ${p.title} delivery`,
      description: `Verified on the raw bytes before it is parsed: ${p.security}.`,
      request: {
        params,
        ...(p.headers ? { headers: p.headers } : {}),
        body: { required: true, content: { "application/json": { schema: p.body } } },
      },
      responses: WEBHOOK_RESPONSES,
    });
  }
}
