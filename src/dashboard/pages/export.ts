// GET /dashboard/invoices.csv: GET /v1/exports/invoices.csv's stream, with the session instead of a bearer key.
import type { Context } from "hono";
import { CSV_HEADERS, filtersOf, invoicesCsv } from "../../api/portfolio/portfolio.export";
import { ApiError } from "../../lib/errors";
import { parseListing, rawQuery } from "../listing-query";
import type { DashEnv } from "../types";

export function exportCsv(c: Context<DashEnv>) {
  const parsed = parseListing(rawQuery(c.req.query()));
  if (!parsed.ok) throw new ApiError(422, "validation_failed", parsed.messages.join("; "));
  const body = invoicesCsv(c.env, c.get("merchantId")!, filtersOf(parsed.query), parsed.query.sort);
  c.set("outcome", "exported");
  return c.body(body, 200, CSV_HEADERS);
}
