// The listing's filters as the index takes them, and the CSV export's stream: shared by GET /v1/invoices,
// GET /v1/exports/invoices.csv and the dashboard's listing and export, so each reads the same query the same way.
import type { Bindings } from "../../bindings";
import { csvRow } from "../../lib/csv";
import { indexFor } from "../../portfolio/consumer";
import type { ListFilters, ListQuery, Position, SortKey } from "../../portfolio/index-query";
import type { FilterQuery } from "./portfolio.schemas";
import { CSV_HEADER, csvCells, todayUtc } from "./portfolio.views";

/** Rows per index call while streaming an export. */
const EXPORT_PAGE = 500;

export type Filters = ReturnType<typeof FilterQuery.parse>;

export const filtersOf = (q: Filters): ListFilters => ({
  status: q.status,
  currency: q.currency,
  dueBefore: q.due_before,
  dueAfter: q.due_after,
  updatedAfter: q.updated_after,
  customerEmail: q.customer_email,
  source: q.source,
  hasAnomalies: q.has_anomalies,
  providerMismatch: q.provider_mismatch,
  remindersFailed: q.reminders_failed,
  q: q.q,
});

export const CSV_HEADERS = {
  "content-type": "text/csv; charset=utf-8; header=present",
  "content-disposition": 'attachment; filename="invoices.csv"',
};

/** The export as a stream: one index call per pull, so memory stays one page whatever the number of invoices. */
export function invoicesCsv(env: Bindings, merchantId: string, filters: ListFilters, sort: SortKey) {
  const index = indexFor(env, merchantId);
  const today = todayUtc();
  const encoder = new TextEncoder();
  let after: Position | undefined;
  let done = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvRow(CSV_HEADER)));
    },
    async pull(controller) {
      if (done) return controller.close();
      const q: ListQuery = { filters, sort, limit: EXPORT_PAGE, after };
      const page = await index.list(q);
      const text = page.items.map((i) => csvRow(csvCells(i, today))).join("");
      if (text) controller.enqueue(encoder.encode(text));
      after = (page.next as Position | null) ?? undefined;
      done = page.next === null;
      if (done) controller.close();
    },
  });
}
