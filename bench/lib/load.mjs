// One bounded autocannon run with progress on stderr, summarized to the few numbers the report needs.
import autocannon from "autocannon";

let current = null;

/** Stops the run in progress (SIGINT); autocannon then calls back with what it measured so far. */
export const stopCurrent = () => current?.stop();

const tty = process.stderr.isTTY;
function progress(text, final = false) {
  if (tty) process.stderr.write(`\r\x1b[2K${text}${final ? "\n" : ""}`);
  else process.stderr.write(`${text}\n`);
}

/**
 * Drives `requests` (autocannon request objects; setupRequest/onResponse allowed) for `duration` seconds over
 * `connections` keep-alive connections, one request in flight per connection.
 */
export function drive(origin, label, { duration, connections, requests, timeout = 10 }) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let responses = 0;
    const instance = autocannon(
      { url: origin, connections, duration, pipelining: 1, timeout, requests },
      (err, result) => {
        clearInterval(ticker);
        current = null;
        if (err) return reject(err);
        progress(`  ${label}: done, ${responses} responses in ${result.duration} s`, true);
        resolve(result);
      },
    );
    current = instance;
    instance.on("response", () => responses++);
    const every = tty ? 1000 : 5000;
    const ticker = setInterval(() => {
      const s = ((Date.now() - started) / 1000).toFixed(0);
      progress(`  ${label}: ${s}/${duration} s, ${responses} responses`);
    }, every);
  });
}

/** Successful req/s over the whole run (errors answered fast must not inflate throughput), latencies in ms. */
export function summarize(result) {
  const ok = result["2xx"];
  return {
    requests_per_sec: round(ok / result.duration),
    latency_p50_ms: result.latency.p50,
    latency_p99_ms: result.latency.p99,
    latency_avg_ms: round(result.latency.average),
    latency_max_ms: result.latency.max,
    duration_s: result.duration,
    responses: result.requests.total,
    ok_2xx: ok,
    non_2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    status_codes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count])),
  };
}

export const round = (n, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
