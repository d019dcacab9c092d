// A V8 CPU profile of the Worker's isolate, taken through wrangler dev's DevTools inspector endpoint, and
// a flat summary of it: self time per function, and per part of the code (ledger, providers, zod, ...).

/** Connects to the Worker's inspector; resolves to { start(), stop() -> profile, close() }. */
export async function connectProfiler(inspectorPort) {
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const target = targets.find((t) => t.webSocketDebuggerUrl);
  if (!target) throw new Error("no inspector target");
  // The inspector proxy refuses upgrades without an allowed Origin.
  const ws = new WebSocket(target.webSocketDebuggerUrl, { headers: { origin: "http://localhost" } });
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", () => reject(new Error("inspector websocket failed")), { once: true });
  });
  // The proxy renumbers message ids, so commands go one at a time and the next reply answers the last one.
  let waiting = null;
  ws.addEventListener("message", (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.id === undefined || !waiting) return;
    const { resolve, reject } = waiting;
    waiting = null;
    if (msg.error) reject(new Error(msg.error.message));
    else resolve(msg.result);
  });
  let chain = Promise.resolve();
  let nextId = 1;
  const send = (method, params = {}) => {
    const run = chain.then(
      () =>
        new Promise((resolve, reject) => {
          waiting = { resolve, reject };
          ws.send(JSON.stringify({ id: nextId++, method, params }));
        }),
    );
    chain = run.catch(() => {});
    return run;
  };
  await send("Profiler.enable");
  return {
    start: async (intervalUs = 200) => {
      await send("Profiler.setSamplingInterval", { interval: intervalUs });
      await send("Profiler.start");
    },
    stop: async () => (await send("Profiler.stop")).profile,
    close: () => ws.close(),
  };
}

/** Where a bundled frame came from, via the bundle's source map: "src/ledger/invoice-ledger.ts", "node_modules/zod". */
function origin(sourceMap, f) {
  const entry = sourceMap?.findEntry(f.lineNumber, f.columnNumber);
  const src = entry?.originalSource;
  if (!src) return { file: f.url.split("/").pop(), line: f.lineNumber + 1 };
  const line = (entry.originalLine ?? 0) + 1;
  const i = src.lastIndexOf("node_modules/");
  if (i >= 0) {
    const parts = src.slice(i + 13).split("/");
    return { file: `node_modules/${parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]}`, line };
  }
  const j = src.lastIndexOf("src/");
  return { file: j >= 0 ? src.slice(j) : src.split("/").slice(-2).join("/"), line };
}

/**
 * Self time by function and by source file (through the bundle's source map, a node:module SourceMap), and
 * the service's own functions by inclusive time. Native frames (SQLite calls, Web Crypto, JSON) have no url
 * and are listed by name.
 */
export function summarizeProfile(profile, sourceMap, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map();
  const files = new Map();
  for (const [id, us] of self) {
    const f = byId.get(id).callFrame;
    const where = f.url ? origin(sourceMap, f) : null;
    const file =
      where?.file ?? (f.functionName.startsWith("(") ? f.functionName : `native ${f.functionName}`);
    const key = `${f.functionName || "(anonymous)"} [${where ? `${where.file}:${where.line}` : file}]`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    files.set(file, (files.get(file) ?? 0) + us);
  }
  // Inclusive: each busy sample counts once for every distinct function on its stack, as a share of the
  // isolate's busy time (idle left out), which is how the README's "parts of a request" are read.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map();
  let busy = 0;
  for (const [id, us] of self) {
    if (byId.get(id).callFrame.functionName === "(idle)") continue;
    busy += us;
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur).callFrame;
      if (!f.url) continue;
      const where = origin(sourceMap, f);
      if (!where.file.startsWith("src/")) continue;
      const key = `${f.functionName || "(anonymous)"} [${where.file}:${where.line}]`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const rows = (m, n, of = total) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: Math.round((us / of) * 1000) / 10 }));
  return {
    total_ms: Math.round(total / 1000),
    busy_ms: Math.round(busy / 1000),
    by_source: rows(files, top),
    by_function: rows(fn, top),
    inclusive_of_busy: rows(inclusive, 40, busy),
  };
}
