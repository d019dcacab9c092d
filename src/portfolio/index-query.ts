// The listing's query: filters, sort and keyset position, turned into one SQL statement over the index.
import type { InvoiceStatus } from "../ledger/types";

export const STATUSES: readonly InvoiceStatus[] = ["open", "partially_paid", "paid", "overpaid", "void"];
export const SORTS = ["due_date", "-due_date", "-updated_at", "-amount_due"] as const;
export type SortKey = (typeof SORTS)[number];

export interface ListFilters {
  status?: InvoiceStatus[];
  currency?: string;
  /** Due strictly before / after this date (YYYY-MM-DD); invoices without a due date never match. */
  dueBefore?: string;
  dueAfter?: string;
  /** updated_at strictly after this ISO 8601 instant. */
  updatedAfter?: string;
  customerEmail?: string;
  source?: string;
  hasAnomalies?: boolean;
  providerMismatch?: boolean;
  /** A reminder failed for good and no delivered resend made it good (the overview's failed reminders). */
  remindersFailed?: boolean;
  /** Prefix of the invoice id or number, case-insensitive. */
  q?: string;
}

/** Where the last page ended: the sort key's value and the invoice id (the tie-break). */
export type Position = [key: string | number, invoiceId: string];

export interface ListQuery {
  filters: ListFilters;
  sort: SortKey;
  limit: number;
  after?: Position | undefined;
}

const SORT_SQL: Record<SortKey, { column: string; desc: boolean }> = {
  due_date: { column: "due_key", desc: false },
  "-due_date": { column: "due_key", desc: true },
  "-updated_at": { column: "updated_at", desc: true },
  "-amount_due": { column: "amount_key", desc: true },
};

export const sortColumn = (sort: SortKey) => SORT_SQL[sort].column;

/** The upper bound of a prefix range: every string starting with `p` is >= p and < this. */
const prefixEnd = (p: string) => `${p}\u{10FFFF}`;

/** WHERE clauses and their bindings for the filters (shared by the listing and the export). */
export function whereOf(f: ListFilters): { clauses: string[]; args: SqlStorageValue[] } {
  const clauses: string[] = [];
  const args: SqlStorageValue[] = [];
  const add = (clause: string, ...values: SqlStorageValue[]) => {
    clauses.push(clause);
    args.push(...values);
  };
  if (f.status?.length) add(`status IN (${f.status.map(() => "?").join(", ")})`, ...f.status);
  if (f.currency) add("currency = ?", f.currency);
  if (f.dueBefore) add("due_date < ?", f.dueBefore);
  if (f.dueAfter) add("due_date > ?", f.dueAfter);
  if (f.updatedAfter) add("updated_at > ?", f.updatedAfter);
  if (f.customerEmail) add("email_lc = ?", f.customerEmail.toLowerCase());
  if (f.source) add("invoice_id IN (SELECT invoice_id FROM invoice_sources WHERE source = ?)", f.source);
  // Written out, not bound: SQLite uses a partial index only when the query's terms imply its WHERE
  // (https://www.sqlite.org/partialindex.html, "Queries Using Partial Indexes"); a literal always does,
  // a bound value only if the planner sees it when it prepares. Fixed text chosen by a boolean, never input.
  if (f.hasAnomalies !== undefined) add(f.hasAnomalies ? "anomalies_count > 0" : "anomalies_count = 0");
  if (f.providerMismatch !== undefined)
    add(f.providerMismatch ? "provider_mismatch = 1" : "provider_mismatch = 0");
  if (f.remindersFailed !== undefined)
    add(f.remindersFailed ? "reminders_failed > 0" : "reminders_failed = 0");
  if (f.q) {
    const q = f.q.toLowerCase();
    add(
      // A subquery, so both prefix ranges are read from their own indexes whatever the sort's index.
      `invoice_id IN (SELECT invoice_id FROM invoices WHERE id_lc >= ? AND id_lc < ?
         UNION SELECT invoice_id FROM invoices WHERE number_lc >= ? AND number_lc < ?)`,
      q,
      prefixEnd(q),
      q,
      prefixEnd(q),
    );
  }
  return { clauses, args };
}

/** One page (limit + 1 rows, to know whether there is more) in the sort's order, after `after`. */
export function listSql(q: ListQuery): { sql: string; args: SqlStorageValue[] } {
  const { clauses, args } = whereOf(q.filters);
  const { column, desc } = SORT_SQL[q.sort];
  if (q.after) {
    clauses.push(`(${column}, invoice_id) ${desc ? "<" : ">"} (?, ?)`);
    args.push(q.after[0], q.after[1]);
  }
  const where = clauses.length ? `WHERE ${clauses.join(" AND ")}` : "";
  const dir = desc ? "DESC" : "ASC";
  args.push(q.limit + 1);
  return {
    sql: `SELECT * FROM invoices ${where} ORDER BY ${column} ${dir}, invoice_id ${dir} LIMIT ?`,
    args,
  };
}
