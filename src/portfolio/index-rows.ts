// The index's rows and their mapping to and from the change feed's summaries.
import type { InvoiceStatus } from "../ledger/types";
import type { InvoiceSummary } from "./change";
import type { Position, SortKey } from "./index-query";
import { sortColumn } from "./index-query";

/** An invoice as the index holds it: the summary of `version`, and when the index last wrote it. */
export interface IndexedInvoice extends InvoiceSummary {
  version: number;
  indexedAt: string;
}

export interface IndexRow extends Record<string, SqlStorageValue> {
  invoice_id: string;
  number: string | null;
  currency: string | null;
  total: number | null;
  amount_paid: number;
  amount_due: number | null;
  credit_balance: number;
  status: string;
  due_date: string | null;
  customer_name: string | null;
  customer_email: string | null;
  anomalies_count: number;
  provider_mismatch: number;
  sources: string;
  created_at: string;
  updated_at: string;
  voided_at: string | null;
  version: number;
  indexed_at: string;
  reminders_failed: number;
  reminder_failed_at: string | null;
}

export const NO_DUE_DATE = "9999-12-31";

export const toIndexed = (r: IndexRow): IndexedInvoice => ({
  id: r.invoice_id,
  number: r.number,
  currency: r.currency,
  total: r.total,
  amountPaid: r.amount_paid,
  amountDue: r.amount_due,
  creditBalance: r.credit_balance,
  status: r.status as InvoiceStatus,
  dueDate: r.due_date,
  customer: { name: r.customer_name, email: r.customer_email },
  anomaliesCount: r.anomalies_count,
  providerMismatch: r.provider_mismatch === 1,
  sources: JSON.parse(r.sources) as string[],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  voidedAt: r.voided_at,
  remindersFailed: r.reminders_failed,
  reminderFailedAt: r.reminder_failed_at,
  version: r.version,
  indexedAt: r.indexed_at,
});

/** The row's columns in INSERT order, from a summary. */
export function columnsOf(s: InvoiceSummary, version: number, indexedAt: string): SqlStorageValue[] {
  return [
    s.id,
    s.id.toLowerCase(),
    s.number,
    s.number?.toLowerCase() ?? null,
    s.currency,
    s.total,
    s.amountPaid,
    s.amountDue,
    s.amountDue ?? -1,
    s.creditBalance,
    s.status,
    s.dueDate,
    s.dueDate ?? NO_DUE_DATE,
    s.customer.name,
    s.customer.email,
    s.customer.email?.toLowerCase() ?? null,
    s.anomaliesCount,
    s.providerMismatch ? 1 : 0,
    JSON.stringify(s.sources),
    s.createdAt,
    s.updatedAt,
    s.voidedAt,
    version,
    indexedAt,
    s.remindersFailed,
    s.reminderFailedAt,
  ];
}

export const COLUMNS = `invoice_id, id_lc, number, number_lc, currency, total, amount_paid, amount_due, amount_key,
  credit_balance, status, due_date, due_key, customer_name, customer_email, email_lc, anomalies_count,
  provider_mismatch, sources, created_at, updated_at, voided_at, version, indexed_at, reminders_failed,
  reminder_failed_at`;

/** Where a page that ends on `r` ends, in the sort's terms. */
export function positionOf(r: IndexRow, sort: SortKey): Position {
  const key = r[sortColumn(sort)];
  return [key as string | number, r.invoice_id];
}

/** Whether the index's copy says the same as the invoice's own summary (indexed_at aside). */
export function sameSummary(a: InvoiceSummary, b: InvoiceSummary): boolean {
  const keys = Object.keys(b) as Array<keyof InvoiceSummary>;
  return keys.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}
