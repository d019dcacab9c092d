// How the ledger's callers (the /v1 API, the dialects, the webhooks, the reminder consumer) reach it:
// shared here so none of them goes through another's layer.
import type { Bindings } from "../bindings";
import { sha256Hex } from "../lib/crypto";
import type { Idempotency } from "./commands";

/** The ledger of one invoice: a Durable Object per (merchant, invoice), so load spreads across objects. */
export const ledgerFor = (env: Bindings, merchantId: string, invoiceId: string) =>
  env.INVOICE_LEDGER.getByName(`${merchantId}:${invoiceId}`);

/** The stub `ledgerFor` returns. */
export type LedgerStub = ReturnType<typeof ledgerFor>;

/**
 * The request an Idempotency-Key is bound to: operation plus validated body, within the key's request
 * family, so that the same key sent to another family (a Refrens refId, a Chargebee idempotency key)
 * is another key.
 */
export async function idempotency(
  scope: Idempotency["scope"],
  key: string | undefined,
  operation: string,
  body: unknown,
): Promise<Idempotency | undefined> {
  if (!key) return undefined;
  return { scope, key, requestHash: await sha256Hex(`${operation}\n${JSON.stringify(body)}`) };
}
