import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../lib/types";
import { assembleAging } from "../../portfolio/aging";
import { indexFor } from "../../portfolio/consumer";
import type { Position } from "../../portfolio/index-query";
import { decodeListCursor, encodeListCursor } from "./list-cursor";
import { CSV_HEADERS, filtersOf, invoicesCsv } from "./portfolio.export";
import type * as routes from "./portfolio.routes";
import { itemView, todayUtc } from "./portfolio.views";

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
  const body = invoicesCsv(c.env, c.get("merchantId")!, filtersOf(query), query.sort);
  c.set("outcome", "exported");
  return c.body(body, 200, CSV_HEADERS) as never;
};
