// `npm run bench:portfolio`: a merchant with 20,000 invoices in its index, measured inside workerd against the
// real Worker (exports.default.fetch, the path HTTP takes): latency and SQLite rows read of filtered, sorted
// list pages and of the aging report. The change feed's lag under load is measured over HTTP by
// bench/portfolio-lag.mjs, which the same npm script runs next. It measures; it asserts only that the answers
// are right. The index is seeded through its apply RPC (the feed's own shape), since 20,000
// invoice objects created over HTTP would take most of the run.
import { env, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { expect, test } from "vitest";
import type { InvoiceChange } from "../src/portfolio/change";
import type { ListFilters, Position, SortKey } from "../src/portfolio/index-query";

const worker = (exports as unknown as { default: Fetcher }).default;
const ADMIN = "bench-admin-token"; // bench/lib/workerd-plugin.mjs
const INVOICES = 20_000;
const SAMPLES = 20;
const RUN = Date.now().toString(36);
const MERCHANT = `portfolio-${RUN}`;

async function call(method: string, path: string, key: string, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await worker.fetch(
    new Request(`http://bench.test${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10;
};
const stats = (xs: number[]) => ({ n: xs.length, p50_ms: pct(xs, 50), p99_ms: pct(xs, 99) });

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
}

/** The filtered, sorted pages whose rows read the bench reports (issue 9: a page should read about its size). */
const ROWS_CASES: Array<[string, ListFilters, SortKey]> = [
  ["unfiltered, due_date", {}, "due_date"],
  ["status=partially_paid, due_date", { status: ["partially_paid"] }, "due_date"],
  ["status=partially_paid, -amount_due", { status: ["partially_paid"] }, "-amount_due"],
  ["status=open, -updated_at", { status: ["open"] }, "-updated_at"],
  ["currency=USD, due_date", { currency: "USD" }, "due_date"],
  ["currency=USD, -amount_due", { currency: "USD" }, "-amount_due"],
  ["currency=USD, -updated_at", { currency: "USD" }, "-updated_at"],
  ["has_anomalies, due_date", { hasAnomalies: true }, "due_date"],
  ["has_anomalies, -amount_due", { hasAnomalies: true }, "-amount_due"],
  ["provider_mismatch, -updated_at", { providerMismatch: true }, "-updated_at"],
  ["provider_mismatch, -due_date", { providerMismatch: true }, "-due_date"],
  [
    "status=open, currency=INR, due_before, -amount_due",
    { status: ["open"], currency: "INR", dueBefore: "2026-07-01" },
    "-amount_due",
  ],
  ["status=open,partially_paid, -amount_due", { status: ["open", "partially_paid"] }, "-amount_due"],
];

function seedChange(i: number): InvoiceChange {
  const id = `inv_${String(i).padStart(6, "0")}`;
  const due = new Date(Date.UTC(2026, 0, 1) + (i % 365) * 86_400_000).toISOString().slice(0, 10);
  const total = 100_000 + i;
  const paid = i % 3 === 0 ? 0 : (i * 37) % total;
  const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
  return {
    v: 1,
    merchantId: MERCHANT,
    invoiceId: id,
    version: 1,
    kinds: ["created"],
    previousStatus: null,
    at,
    invoice: {
      id,
      number: `INV-${100000 + i}`,
      currency: i % 10 === 0 ? "USD" : "INR",
      total,
      amountPaid: paid,
      amountDue: total - paid,
      creditBalance: 0,
      status: paid === 0 ? "open" : "partially_paid",
      dueDate: due,
      customer: { name: `Customer ${i % 3000}`, email: `c${i % 3000}@example.com` },
      anomaliesCount: i % 50 === 0 ? 1 : 0,
      providerMismatch: i % 40 === 7,
      sources: ["api"],
      createdAt: at,
      updatedAt: at,
      voidedAt: null,
      remindersFailed: 0,
      reminderFailedAt: null,
    },
  };
}

test("portfolio at 20,000 invoices", async () => {
  const admin = await call("PUT", `/admin/merchants/${MERCHANT}`, ADMIN, { name: "Portfolio bench" });
  expect(admin.status).toBe(201);
  const { key } = (await call("POST", `/admin/merchants/${MERCHANT}/api-keys`, ADMIN)).body;
  const index = env.MERCHANT_INDEX.getByName(MERCHANT);
  const [seedMs] = await timed(async () => {
    for (let start = 0; start < INVOICES; start += 100) {
      await index.apply(Array.from({ length: 100 }, (_, j) => seedChange(start + j)));
    }
  });

  console.log(`seeded ${INVOICES} in ${Math.round(seedMs)} ms`);
  // The index's SQLite file (its table, indexes and sources), whole pages: what storage each invoice costs.
  const bytes = await runInDurableObject(index, (_i, state) => state.storage.sql.databaseSize);
  const listQuery = "status=open&currency=INR&due_before=2026-07-01&sort=-amount_due&limit=50";
  const list: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const [ms, r] = await timed(() => call("GET", `/v1/invoices?${listQuery}`, key));
    expect(r.body.data).toHaveLength(50);
    list.push(ms);
  }
  const listRows = await index.list({
    filters: { status: ["open"], currency: "INR", dueBefore: "2026-07-01" },
    sort: "-amount_due",
    limit: 50,
  });
  // Rows read for a page of 50, first and next, per filter and sort (the index's own rowsRead).
  const pageRows: Record<string, [number, number]> = {};
  for (const [name, filters, sort] of ROWS_CASES) {
    const first = await index.list({ filters, sort, limit: 50 });
    expect(first.items).toHaveLength(50);
    const next = await index.list({
      filters,
      sort,
      limit: 50,
      after: (first.next as Position | null) ?? undefined,
    });
    pageRows[name] = [first.rowsRead, next.rowsRead];
  }
  const aging: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const [ms, r] = await timed(() => call("GET", "/v1/reports/aging?as_of=2026-06-30", key));
    expect(r.body.currencies.reduce((n: number, c: any) => n + c.outstanding_count, 0)).toBe(INVOICES);
    aging.push(ms);
  }
  const agingRows = (await index.aging("2026-06-30")).rowsRead;
  console.log(
    JSON.stringify({ list: stats(list), listRows: listRows.rowsRead, aging: stats(aging), agingRows }),
  );

  const result = {
    at: new Date().toISOString(),
    invoices: INVOICES,
    seed: { ms: Math.round(seedMs), batches_of_100: INVOICES / 100 },
    index_bytes_per_invoice: Math.round(bytes / INVOICES),
    list_page: { query: listQuery, ...stats(list), rows_read: listRows.rowsRead },
    list_page_rows_read_first_and_next: pageRows,
    aging: { ...stats(aging), rows_read: agingRows },
  };
  // Printed (the Worker runtime has no file system to write bench/results/ into).
  console.log(JSON.stringify(result, null, 2));
});
