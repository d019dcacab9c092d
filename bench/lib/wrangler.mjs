// Starts `wrangler dev` on loopback with throwaway state, and stops it (and its workerd) on every exit path.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const require = createRequire(import.meta.url);

/** A port the OS just handed out and released: free now, and never wrangler's default 8787. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => (port === 8787 ? resolve(freePort()) : resolve(port)));
    });
  });
}

const TICK_MS = 10; // USER_HZ is 100 on Linux: /proc times are in 10 ms ticks.

/**
 * CPU time (user + system, ms) used so far by every process in a process group, by command name
 * ("workerd", "node"), from /proc. Linux only; elsewhere null. Exited processes no longer count.
 */
export function groupCpuMs(pgid) {
  if (process.platform !== "linux") return null;
  const byName = {};
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp ...": comm may contain spaces, so split after the last ')'.
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const fields = stat.slice(close + 2).split(" ");
    if (Number(fields[2]) !== pgid) continue;
    const ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    const name = comm.startsWith("workerd") ? "workerd" : comm === "MainThread" ? "node" : comm;
    byName[name] = (byName[name] ?? 0) + ms;
  }
  return byName;
}

export function wranglerVersion() {
  return require("wrangler/package.json").version;
}

/**
 * Bundles the Worker once (`wrangler deploy --dry-run`, the code a deploy would upload) and serves that
 * bundle with `wrangler dev --no-bundle` and a copy of its wrangler.toml (`configPath`, default the project's):
 * edits to the sources or the config during a run cannot trigger a rebuild and restart. The floor worker
 * (bench/floor/) goes through here too, so both run under the same flags and the same kind of state.
 * Spawns wrangler in its own process group so one signal reaches wrangler and the workerd it starts.
 * `vars` go in with --var, which takes precedence over .dev.vars.
 * A start that dies before answering (a port taken between freePort() and wrangler's bind, a workerd that
 * failed to come up) is retried on fresh ports, up to `attempts` times.
 */
export async function startWrangler({
  cwd,
  configPath = path.join(cwd, "wrangler.toml"),
  vars = {},
  logLevel = "warn",
  readyTimeoutMs = 120_000,
  attempts = 3,
  onLog,
  persistRoot = os.tmpdir(),
}) {
  const workDir = mkdtempSync(path.join(persistRoot, "invoice-ledger-bench-"));
  const outDir = path.join(workDir, "dist");
  // The bin shim re-execs `node`; run the CLI with this Node (24, from node_modules) instead.
  const cli = path.join(path.dirname(require.resolve("wrangler/package.json")), "bin", "wrangler.js");
  // wrangler dev restarts the runtime when its config changes; serve from a copy taken now, like the bundle.
  const config = path.join(workDir, "wrangler.toml");
  // The per-API-key limit (600 a minute) would answer most of a load run with 429: the copy served here
  // raises every [[ratelimits]] limit so the bench measures the service, not the limiter.
  writeFileSync(config, readFileSync(configPath, "utf8").replace(/(simple = \{ limit = )\d+/g, "$11000000"));
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0" };
  const build = spawnSync(
    process.execPath,
    [cli, "deploy", "--dry-run", "--config", configPath, "--outdir", outDir],
    { cwd, env, encoding: "utf8" },
  );
  // The bundle is named after the entry point (src/index.ts -> index.js); other .js files beside it are
  // modules it imports (the reference page's text assets), never the entry.
  const files = build.status === 0 ? readdirSync(outDir) : [];
  const bundleName = files.includes("index.js") ? "index.js" : files.find((f) => f.endsWith(".js"));
  if (!bundleName) {
    rmSync(workDir, { recursive: true, force: true });
    throw new Error(`wrangler deploy --dry-run failed:\n${build.stdout}\n${build.stderr}`);
  }
  const bundle = path.join(outDir, bundleName);
  const failures = [];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const persistTo = path.join(workDir, `state-${attempt}`);
    try {
      const server = await serve({
        cli,
        cwd,
        env,
        bundle,
        config,
        persistTo,
        vars,
        logLevel,
        readyTimeoutMs,
        onLog,
      });
      const stop = async () => {
        await server.stop();
        rmSync(workDir, { recursive: true, force: true });
      };
      return { ...server, persistTo, bundle, stop };
    } catch (err) {
      failures.push(`attempt ${attempt}: ${err.message}`);
      onLog?.(`wrangler dev did not come up (attempt ${attempt} of ${attempts})`);
    }
  }
  rmSync(workDir, { recursive: true, force: true });
  throw new Error(failures.join("\n\n"));
}

/** One `wrangler dev` on fresh ports; resolves once GET /healthz answers 2xx, stops it and throws otherwise. */
async function serve({ cli, cwd, env, bundle, config, persistTo, vars, logLevel, readyTimeoutMs, onLog }) {
  const port = await freePort();
  const inspectorPort = await freePort();
  const args = [
    cli,
    "dev",
    bundle,
    "--no-bundle",
    "--config",
    config,
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--persist-to",
    persistTo,
    "--log-level",
    logLevel,
    "--show-interactive-dev-session=false",
    ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  const child = spawn(process.execPath, args, {
    cwd,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  const tail = [];
  const keep = (chunk) => {
    for (const line of chunk.toString().split("\n")) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 60) tail.shift();
      onLog?.(line);
    }
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let exited = null;
  const exitPromise = new Promise((resolve) =>
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }),
  );

  const origin = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {}
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {}
      }, 5000);
      await exitPromise;
      clearTimeout(timer);
    }
    // workerd may outlive wrangler by a moment; the group kill above reaches it before the state goes.
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  };

  const started = Date.now();
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(
        `wrangler dev exited (${JSON.stringify(exited)}) before answering:\n${tail.join("\n")}`,
      );
    }
    if (Date.now() - started > readyTimeoutMs) {
      await stop();
      throw new Error(`wrangler dev did not answer within ${readyTimeoutMs} ms:\n${tail.join("\n")}`);
    }
    try {
      const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 300));
  }
  return { origin, port, inspectorPort, pid: child.pid, stop, tail, cpuMs: () => groupCpuMs(child.pid) };
}
