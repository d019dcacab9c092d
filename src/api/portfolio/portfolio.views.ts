// The portfolio's public JSON and CSV for an indexed invoice. Amounts are integers in minor units.
import { minorToMajorString } from "../../money/amount";
import type { IndexedInvoice } from "../../portfolio/index-rows";
import { balanceView } from "../../portfolio/summary";

const DAY_MS = 86_400_000;

/** Today's date in UTC, YYYY-MM-DD. */
export const todayUtc = () => new Date().toISOString().slice(0, 10);

/** Whole days from the due date to `today` while something is due; 0 otherwise. */
export function daysOverdue(i: IndexedInvoice, today: string): number {
  if (!i.dueDate || i.status === "void" || !i.amountDue || i.amountDue <= 0) return 0;
  return Math.max(0, Math.round((Date.parse(today) - Date.parse(i.dueDate)) / DAY_MS));
}

export function itemView(i: IndexedInvoice, today: string) {
  return {
    ...balanceView(i),
    days_overdue: daysOverdue(i, today),
    customer: i.customer,
    anomalies_count: i.anomaliesCount,
    provider_mismatch: i.providerMismatch,
    sources: i.sources,
    updated_at: i.updatedAt,
    version: i.version,
    indexed_at: i.indexedAt,
  };
}

export const CSV_HEADER = [
  "id",
  "number",
  "status",
  "currency",
  "total",
  "total_formatted",
  "amount_paid",
  "amount_paid_formatted",
  "amount_due",
  "amount_due_formatted",
  "credit_balance",
  "credit_balance_formatted",
  "due_date",
  "days_overdue",
  "customer_name",
  "customer_email",
  "anomalies_count",
  "provider_mismatch",
  "sources",
  "updated_at",
  "version",
  "indexed_at",
];

/** An amount in major units as plain decimal text ("4590.30"), empty when unknown. */
const major = (minor: number | null, currency: string | null) =>
  minor === null || currency === null ? null : minorToMajorString(minor, currency);

export function csvCells(i: IndexedInvoice, today: string) {
  return [
    i.id,
    i.number,
    i.status,
    i.currency,
    i.total,
    major(i.total, i.currency),
    i.amountPaid,
    major(i.amountPaid, i.currency),
    i.amountDue,
    major(i.amountDue, i.currency),
    i.creditBalance,
    major(i.creditBalance, i.currency),
    i.dueDate,
    daysOverdue(i, today),
    i.customer.name,
    i.customer.email,
    i.anomaliesCount,
    i.providerMismatch,
    i.sources.join(" "),
    i.updatedAt,
    i.version,
    i.indexedAt,
  ];
}
