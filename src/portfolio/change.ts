// The change record: what an invoice's object hands to the change feed (queue `invoice-ledger-changes`) after
// every committed change a merchant would see. The per-merchant index is built from it, and merchant events
// (invoice.created, invoice.paid, ...) are meant to be derived from it: `kinds` says what happened, `version`
// orders and deduplicates, and `invoice` is the whole picture as of that version.
import type { InvoiceStatus, LineKind } from "../ledger/types";

/**
 * What one committed change did. Several may hold at once (a payment that settles the invoice is both
 * `payment_recorded` and `paid`). `updated`: facts or provider figures moved, or a failed reminder was made
 * good by a delivered resend, and none of the others applies.
 */
export type ChangeKind =
  | "created"
  | "updated"
  | "payment_recorded"
  | "payment_reversed"
  | "partially_paid"
  | "paid"
  | "overpaid"
  | "voided"
  | "anomaly_recorded"
  | "reminder_failed";

/** The kind a status change to `status` announces; a return to `open` announces only the payment reversed. */
export const STATUS_KIND: Partial<Record<InvoiceStatus, ChangeKind>> = {
  partially_paid: "partially_paid",
  paid: "paid",
  overpaid: "overpaid",
  void: "voided",
};

/** An invoice as listing, filtering, reports and events need it: amounts in minor units of `currency`. */
export interface InvoiceSummary {
  id: string;
  number: string | null;
  /** Null with `total` for an invoice first heard of through a payment (invoice_total_unknown). */
  currency: string | null;
  total: number | null;
  amountPaid: number;
  /** Null while the total is unknown. */
  amountDue: number | null;
  creditBalance: number;
  status: InvoiceStatus;
  dueDate: string | null;
  customer: { name: string | null; email: string | null };
  anomaliesCount: number;
  /** Some provider reports other totals than the ledger. */
  providerMismatch: boolean;
  /** Every source that recorded a line on the invoice (`api`, a provider, a dialect), sorted. */
  sources: string[];
  createdAt: string;
  updatedAt: string;
  voidedAt: string | null;
  /**
   * Customer reminders whose failure still stands: failed, with no resend of the same point delivered since,
   * while the invoice owes (a paid or void invoice is reminded of nothing, so none of its failures stands).
   * Carried by every change, so the index, which keeps each invoice's newest version, keeps it exact.
   */
  remindersFailed: number;
  /** When the newest of those failed; null when none stands. */
  reminderFailedAt: string | null;
}

/** A line the change wrote (payment, reversal, write-off, adjustment): what merchant events say happened. */
export interface ChangeLine {
  id: string;
  kind: LineKind;
  source: string;
  /** Minor units of `currency`; for a reversal, what it actually took back. */
  amount: number;
  tds: number;
  currency: string;
  method: string | null;
  reference: string | null;
  /** A reversal: the payment it takes back from (null while that payment is unknown). */
  reverses: string | null;
}

/** One committed change, as handed over. At-least-once: a receiver keeps the highest `version` it saw. */
export interface InvoiceChange {
  v: 1;
  merchantId: string;
  invoiceId: string;
  /** Starts at 1 and grows by one per committed change of this invoice. */
  version: number;
  kinds: ChangeKind[];
  /** The status before this change (null for the first). */
  previousStatus: InvoiceStatus | null;
  /** When the change committed (ISO 8601). */
  at: string;
  invoice: InvoiceSummary;
  /** The lines this change wrote, merchant events not silenced (at most CHANGE_LINES_MAX); absent if none. */
  lines?: ChangeLine[];
  /** Present (false) only when the change's lines asked for no merchant events (Chargebee's skip header). */
  merchantEvents?: false;
}
