// The summary table printed at the end of `npm run bench`.

const dashes = (n) => Array(n).fill("-");

export function table(rows) {
  const header = [
    "scenario",
    "req/s",
    "p50 ms",
    "p99 ms",
    "no-op req/s",
    "ratio",
    "target",
    "result",
    "CPU ms/req",
    "CPU ratio",
    "floor req/s",
    "of floor",
    "floor goal",
    "floor CPU ratio",
  ];
  const body = rows.map((r) =>
    r.skipped
      ? [r.name, ...dashes(5), `>= ${r.target}`, "skipped", ...dashes(4), `>= ${r.floor_goal}`, "-"]
      : [
          r.name,
          String(r.run.requests_per_sec),
          String(r.run.latency_p50_ms),
          String(r.run.latency_p99_ms),
          String(r.baseline.requests_per_sec),
          r.ratio.toFixed(2),
          `>= ${r.target}`,
          r.verdict,
          r.run.workerd_cpu_ms_per_req === null || r.baseline.workerd_cpu_ms_per_req === null
            ? "-"
            : `${r.run.workerd_cpu_ms_per_req} / ${r.baseline.workerd_cpu_ms_per_req}`,
          r.cpu_ratio === null ? "-" : r.cpu_ratio.toFixed(2),
          r.floor ? String(r.floor.requests_per_sec) : "-",
          r.of_floor === null ? "-" : r.of_floor.toFixed(2),
          `>= ${r.floor_goal}`,
          r.floor_cpu_ratio === null ? "-" : r.floor_cpu_ratio.toFixed(2),
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [
    line(header),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...body.map(line),
    "",
    "ratio: req/s (2xx only) / req/s of GET /healthz in the run just before. CPU ms/req: workerd CPU per",
    "response, scenario / no-op; CPU ratio = no-op / scenario, the ratio to expect when workerd alone is the",
    "bottleneck (it holds when other processes compete for the cores, which the req/s ratio does not).",
    "of floor: req/s / req/s of the scenario's floor (bench/floor/: the body read, one Durable Object call and",
    "only the storage work of that request kind) in its own wrangler dev just before; floor goal from the",
    "performance issue. floor CPU ratio = floor's workerd CPU ms/req / scenario's, the share to expect when",
    "workerd alone is the bottleneck.",
  ].join("\n");
}
