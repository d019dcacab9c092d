// What a merchant's endpoint receives for one event, and the event's id. The body is built once, when the
// event is recorded, so every attempt and a resend carry the same bytes under the same webhook-id.
import { sha256Hex } from "../lib/crypto";
import type { InvoiceChange } from "../portfolio/change";
import { balanceView } from "../portfolio/summary";
import type { EventType } from "./types";

/**
 * Deterministic, so a redelivered or reordered change finds its event already recorded: `evt_` and 128 bits
 * of SHA-256 over (invoice, version, type, endpoint). It is the `webhook-id` of every attempt, as Standard
 * Webhooks asks (the same id for the same message, https://www.standardwebhooks.com/).
 */
export async function eventId(invoiceId: string, version: number, type: EventType, endpointId: string) {
  return `evt_${(await sha256Hex(`${invoiceId}\n${version}\n${type}\n${endpointId}`)).slice(0, 32)}`;
}

/** `{type, timestamp, data}`: the invoice as of `version` (to order and deduplicate) and what changed. */
export function eventBody(type: EventType, merchantId: string, c: InvoiceChange) {
  const i = c.invoice;
  return {
    type,
    timestamp: c.at,
    data: {
      merchant_id: merchantId,
      invoice: {
        ...balanceView(i),
        customer: i.customer,
        anomalies_count: i.anomaliesCount,
        provider_mismatch: i.providerMismatch,
        updated_at: i.updatedAt,
        version: c.version,
      },
      change: {
        version: c.version,
        kinds: c.kinds,
        previous_status: c.previousStatus,
        at: c.at,
        lines: c.lines ?? [],
      },
    },
  };
}
