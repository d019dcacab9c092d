// The lag phase of `npm run bench:portfolio`: how long after a payment's 201 the merchant's listing
// (GET /v1/invoices) shows it, while other clients keep ingesting signed webhooks. Over loopback HTTP against
// `wrangler dev` (bench/lib/wrangler.mjs: the bundle a deploy would upload, throwaway state, every rate limit
// raised), with the real queue, consumer and index. It measures; it fails only if an answer is wrong.
//
// Why not inside workerd's vitest pool with the rest of bench:portfolio: there the test, the Worker, every
// object and the queue consumer share one isolate, and a load client that sends its next request the moment
// the last one answers (no timer in between; even one such client beside the sampler) stalls every call in
// it; the phase printed nothing until the test's timeout. With a 50 ms pause between its requests it ran
// (lag about 1.1 s), but that is no load. The same back-to-back load over HTTP, as production sees it, runs.
// Its loops also never stopped when a sample failed, and the per-key limit (600 a minute) refused the load
// within the first minute.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { newWhsec, standardDelivery } from "./lib/deliveries.mjs";
import { createClient } from "./lib/http.mjs";
import { startWrangler } from "./lib/wrangler.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ADMIN = "bench-admin-token";
/** Payments timed; the others only load the feed. */
const SAMPLES = Number(process.env.BENCH_LAG_SAMPLES ?? 40);
/** Clients sending signed webhooks for new invoices, back to back, while the samples are taken. */
const CLIENTS = Number(process.env.BENCH_LAG_CLIENTS ?? 4);
const RUN = Date.now().toString(36);
const MERCHANT = `lag-${RUN}`;

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]);
};

const server = await startWrangler({ cwd: ROOT, vars: { ADMIN_TOKEN: ADMIN, LOG_LEVEL: "silent" } });
const { api, must } = createClient(server.origin, ADMIN);
let loading = true;
let load = Promise.resolve([]);
try {
  const secret = newWhsec();
  await must(
    "PUT",
    `/admin/merchants/${MERCHANT}`,
    {
      admin: true,
      body: { name: "Lag bench", providers: { standard: { secrets: [secret] } } },
    },
    201,
  );
  const { key } = await must("POST", `/admin/merchants/${MERCHANT}/api-keys`, { admin: true }, 201);
  // Ids of one length, so `q=<id>` (a prefix search) finds exactly that invoice.
  const own = Array.from({ length: SAMPLES }, (_, i) => `live-${RUN}-${String(i).padStart(3, "0")}`);
  for (const id of own) {
    await must("PUT", `/v1/invoices/${id}`, { key, body: { currency: "INR", total: 1_000_000 } }, 201);
  }

  // The ingest load: each client posts signed payment.recorded deliveries, each for a new invoice (so each
  // creates an invoice object and a change), until the samples are done. A refusal is counted, not retried.
  const ingested = [];
  const refused = {};
  const started = performance.now();
  load = Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let n = 0; loading; n++) {
        const invoiceId = `bg-${RUN}-${c}-${n}`;
        const d = standardDelivery(secret, {
          invoiceId,
          paymentId: `pay_${RUN}_${c}_${n}`,
          amount: 100 + n,
          eventId: `evt_${RUN}_${c}_${n}`,
        });
        const r = await api("POST", `/webhooks/standard/${MERCHANT}`, { body: d.body, headers: d.headers });
        if (r.status === 200) ingested.push([invoiceId, 100 + n]);
        else refused[r.status] = (refused[r.status] ?? 0) + 1;
      }
    }),
  );

  const lag = [];
  for (const id of own) {
    await must("POST", `/v1/invoices/${id}/payments`, { key, body: { amount: 100, method: "cash" } }, 201);
    const t = performance.now();
    for (;;) {
      const r = await must("GET", `/v1/invoices?q=${id}&limit=1`, { key }, 200);
      if (r.data[0]?.id === id && r.data[0].amount_paid === 100) break;
      if (performance.now() - t > 30_000) throw new Error(`${id}: not listed 30 s after its 201`);
      await new Promise((res) => setTimeout(res, 10));
    }
    lag.push(performance.now() - t);
  }
  loading = false;
  await load;
  const seconds = (performance.now() - started) / 1000;

  // The answers must be right: every ingested invoice reaches the listing with its amount (eventually).
  const deadline = performance.now() + 60_000;
  for (const [invoiceId, amount] of ingested) {
    for (;;) {
      const r = await must("GET", `/v1/invoices?q=${invoiceId}&limit=2`, { key }, 200);
      const row = r.data.find((i) => i.id === invoiceId);
      if (row?.amount_paid === amount) break;
      if (performance.now() > deadline) throw new Error(`${invoiceId}: not listed with ${amount}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  }
  if (Object.keys(refused).length > 0)
    throw new Error(`background deliveries refused: ${JSON.stringify(refused)}`);

  const result = {
    at: new Date().toISOString(),
    samples: lag.length,
    p50_ms: pct(lag, 50),
    p99_ms: pct(lag, 99),
    max_ms: Math.round(Math.max(...lag)),
    background: {
      clients: CLIENTS,
      webhooks_ingested: ingested.length,
      per_second: Math.round(ingested.length / seconds),
    },
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
  writeFileSync(
    path.join(ROOT, "bench", "results", "portfolio-lag-latest.json"),
    `${JSON.stringify(result, null, 2)}\n`,
  );
} finally {
  loading = false;
  await load.catch(() => {});
  await server.stop();
}
