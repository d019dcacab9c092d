// `npm run bench:portfolio`: a merchant with 20,000 invoices in its index, measured inside workerd against the
// real Worker (exports.default.fetch, the path HTTP takes) and the real change feed (queue and consumer):
// latency and SQLite rows read of a filtered list page and of the aging report, and the lag from a committed
// payment's 201 until the listing shows it, while other clients keep paying. It measures; it asserts only
// that the answers are right. The index is seeded through its apply RPC (the feed's own shape), since 20,000
// invoice objects created over HTTP would take most of the run.
import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { expect, test } from "vitest";
import type { InvoiceChange } from "../src/portfolio/change";

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
      providerMismatch: false,
      sources: ["api"],
      createdAt: at,
      updatedAt: at,
      voidedAt: null,
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
  const plainRows = await index.list({ filters: {}, sort: "due_date", limit: 50 });
  const statusRows = await index.list({
    filters: { status: ["partially_paid"] },
    sort: "due_date",
    limit: 50,
  });
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

  // Lag under load: invoices of their own, paid by 4 background clients while each sampled payment is timed
  // from its 201 until the listing shows its amount.
  const own = Array.from({ length: SAMPLES + 8 }, (_, i) => `live_${RUN}_${i}`);
  for (const id of own) {
    const r = await call("PUT", `/v1/invoices/${id}`, key, {
      currency: "INR",
      total: 1_000_000,
      due_date: "2026-12-31",
    });
    expect(r.status).toBe(201);
  }
  let loading = true;
  let background = 0;
  const load = Array.from({ length: 4 }, async (_, w) => {
    while (loading) {
      await call("POST", `/v1/invoices/${own[SAMPLES + w]}/payments`, key, { amount: 1 });
      background++;
    }
  });
  const lag: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const paid = await call("POST", `/v1/invoices/${own[i]}/payments`, key, { amount: 100 });
    expect(paid.status).toBe(201);
    const t = performance.now();
    for (;;) {
      const r = await call("GET", `/v1/invoices?q=${own[i]}&limit=1`, key);
      if (r.body.data[0]?.amount_paid === 100) break;
      if (performance.now() - t > 30_000) throw new Error("never listed");
      await new Promise((res) => setTimeout(res, 5));
    }
    lag.push(performance.now() - t);
  }
  loading = false;
  await Promise.all(load);

  const result = {
    at: new Date().toISOString(),
    invoices: INVOICES,
    seed: { ms: Math.round(seedMs), batches_of_100: INVOICES / 100 },
    list_page: { query: listQuery, ...stats(list), rows_read: listRows.rowsRead },
    list_page_rows_read: {
      unfiltered_due_date: plainRows.rowsRead,
      one_status_due_date: statusRows.rowsRead,
    },
    aging: { ...stats(aging), rows_read: agingRows },
    lag_under_load: { ...stats(lag), max_ms: Math.round(Math.max(...lag)), background_payments: background },
  };
  // Printed (the Worker runtime has no file system to write bench/results/ into).
  console.log(JSON.stringify(result, null, 2));
});
