// `npm run bench`: drives the Worker under `wrangler dev` over loopback HTTP with autocannon and reports each
// scenario beside a same-length run of the no-op route GET /healthz, so the result is a ratio to the ceiling of
// this machine and runtime, not only an absolute number. See README "Benchmark".
import crypto from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { SourceMap } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { newWhsec, razorpayDelivery, standardDelivery } from "./lib/deliveries.mjs";
import { createClient, inParallel } from "./lib/http.mjs";
import { connectProfiler, summarizeProfile } from "./lib/inspector.mjs";
import { drive, round, stopCurrent, summarize } from "./lib/load.mjs";
import { table } from "./lib/report.mjs";
import { startWrangler, wranglerVersion } from "./lib/wrangler.mjs";
import { balanceRead } from "./scenarios/balance-read.mjs";
import { hotInvoice } from "./scenarios/hot-invoice.mjs";
import { ingestScenario } from "./scenarios/ingest.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = path.join(ROOT, "bench", "results");
const FLOOR_CONFIG = path.join(ROOT, "bench", "floor", "wrangler.toml");

const { values: flags } = parseArgs({
  allowNegative: true,
  options: {
    duration: { type: "string", short: "d" },
    connections: { type: "string", short: "c" },
    scenarios: { type: "string", short: "s" },
    warmup: { type: "string" },
    verbose: { type: "boolean", short: "v" },
    profile: { type: "boolean", short: "p" },
    floor: { type: "boolean", default: true },
    help: { type: "boolean", short: "h" },
  },
});

const SCENARIO_NAMES = [
  "ingest-standard",
  "ingest-razorpay",
  "ingest-standard-existing",
  "hot-invoice",
  "balance-read",
];

if (flags.help) {
  process.stdout.write(`Usage: npm run bench -- [--duration s] [--connections n] [--scenarios a,b] [--warmup s]
                        [--verbose] [--profile] [--no-floor]
  --duration     seconds per run: each scenario, its floor and its no-op baseline (env BENCH_DURATION, default 10)
  --connections  concurrent keep-alive connections (env BENCH_CONNECTIONS, default 50)
  --scenarios    comma-separated subset of ${SCENARIO_NAMES.join(", ")} (env BENCH_SCENARIOS)
  --warmup       seconds of unreported no-op load first, on the service and on each floor (env BENCH_WARMUP,
                 default 3)
  --verbose      echo wrangler's output to stderr
  --profile      take a V8 CPU profile of the Worker isolate during each scenario run (slows it: numbers
                 are then for attribution, not for the targets); self time by source file and function goes
                 in the JSON, the raw profiles beside it as *.cpuprofile.json (Chrome DevTools can load them)
  --no-floor     skip the floor worker (bench/floor/) run before each scenario, and so the "of floor" column
  env BENCH_PERSIST_DIR: where the throwaway wrangler state goes (default: the OS temp dir; /dev/shm = RAM)
`);
  process.exit(0);
}

const positive = (v, name) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${v}`);
  return n;
};
const DURATION = positive(flags.duration ?? process.env.BENCH_DURATION ?? 10, "duration");
const CONNECTIONS = Math.round(
  positive(flags.connections ?? process.env.BENCH_CONNECTIONS ?? 50, "connections"),
);
const WARMUP = Number(flags.warmup ?? process.env.BENCH_WARMUP ?? 3);
const PERSIST_ROOT = process.env.BENCH_PERSIST_DIR || os.tmpdir();
const SELECTED = (flags.scenarios ?? process.env.BENCH_SCENARIOS ?? SCENARIO_NAMES.join(","))
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);
for (const s of SELECTED) if (!SCENARIO_NAMES.includes(s)) throw new Error(`Unknown scenario: ${s}`);

if (Number(process.versions.node.split(".")[0]) < 22) {
  console.error(`wrangler needs Node >= 22; this is ${process.version}. Run it as \`npm run bench\`.`);
  process.exit(1);
}

const log = (text) => process.stderr.write(`${text}\n`);
const RUN_ID = Date.now().toString(36);
const ADMIN_TOKEN = crypto.randomBytes(24).toString("hex");
const MERCHANT = `bench-${RUN_ID}`;

let server = null;
let floorServer = null; // only while a floor run is under way
let interrupted = false;
async function shutdown(code) {
  stopCurrent();
  await floorServer?.stop();
  if (server) await server.stop();
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log(`\n${signal}: stopping the load and wrangler...`);
    void shutdown(130);
  });
}

/**
 * One measured run: autocannon's numbers plus the CPU the runtime (workerd) and this load generator spent
 * per response, which stays meaningful when other processes compete for the same cores.
 */
async function measure(server, label, requests, { profile = false } = {}) {
  const profiler = profile ? await connectProfiler(server.inspectorPort) : null;
  await profiler?.start();
  const serverBefore = server.cpuMs();
  const selfBefore = process.cpuUsage();
  const result = await drive(server.origin, label, {
    duration: DURATION,
    connections: CONNECTIONS,
    requests,
  });
  const serverAfter = server.cpuMs();
  const self = process.cpuUsage(selfBefore);
  const summary = summarize(result);
  const n = Math.max(1, summary.responses);
  const delta = (name) => (serverAfter?.[name] ?? 0) - (serverBefore?.[name] ?? 0);
  // /proc only counts live processes: a drop means workerd was restarted mid-run, which spoils the run.
  const cpuKnown = serverAfter !== null && delta("workerd") >= 0;
  if (serverAfter && !cpuKnown) {
    summary.runtime_restarted = true;
    log(`  WARNING: workerd restarted during "${label}"; this run's numbers are not comparable`);
  }
  summary.workerd_cpu_ms_per_req = cpuKnown ? round(delta("workerd") / n, 2) : null;
  summary.workerd_cpu_utilization = cpuKnown
    ? round(delta("workerd") / (summary.duration_s * 1000), 2)
    : null;
  summary.loadgen_cpu_ms_per_req = round((self.user + self.system) / 1000 / n, 2);
  if (profiler) {
    const cpuprofile = await profiler.stop();
    profiler.close();
    const map = new SourceMap(JSON.parse(readFileSync(`${server.bundle}.map`, "utf8")));
    mkdirSync(RESULTS, { recursive: true });
    // .cpuprofile.json: git-ignored with the other results; Chrome DevTools (Performance, Load profile) opens it.
    const file = path.join(RESULTS, `profile-${RUN_ID}-${label}.cpuprofile.json`);
    writeFileSync(file, JSON.stringify(cpuprofile));
    summary.profile = { file: path.relative(ROOT, file), ...summarizeProfile(cpuprofile, map, 15) };
  }
  return summary;
}

const startServer = (what, options) =>
  startWrangler({
    cwd: ROOT,
    persistRoot: PERSIST_ROOT,
    onLog: flags.verbose ? (l) => log(`  [wrangler ${what}] ${l}`) : undefined,
    ...options,
  });

/** The no-op warm-up a freshly started runtime gets before anything is reported. */
async function warmUp(target) {
  if (WARMUP <= 0) return;
  log(`  warm-up: ${WARMUP} s of GET /healthz (not reported)`);
  await drive(target.origin, "warm-up", { duration: WARMUP, connections: CONNECTIONS, requests: noop() });
}

/**
 * A scenario's floor (README "Benchmark"): bench/floor/ served by a wrangler dev of its own with the same
 * flags and the same kind of fresh state, warmed up like the service, its `objects` created (one row each),
 * then the same length of load as the scenario. Stopped before the scenario runs, so the two never share
 * the cores.
 */
async function measureFloor(scenario, floor) {
  log(`  floor: starting bench/floor/ under wrangler dev...`);
  floorServer = await startServer("floor", { configPath: FLOOR_CONFIG });
  try {
    await warmUp(floorServer);
    const { must } = createClient(floorServer.origin);
    await inParallel(floor.objects, 16, (id) => must("POST", `/create/${id}`, { body: "{}" }, 201));
    return await measure(floorServer, `${scenario.name} floor`, floor.requests);
  } finally {
    await floorServer.stop();
    floorServer = null;
  }
}

// ------------------------------------------------------------------------------------------------- setup

const SECRETS = {
  standard: newWhsec(),
  razorpay: crypto.randomBytes(24).toString("base64url"),
};
const PROVIDER_CONFIG = {
  standard: { secrets: [SECRETS.standard] },
  razorpay: { webhook_secrets: [SECRETS.razorpay] },
};

/**
 * Configures the merchant with every provider this build knows. The merchant schema is strict, so a provider
 * that is not registered (or expects another config shape) is refused with 422: probe each one alone first.
 */
async function createMerchant({ api, must }) {
  const available = {};
  const missing = {};
  for (const [name, config] of Object.entries(PROVIDER_CONFIG)) {
    const r = await api("PUT", `/admin/merchants/${MERCHANT}-probe-${name}`, {
      admin: true,
      body: { name: `probe ${name}`, providers: { [name]: config } },
    });
    if (r.status === 200 || r.status === 201) available[name] = config;
    else missing[name] = `${r.status} ${r.body?.error?.message ?? r.text.slice(0, 200)}`;
  }
  await must(
    "PUT",
    `/admin/merchants/${MERCHANT}`,
    { admin: true, body: { name: "Benchmark merchant", providers: available } },
    201,
  );
  const { key } = await must("POST", `/admin/merchants/${MERCHANT}/api-keys`, { admin: true }, 201);
  return { key, available, missing };
}

// ------------------------------------------------------------------------------------------------- scenarios

const noop = () => [{ method: "GET", path: "/healthz" }];

/**
 * A scenario is { name, title, target, floorGoal, prepare(ctx) }; prepare answers { skip: reason } or
 * { requests, verify, floor }: autocannon request objects (setupRequest/onResponse allowed), an async check of
 * the ledger afterwards answering an object with `ok`, and its floor: { objects: ids the floor creates first,
 * requests: the same requests aimed at the floor's route }.
 */
const SCENARIOS = [
  ingestScenario("standard", standardDelivery),
  ingestScenario("razorpay", razorpayDelivery),
  ingestScenario("standard", standardDelivery, { pool: 500 }),
  hotInvoice,
  balanceRead,
].filter((s) => SELECTED.includes(s.name));

// ------------------------------------------------------------------------------------------------- main

async function main() {
  const startedAt = new Date();
  log(
    `invoice-ledger bench: ${DURATION} s per run, ${CONNECTIONS} connections, ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  log("starting wrangler dev (loopback, fresh --persist-to)...");
  server = await startServer("service", { vars: { ADMIN_TOKEN, LOG_LEVEL: "silent" } });
  log(`wrangler dev ready on ${server.origin} (state in ${server.persistTo})`);

  const client = createClient(server.origin, ADMIN_TOKEN);
  const merchant = await createMerchant(client);
  // What scenarios get: HTTP helpers, the merchant's API key and provider secrets, ids unique to this run.
  const ctx = { ...client, ...merchant, secrets: SECRETS, runId: RUN_ID, merchantId: MERCHANT };
  log(
    `merchant ${MERCHANT}: providers ${Object.keys(merchant.available).join(", ") || "none"}${
      Object.keys(merchant.missing).length
        ? ` (not available: ${Object.keys(merchant.missing).join(", ")})`
        : ""
    }`,
  );

  await warmUp(server);

  const rows = [];
  let integrityFailed = false;
  for (const [i, scenario] of SCENARIOS.entries()) {
    if (interrupted) break;
    log(`[${i + 1}/${SCENARIOS.length}] ${scenario.name}: ${scenario.title}`);
    const prepared = await scenario.prepare(ctx);
    if (prepared.skip) {
      log(`  SKIPPED: ${prepared.skip}`);
      rows.push({
        name: scenario.name,
        title: scenario.title,
        target: scenario.target,
        floor_goal: scenario.floorGoal,
        skipped: prepared.skip,
      });
      continue;
    }
    let floor = null;
    let floorError = null;
    if (flags.floor && prepared.floor) {
      try {
        floor = await measureFloor(scenario, prepared.floor);
      } catch (err) {
        // The scenario still runs and its other columns still count; the JSON says why there is no floor.
        floorError = String(err?.message ?? err).split("\n")[0];
        log(`  floor FAILED: ${floorError}`);
      }
    }
    if (interrupted) break;
    const loadAverage = os.loadavg()[0];
    const baseline = await measure(server, "no-op GET /healthz", noop());
    const run = await measure(server, scenario.name, prepared.requests, { profile: flags.profile });
    if (run.profile) {
      log(`  CPU profile (${run.profile.total_ms} ms sampled in the Worker isolate), self time by source:`);
      for (const r of run.profile.by_source.slice(0, 10)) log(`    ${String(r.pct).padStart(5)}%  ${r.name}`);
      log(`  inclusive, of the isolate's busy time (${run.profile.busy_ms} ms):`);
      for (const r of run.profile.inclusive_of_busy.slice(0, 15))
        log(`    ${String(r.pct).padStart(5)}%  ${r.name}`);
    }
    if (interrupted) break;
    const check = prepared.verify ? await prepared.verify(ctx) : { ok: true };
    if (!check.ok) integrityFailed = true;
    const ratio = baseline.requests_per_sec > 0 ? run.requests_per_sec / baseline.requests_per_sec : 0;
    const ofFloor = floor?.requests_per_sec > 0 ? run.requests_per_sec / floor.requests_per_sec : null;
    const restarted = run.runtime_restarted || baseline.runtime_restarted || floor?.runtime_restarted;
    const verdict = !check.ok
      ? "INTEGRITY FAIL"
      : restarted
        ? "invalid (restart)"
        : ratio >= scenario.target
          ? "met"
          : "missed";
    const cpuRatio =
      run.workerd_cpu_ms_per_req && baseline.workerd_cpu_ms_per_req
        ? round(baseline.workerd_cpu_ms_per_req / run.workerd_cpu_ms_per_req, 3)
        : null;
    const floorCpuRatio =
      run.workerd_cpu_ms_per_req && floor?.workerd_cpu_ms_per_req
        ? round(floor.workerd_cpu_ms_per_req / run.workerd_cpu_ms_per_req, 3)
        : null;
    log(
      `  ${run.requests_per_sec} req/s vs no-op ${baseline.requests_per_sec} req/s: ratio ${ratio.toFixed(2)} (${verdict}); ` +
        `workerd CPU ${run.workerd_cpu_ms_per_req} vs ${baseline.workerd_cpu_ms_per_req} ms/req`,
    );
    if (floor)
      log(
        `  floor ${floor.requests_per_sec} req/s: share ${ofFloor?.toFixed(2) ?? "-"} (goal >= ${scenario.floorGoal}); ` +
          `floor workerd CPU ${floor.workerd_cpu_ms_per_req} ms/req`,
      );
    if (scenario.name === "hot-invoice")
      log(
        `  integrity: ${check.accepted_201} payments answered 201, invoice shows ${check.invoice_payments_count} for ${check.invoice_amount_paid} (expected ${check.accepted_sum}); lost ${check.lost}, doubled ${check.doubled}`,
      );
    rows.push({
      name: scenario.name,
      title: scenario.title,
      target: scenario.target,
      ratio: round(ratio, 3),
      cpu_ratio: cpuRatio,
      verdict,
      floor_goal: scenario.floorGoal,
      of_floor: ofFloor === null ? null : round(ofFloor, 3),
      floor_cpu_ratio: floorCpuRatio,
      baseline,
      floor,
      ...(floorError ? { floor_error: floorError } : {}),
      run,
      check,
      load_average_1m_before: round(loadAverage, 2),
    });
  }

  const report = {
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    config: {
      duration_s: DURATION,
      connections: CONNECTIONS,
      warmup_s: WARMUP,
      pipelining: 1,
      persist_root: PERSIST_ROOT,
      floor: flags.floor,
    },
    environment: {
      runtime: `wrangler dev ${wranglerVersion()} (local workerd), loopback`,
      node: process.version,
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model ?? null,
      memory_gb: round(os.totalmem() / 2 ** 30, 1),
      platform: `${os.platform()} ${os.release()}`,
      load_average_at_start: os.loadavg().map((l) => round(l, 2)),
    },
    note:
      "req/s counts 2xx only; ratio = scenario req/s / same-length GET /healthz req/s run just before it; " +
      "of_floor = scenario req/s / req/s of its floor (bench/floor/, only the storage work) run just before " +
      "that; floor_cpu_ratio = floor workerd CPU ms/req / scenario's",
    scenarios: rows,
  };
  mkdirSync(RESULTS, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(path.join(RESULTS, "latest.json"), json);
  const stamped = path.join(RESULTS, `${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(stamped, json);

  process.stdout.write(`\n${table(rows)}\n\n`);
  for (const r of rows.filter((r) => r.skipped)) process.stdout.write(`${r.name} skipped: ${r.skipped}\n`);
  const hot = rows.find((r) => r.name === "hot-invoice" && !r.skipped);
  if (hot) {
    const c = hot.check;
    process.stdout.write(
      `hot-invoice integrity: ${c.ok ? "OK" : "FAILED"}: ${c.accepted_201} payments answered 201 (sum ${c.accepted_sum}); ` +
        `invoice payments_count ${c.invoice_payments_count}, amount_paid ${c.invoice_amount_paid}; ` +
        `lost ${c.lost}, doubled ${c.doubled}, unexpected ${c.unexpected}; ${c.unanswered_replayed} unanswered (or 5xx) requests retried with their Idempotency-Key\n`,
    );
  }
  process.stdout.write(`results: ${path.relative(ROOT, stamped)} (and bench/results/latest.json)\n`);
  return integrityFailed ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  log(`bench failed: ${err?.stack ?? err}`);
  if (server?.tail?.length) log(`last wrangler output:\n${server.tail.join("\n")}`);
} finally {
  if (server) await server.stop();
}
process.exit(interrupted ? 130 : code);
