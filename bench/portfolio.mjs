// `npm run bench:portfolio`: one merchant with many invoices in its index, under `wrangler dev`: latency of a
// filtered list page and of the aging report, and the change feed's lag (a committed payment until the
// listing shows it) while other payments keep landing. See README "Portfolio measurements".
import crypto from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createClient, inParallel } from "./lib/http.mjs";
import { startWrangler } from "./lib/wrangler.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values: flags } = parseArgs({
  options: {
    invoices: { type: "string", default: process.env.BENCH_INVOICES ?? "20000" },
    samples: { type: "string", default: "50" },
  },
});
const INVOICES = Number(flags.invoices);
const SAMPLES = Number(flags.samples);
const ADMIN_TOKEN = crypto.randomBytes(24).toString("hex");
const log = (t) => process.stderr.write(`${t}\n`);

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]);
};
const stats = (xs) => ({
  n: xs.length,
  p50_ms: pct(xs, 50),
  p99_ms: pct(xs, 99),
  max_ms: Math.round(Math.max(...xs)),
});

async function timed(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const server = await startWrangler({
  cwd: ROOT,
  persistRoot: process.env.BENCH_PERSIST_DIR || os.tmpdir(),
  vars: { ADMIN_TOKEN, LOG_LEVEL: "silent" },
});
try {
  const { api, must } = createClient(server.origin, ADMIN_TOKEN);
  const merchant = `bench-portfolio-${Date.now().toString(36)}`;
  await must("PUT", `/admin/merchants/${merchant}`, { admin: true, body: { name: "Portfolio bench" } }, 201);
  const { key } = await must("POST", `/admin/merchants/${merchant}/api-keys`, { admin: true }, 201);
  const ids = Array.from({ length: INVOICES }, (_, i) => `inv_${String(i).padStart(6, "0")}`);
  log(`seeding ${INVOICES} invoices...`);
  const seedStart = performance.now();
  await inParallel(ids, 16, async (id) => {
    const i = Number(id.slice(4));
    const due = new Date(Date.UTC(2026, 0, 1) + (i % 365) * 86_400_000).toISOString().slice(0, 10);
    await must(
      "PUT",
      `/v1/invoices/${id}`,
      {
        key,
        body: {
          currency: i % 10 === 0 ? "USD" : "INR",
          total: 100_000 + i,
          due_date: due,
          number: `INV-${100000 + i}`,
          customer: { name: `Customer ${i % 3000}`, email: `c${i % 3000}@example.com` },
        },
      },
      201,
    );
  });
  const seedSeconds = (performance.now() - seedStart) / 1000;
  // The index has caught up when the aging report counts every invoice.
  const counted = async () => {
    const r = await must("GET", "/v1/reports/aging?as_of=2026-01-01", { key }, 200);
    return r.currencies.reduce((n, c) => n + c.outstanding_count, 0);
  };
  while ((await counted()) < INVOICES) await new Promise((r) => setTimeout(r, 200));
  const catchUpSeconds = (performance.now() - seedStart) / 1000 - seedSeconds;

  const listQuery = "/v1/invoices?status=open&currency=INR&due_before=2026-07-01&sort=-amount_due&limit=50";
  const list = [];
  for (let i = 0; i < SAMPLES; i++) list.push(await timed(() => must("GET", listQuery, { key }, 200)));
  const aging = [];
  for (let i = 0; i < SAMPLES; i++)
    aging.push(await timed(() => must("GET", "/v1/reports/aging?as_of=2026-06-30", { key }, 200)));

  // Lag: each sampled payment, from its 201 until the listing shows its version, while 8 other clients keep
  // paying other invoices (the ingest load the feed must keep up with).
  let loading = true;
  let background = 0;
  const load = Array.from({ length: 8 }, async (_, w) => {
    for (let n = 0; loading; n++) {
      const id = ids[(w * 997 + n * 13) % (INVOICES / 2)];
      await api("POST", `/v1/invoices/${id}/payments`, { key, body: { amount: 1 } });
      background++;
    }
  });
  const lag = [];
  for (let i = 0; i < SAMPLES; i++) {
    const id = ids[INVOICES / 2 + i];
    const paid = await must("POST", `/v1/invoices/${id}/payments`, { key, body: { amount: 10 } }, 201);
    const t = performance.now();
    const want = paid.invoice.amount_paid;
    for (;;) {
      const r = await must("GET", `/v1/invoices?q=${id}&limit=1`, { key }, 200);
      if (r.data[0]?.amount_paid >= want) break;
      await new Promise((res) => setTimeout(res, 10));
    }
    lag.push(performance.now() - t);
  }
  loading = false;
  await Promise.all(load);

  const result = {
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, loadavg_1m: os.loadavg()[0] },
    invoices: INVOICES,
    seed: {
      seconds: Math.round(seedSeconds),
      per_second: Math.round(INVOICES / seedSeconds),
      index_catch_up_seconds: Math.round(catchUpSeconds * 10) / 10,
    },
    list_page: { query: listQuery, ...stats(list) },
    aging: stats(aging),
    lag_under_load: { ...stats(lag), background_payments: background },
  };
  mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
  writeFileSync(
    path.join(ROOT, "bench", "results", `portfolio-${Date.now().toString(36)}.json`),
    JSON.stringify(result, null, 2),
  );
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  await server.stop();
}
