// Inputs and results of the ledger's RPC methods. Sources build these; only the Durable Object applies them.
import type {
  InvoiceFacts,
  InvoiceFactsPatch,
  InvoiceState,
  Line,
  LineAmounts,
  LineInput,
  LineOrigin,
  LineOutcome,
  ProviderReport,
} from "./types";

/**
 * Same key and same request: the stored result is returned; same key, other request: refused. `scope` is
 * the request family the key belongs to, so that equal keys from different families never meet.
 */
export interface Idempotency {
  scope: "api" | "refrens" | "chargebee";
  key: string;
  requestHash: string;
}

/** Why the ledger refused a command. The edge maps each to a status and to each dialect's error shape. */
export type LedgerErrorCode =
  | "not_found"
  | "invoice_total_unknown"
  | "invoice_not_payable"
  | "currency_mismatch"
  | "currency_locked"
  | "invalid_amount"
  | "amount_exceeds_due"
  | "amount_exceeds_credited"
  | "amount_out_of_range"
  | "already_reversed"
  | "idempotency_key_reused"
  | "reminder_not_resendable"
  | "reminder_in_flight"
  | "reminders_paused"
  | "invoice_not_owing";

/** A domain outcome: never an HTTP status. `created`: a new invoice; `replayed`: a stored result. */
export type CommandResult<T> =
  | { ok: true; value: T; created?: boolean; replayed?: boolean }
  | { ok: false; code: LedgerErrorCode; message: string; replayed?: undefined };

export const refuse = (
  code: LedgerErrorCode,
  message: string,
): { ok: false; code: LedgerErrorCode; message: string } => ({
  ok: false,
  code,
  message,
});

/** PATCH: only the facts sent change; null clears a nullable one. */
export interface InvoicePatch {
  currency?: string;
  total?: number;
  dueDate?: string | null;
  number?: string | null;
  customer?: Partial<InvoiceFacts["customer"]>;
}

/**
 * An offline payment recorded by the merchant (REST API or a dialect). Strict: refused when not payable.
 * `amount` absent: the whole amount due (after TDS).
 */
export interface PaymentCommand extends Partial<LineAmounts> {
  source: string;
  paidAt?: string | null;
  allowOverpayment?: boolean;
  /** False: record it without the customer reminder a partial payment sends (default true). */
  remindCustomer?: boolean;
  /** False: the merchant's change feed is not to announce it (default true). */
  notifyMerchant?: boolean;
  origin?: LineOrigin | null;
}

/** The merchant writes off what a customer will not pay (a bank charge, a rounding difference). */
export interface WriteOffCommand {
  source: string;
  /** Absent: everything still due. */
  amount?: number;
  currency?: string;
  reason: string;
}

/** A signed correction of what the invoice has been credited: positive credits, negative takes back. */
export interface AdjustmentCommand {
  source: string;
  amount: number;
  currency?: string;
  reason: string;
}

export interface PaymentResult {
  line: Line;
  invoice: InvoiceState;
}

export interface UpsertResult {
  created: boolean;
  invoice: InvoiceState;
}

/** A verified provider delivery, normalized. Never refused: money already moved, so problems become anomalies. */
export interface IngestCommand {
  event: {
    source: string;
    id: string;
    type: string;
    verification: string;
    rawBody: string;
    receivedAt: string;
  };
  /** Invoice facts the provider reported, applied when `factsVersion` is not older than the last applied. */
  facts?: InvoiceFactsPatch;
  factsVersion?: number;
  lines?: LineInput[];
  /**
   * A cumulative amount paid (HighLevel): the ledger follows the newest snapshot by version and records
   * the difference from what this source has credited so far as a line.
   */
  cumulative?: { amountPaid: number; currency: string; version: number; method?: string | null };
  report?: Omit<ProviderReport, "source">;
  void?: boolean;
  /** Kept in the event log only (an event type the ledger does not act on). */
  ignored?: string;
}

/** Only what the webhook's answer carries: the invoice itself is read with getInvoice(). */
export interface IngestResult {
  outcome: "applied" | "duplicate" | "ignored";
  lines: Array<LineOutcome["outcome"]>;
  anomalies: string[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type { InvoiceFacts };
