// The index repair: one page of a merchant's index (plus any invoice ids named, which the index may lack)
// compared with each invoice's own object, the truth; every row that drifted is replaced by the invoice's
// own summary and version, and rows of invoices that do not exist are removed.
import type { RouteHandler } from "@hono/zod-openapi";
import { ledgerFor } from "../../ledger/client";
import type { AppEnv } from "../../lib/types";
import type { InvoiceSummary } from "../../portfolio/change";
import { indexFor } from "../../portfolio/consumer";
import { type IndexedInvoice, sameSummary } from "../../portfolio/index-rows";
import type * as routes from "./portfolio.routes";
import { VerifyBodySchema } from "./portfolio.schemas";

/** Invoice objects asked at once: well under the Workers limit of simultaneous open connections. */
const PARALLEL = 5;

const differing = (a: InvoiceSummary, b: InvoiceSummary) =>
  (Object.keys(b) as Array<keyof InvoiceSummary>).filter(
    (k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]),
  );

export const verifyIndex: RouteHandler<typeof routes.verifyIndex, AppEnv> = async (c) => {
  const { merchantId } = c.req.valid("param");
  const body = c.req.header("content-type") ? c.req.valid("json") : VerifyBodySchema.parse({});
  const index = indexFor(c.env, merchantId);
  const rows = await index.page(body.cursor ?? "", body.limit);
  const held = new Map<string, IndexedInvoice>(rows.map((r) => [r.id, r]));
  const ids = [...new Set([...rows.map((r) => r.id), ...body.invoice_ids])];
  const repaired: Array<{ id: string; index_version: number | null; version: number; fields: string[] }> = [];
  const entries: Array<{ version: number; invoice: InvoiceSummary }> = [];
  const gone: string[] = [];
  for (let i = 0; i < ids.length; i += PARALLEL) {
    const chunk = ids.slice(i, i + PARALLEL);
    const truths = await Promise.all(chunk.map((id) => ledgerFor(c.env, merchantId, id).currentSummary()));
    chunk.forEach((id, j) => {
      const truth = truths[j];
      const row = held.get(id) ?? null;
      if (!truth) {
        if (row) gone.push(id);
        return;
      }
      if (row && row.version === truth.version && sameSummary(row, truth.invoice)) return;
      const fields = row ? differing(row, truth.invoice) : ["missing"];
      if (row && row.version !== truth.version) fields.unshift("version");
      repaired.push({ id, index_version: row?.version ?? null, version: truth.version, fields });
      entries.push(truth);
    });
  }
  if (entries.length > 0 || gone.length > 0) await index.repair(entries, gone);
  c.set("outcome", repaired.length + gone.length > 0 ? "repaired" : "in_step");
  return c.json(
    {
      checked: ids.length,
      in_step: ids.length - repaired.length - gone.length,
      repaired,
      removed: gone,
      next_cursor: rows.length === body.limit ? (rows.at(-1)?.id ?? null) : null,
    },
    200,
  );
};
