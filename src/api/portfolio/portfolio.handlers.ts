import type { RouteHandler } from "@hono/zod-openapi";
import { csvRow } from "../../lib/csv";
import type { AppEnv } from "../../lib/types";
import { assembleAging } from "../../portfolio/aging";
import { indexFor } from "../../portfolio/consumer";
import type { ListFilters, ListQuery, Position } from "../../portfolio/index-query";
import { decodeListCursor, encodeListCursor } from "./list-cursor";
import type * as routes from "./portfolio.routes";
import type { FilterQuery } from "./portfolio.schemas";
import { CSV_HEADER, csvCells, itemView, todayUtc } from "./portfolio.views";

/** Rows per index call while streaming an export. */
const EXPORT_PAGE = 500;

type Filters = ReturnType<typeof FilterQuery.parse>;

const filtersOf = (q: Filters): ListFilters => ({
  status: q.status,
  currency: q.currency,
  dueBefore: q.due_before,
  dueAfter: q.due_after,
  updatedAfter: q.updated_after,
  customerEmail: q.customer_email,
  source: q.source,
  hasAnomalies: q.has_anomalies,
  providerMismatch: q.provider_mismatch,
  q: q.q,
});

export const listInvoices: RouteHandler<typeof routes.listInvoices, AppEnv> = async (c) => {
  const merchantId = c.get("merchantId")!;
  const query = c.req.valid("query");
  const after = await decodeListCursor(merchantId, query);
  const page = await indexFor(c.env, merchantId).list({
    filters: filtersOf(query),
    sort: query.sort,
    limit: query.limit,
    after,
  });
  const today = todayUtc();
  return c.json(
    {
      data: page.items.map((i) => itemView(i, today)),
      has_more: page.next !== null,
      next_cursor: await encodeListCursor(page.next as Position | null, merchantId, query),
    },
    200,
  );
};

export const agingReport: RouteHandler<typeof routes.agingReport, AppEnv> = async (c) => {
  const asOf = c.req.valid("query").as_of ?? todayUtc();
  const { rows } = await indexFor(c.env, c.get("merchantId")!).aging(asOf);
  const { currencies, unknownCurrencyCount } = assembleAging(rows);
  return c.json({ as_of: asOf, currencies, unknown_currency_count: unknownCurrencyCount }, 200);
};

export const exportInvoices: RouteHandler<typeof routes.exportInvoices, AppEnv> = async (c) => {
  const query = c.req.valid("query");
  const index = indexFor(c.env, c.get("merchantId")!);
  const today = todayUtc();
  const encoder = new TextEncoder();
  let after: Position | undefined;
  let done = false;
  // One index call per pull: memory stays one page whatever the number of invoices.
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvRow(CSV_HEADER)));
    },
    async pull(controller) {
      if (done) return controller.close();
      const q: ListQuery = { filters: filtersOf(query), sort: query.sort, limit: EXPORT_PAGE, after };
      const page = await index.list(q);
      const text = page.items.map((i) => csvRow(csvCells(i, today))).join("");
      if (text) controller.enqueue(encoder.encode(text));
      after = (page.next as Position | null) ?? undefined;
      done = page.next === null;
      if (done) controller.close();
    },
  });
  c.set("outcome", "exported");
  return c.body(body, 200, {
    "content-type": "text/csv; charset=utf-8; header=present",
    "content-disposition": 'attachment; filename="invoices.csv"',
  }) as never;
};
