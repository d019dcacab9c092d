import type { Bindings } from "../bindings";
import type { CommandResult, Idempotency } from "../ledger/commands";
import { sha256Hex } from "../lib/crypto";
import { ApiError } from "../lib/errors";

/** The ledger of one invoice: a Durable Object per (merchant, invoice), so load spreads across objects. */
export const ledgerFor = (env: Bindings, merchantId: string, invoiceId: string) =>
  env.INVOICE_LEDGER.getByName(`${merchantId}:${invoiceId}`);

/** Turns a refused command into the error the client sees. */
export function unwrap<T>(result: CommandResult<T>): { status: 200 | 201; value: T; replayed: boolean } {
  if (!result.ok) throw new ApiError(result.status, result.code, result.message);
  return { status: result.status, value: result.value, replayed: result.replayed === true };
}

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
