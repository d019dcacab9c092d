import type { CommandResult, LedgerErrorCode } from "../ledger/commands";
import { ApiError } from "../lib/errors";

/** The one place the ledger's refusals become HTTP statuses (dialects map the same codes to their shapes). */
const STATUS: Record<LedgerErrorCode, 404 | 409 | 422> = {
  not_found: 404,
  invoice_total_unknown: 409,
  invoice_not_payable: 409,
  currency_locked: 409,
  already_reversed: 409,
  idempotency_key_reused: 409,
  reminder_not_resendable: 409,
  reminder_in_flight: 409,
  reminders_paused: 409,
  invoice_not_owing: 409,
  currency_mismatch: 422,
  invalid_amount: 422,
  amount_exceeds_due: 422,
  amount_exceeds_credited: 422,
  amount_out_of_range: 422,
};

/** Turns a refused command into the error the client sees. */
export function unwrap<T>(result: CommandResult<T>): { value: T; created: boolean; replayed: boolean } {
  if (!result.ok) throw new ApiError(STATUS[result.code], result.code, result.message);
  return { value: result.value, created: result.created === true, replayed: result.replayed === true };
}
