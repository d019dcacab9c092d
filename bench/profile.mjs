// `npx node bench/profile.mjs`: one request at a time (no concurrency), the p50/p90 latency and the workerd CPU
// per request of each kind of request, to see where a scenario's time goes: routing, API-key lookup (KV),
// Durable Object creation and migrations, SQLite commits, signature checks. PROFILE_N sets the requests per
// kind (default 200); BENCH_PERSIST_DIR puts wrangler's state elsewhere (e.g. /dev/shm).
import crypto from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { newWhsec, razorpayDelivery, standardDelivery } from "./lib/deliveries.mjs";
import { startWrangler } from "./lib/wrangler.mjs";

if (Number(process.versions.node.split(".")[0]) < 22) {
  console.error(
    `wrangler needs Node >= 22; this is ${process.version}. Run it as \`npx node bench/profile.mjs\`.`,
  );
  process.exit(1);
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const N = Number(process.env.PROFILE_N ?? 200);
const ADMIN = crypto.randomBytes(16).toString("hex");
const server = await startWrangler({
  cwd: ROOT,
  vars: { ADMIN_TOKEN: ADMIN, LOG_LEVEL: "silent" },
  persistRoot: process.env.BENCH_PERSIST_DIR,
  onLog: process.env.PROFILE_VERBOSE ? (l) => process.stderr.write(`  [wrangler] ${l}\n`) : undefined,
});
const stop = async () => {
  await server.stop();
  process.exit(130);
};
process.on("SIGINT", stop);

async function call(method, p, { body, headers = {} } = {}) {
  const res = await fetch(`${server.origin}${p}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, text };
}

async function time(label, n, make, expect) {
  const ms = [];
  const before = server.cpuMs();
  for (let i = 0; i < n; i++) {
    const { method, path: p, body, headers } = make(i);
    const t = performance.now();
    const r = await call(method, p, { body, headers });
    ms.push(performance.now() - t);
    if (!expect.includes(r.status)) throw new Error(`${label}: ${r.status} ${r.text.slice(0, 200)}`);
  }
  const after = server.cpuMs();
  ms.sort((a, b) => a - b);
  const q = (f) => ms[Math.min(ms.length - 1, Math.floor(f * ms.length))].toFixed(2);
  const cpu = (name) => (((after?.[name] ?? 0) - (before?.[name] ?? 0)) / n).toFixed(2);
  process.stdout.write(
    `${label.padEnd(58)} p50 ${q(0.5).padStart(6)} ms  p90 ${q(0.9).padStart(6)} ms  workerd CPU ${cpu("workerd").padStart(5)} ms/req  wrangler(node) ${cpu("node")} ms/req\n`,
  );
}

try {
  const run = Date.now().toString(36);
  const whsec = newWhsec();
  const rzp = crypto.randomBytes(24).toString("base64url");
  const m = `prof-${run}`;
  const admin = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };
  await call("PUT", `/admin/merchants/${m}`, {
    headers: admin,
    body: JSON.stringify({
      name: "profile",
      providers: { standard: { secrets: [whsec] }, razorpay: { webhook_secrets: [rzp] } },
    }),
  });
  const { key } = JSON.parse((await call("POST", `/admin/merchants/${m}/api-keys`, { headers: admin })).text);
  const auth = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  const put = (id) => ({
    method: "PUT",
    path: `/v1/invoices/${id}`,
    headers: auth,
    body: JSON.stringify({ currency: "INR", total: 10_000_000 }),
  });

  process.stdout.write(`sequential, ${N} requests each, ${server.origin}\n`);
  for (let round = 0; round < 2; round++) {
    if (round === 1) process.stdout.write("-- again, warm --\n");
    const tag = `${run}${round}`;
    await time("GET /healthz (no-op)", N, () => ({ method: "GET", path: "/healthz" }), [200]);
    await time("GET /no-such-route (404, no I/O)", N, () => ({ method: "GET", path: "/nope" }), [404]);
    await time(
      "GET /v1/invoices/{new id} (KV key lookup + new DO, 404)",
      N,
      (i) => ({ method: "GET", path: `/v1/invoices/x${tag}_${i}`, headers: auth }),
      [404],
    );
    await time("PUT /v1/invoices/{new id} (new DO + 1 commit)", N, (i) => put(`c${tag}_${i}`), [201]);
    await time(
      "GET /v1/invoices/{existing, same DO}",
      N,
      () => ({ method: "GET", path: `/v1/invoices/c${tag}_0`, headers: auth }),
      [200],
    );
    await time(
      "GET /v1/invoices/{existing, a different DO each time}",
      N,
      (i) => ({ method: "GET", path: `/v1/invoices/c${tag}_${i}`, headers: auth }),
      [200],
    );
    await time(
      "POST payment, same invoice (1 commit)",
      N,
      (i) => ({
        method: "POST",
        path: `/v1/invoices/c${tag}_0/payments`,
        headers: { ...auth, "idempotency-key": `k${tag}_${i}` },
        body: JSON.stringify({ amount: 100, allow_overpayment: true }),
      }),
      [201],
    );
    await time(
      "POST payment, a different existing invoice each time",
      N,
      (i) => ({
        method: "POST",
        path: `/v1/invoices/c${tag}_${i}/payments`,
        headers: { ...auth, "idempotency-key": `j${tag}_${i}` },
        body: JSON.stringify({ amount: 100 }),
      }),
      [201],
    );
    await time(
      "standard webhook, existing invoice (DO already created)",
      N,
      (i) => {
        const d = standardDelivery(whsec, {
          invoiceId: `c${tag}_${i}`,
          paymentId: `p${tag}_${i}`,
          amount: 100,
          eventId: `e${tag}_${i}`,
        });
        return { method: "POST", path: `/webhooks/standard/${m}`, headers: d.headers, body: d.body };
      },
      [200],
    );
    await time(
      "standard webhook, new invoice (new DO)",
      N,
      (i) => {
        const d = standardDelivery(whsec, {
          invoiceId: `s${tag}_${i}`,
          paymentId: `p${tag}_${i}`,
          amount: 100,
          eventId: `f${tag}_${i}`,
        });
        return { method: "POST", path: `/webhooks/standard/${m}`, headers: d.headers, body: d.body };
      },
      [200],
    );
    await time(
      "standard webhook, bad signature (401, no DO)",
      N,
      (i) => {
        const d = standardDelivery(newWhsec(), {
          invoiceId: `z${tag}_${i}`,
          paymentId: `p${tag}_${i}`,
          amount: 100,
          eventId: `g${tag}_${i}`,
        });
        return { method: "POST", path: `/webhooks/standard/${m}`, headers: d.headers, body: d.body };
      },
      [401],
    );
    await time(
      "razorpay webhook, new invoice (new DO)",
      N,
      (i) => {
        const d = razorpayDelivery(rzp, {
          invoiceId: `inv_r${tag}_${i}`,
          paymentId: `pay_r${tag}_${i}`,
          amount: 100,
          eventId: `evt_r${tag}_${i}`,
        });
        return { method: "POST", path: `/webhooks/razorpay/${m}`, headers: d.headers, body: d.body };
      },
      [200],
    );
  }
} finally {
  await server.stop();
}
