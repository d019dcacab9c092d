import type { Bindings } from "../bindings";
import type { CommandResult } from "../ledger/commands";
import { sha256Hex } from "../lib/crypto";
import { ApiError } from "../lib/errors";

/** The ledger of one invoice: a Durable Object per (merchant, invoice), so load spreads across objects. */
export const ledgerFor = (env: Bindings, merchantId: string, invoiceId: string) =>
  env.INVOICE_LEDGER.getByName(`${merchantId}:${invoiceId}`);

/** Turns a refused command into the error the client sees. */
export function unwrap<T>(result: CommandResult<T>): { status: 200 | 201; value: T } {
  if (!result.ok) throw new ApiError(result.status, result.code, result.message);
  return { status: result.status, value: result.value };
}

/** The request an Idempotency-Key is bound to: operation plus validated body. */
export async function idempotency(key: string | undefined, operation: string, body: unknown) {
  if (!key) return undefined;
  return { key, requestHash: await sha256Hex(`${operation}\n${JSON.stringify(body)}`) };
}
