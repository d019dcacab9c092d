import { inParallel } from "../lib/http.mjs";

/**
 * Webhook ingestion: every request a distinct, correctly signed payment delivery. With `pool`, deliveries
 * go round-robin over that many invoices created beforehand; without, each lands on a new invoice (and so
 * creates its Durable Object).
 */
export function ingestScenario(provider, build, { pool = 0 } = {}) {
  const suffix = pool ? "-existing" : "";
  return {
    name: `ingest-${provider}${suffix}`,
    title: pool
      ? `${provider} webhook, round-robin over ${pool} existing invoices`
      : `${provider} webhook, new invoice per delivery`,
    target: 0.6,
    floorGoal: 0.85,
    async prepare(ctx) {
      if (!ctx.available[provider]) {
        return {
          skip: `provider "${provider}" is not registered in this build or refused the bench's configuration (${ctx.missing[provider]})`,
        };
      }
      const tag = `${ctx.runId}-${provider}${suffix}`;
      const invoices = [];
      for (let i = 0; i < pool; i++) invoices.push(`inv_${tag}_pool_${i}`);
      await inParallel(invoices, 16, (id) =>
        ctx.must(
          "PUT",
          `/v1/invoices/${id}`,
          { key: ctx.key, body: { currency: "INR", total: 479030 } },
          201,
        ),
      );
      // The n-th delivery; the floor sends the same ones (same body sizes, same spread over objects).
      const nth = (n) => {
        const invoiceId = pool ? invoices[n % pool] : `inv_${tag}_${n}`;
        const amount = 100 + (n % 997);
        const eventId = `evt_${tag}_${n}`;
        const d = build(ctx.secrets[provider], { invoiceId, paymentId: `pay_${tag}_${n}`, amount, eventId });
        return { ...d, invoiceId, amount, eventId };
      };
      let seq = 0;
      const sent = new Map(); // event id -> delivery and what the Worker answered
      const delivery = () => {
        const { eventId, ...d } = nth(seq++);
        const entry = { ...d, outcome: null };
        sent.set(eventId, entry);
        return { eventId, entry };
      };
      const url = `/webhooks/${provider}/${ctx.merchantId}`;
      // One delivery by hand first: a shape or signature mismatch must skip loudly, not benchmark 4xx.
      const probe = delivery().entry;
      const r = await ctx.api("POST", url, { body: probe.body, headers: probe.headers });
      if (r.status !== 200 || r.body?.status !== "applied") {
        return { skip: `a signed ${provider} delivery was answered ${r.status} ${r.text.slice(0, 200)}` };
      }
      probe.outcome = "applied";
      let floorSeq = 0;
      return {
        // New invoices: each delivery creates its object; existing ones: a row into one of the same `pool`.
        floor: {
          objects: invoices,
          requests: [
            {
              method: "POST",
              setupRequest(req) {
                const d = nth(floorSeq++);
                const route = pool ? "write" : "create";
                return { ...req, path: `/${route}/${d.invoiceId}`, headers: d.headers, body: d.body };
              },
            },
          ],
        },
        requests: [
          {
            method: "POST",
            path: url,
            setupRequest(req, context) {
              const { eventId, entry } = delivery();
              context.eventId = eventId;
              return { ...req, headers: entry.headers, body: entry.body };
            },
            onResponse(status, body, context) {
              const entry = sent.get(context.eventId);
              if (entry) entry.outcome = status === 200 && body.includes('"applied"') ? "applied" : status;
            },
          },
        ],
        async verify(ctx) {
          // Deliveries cut off when the run stopped, or refused under load, are redelivered as the provider
          // would: the ledger must take each once ("applied" if it never landed, "duplicate" if it committed
          // unanswered).
          const retry = [...sent.values()].filter((e) => e.outcome !== "applied");
          await inParallel(retry, 8, async (e) => {
            const again = await ctx.api("POST", url, { body: e.body, headers: e.headers });
            e.outcome = again.status === 200 ? `replayed:${again.body.status}` : again.status;
          });
          const perInvoice = new Map();
          let accepted = 0;
          for (const e of sent.values()) {
            if (e.outcome !== "applied" && !String(e.outcome).startsWith("replayed:")) continue;
            accepted++;
            const t = perInvoice.get(e.invoiceId) ?? { count: 0, sum: 0 };
            t.count++;
            t.sum += e.amount;
            perInvoice.set(e.invoiceId, t);
          }
          // Check a spread of invoices (all would take minutes): what was acknowledged is in the ledger, once.
          const ids = [...perInvoice.keys()];
          const sample = Array.from(
            { length: Math.min(30, ids.length) },
            (_, i) => ids[Math.floor((i * ids.length) / Math.min(30, ids.length))],
          );
          let wrong = 0;
          for (const id of sample) {
            const inv = await ctx.api("GET", `/v1/invoices/${id}`, { key: ctx.key });
            const t = perInvoice.get(id);
            if (inv.status !== 200 || inv.body.payments_count !== t.count || inv.body.amount_paid !== t.sum)
              wrong++;
          }
          const failed = [...sent.values()].filter((e) => typeof e.outcome === "number").length;
          return {
            ok: wrong === 0 && failed === 0,
            deliveries_sent: sent.size,
            acknowledged: accepted,
            redelivered: retry.length,
            failed_after_redelivery: failed,
            invoices_spot_checked: sample.length,
            spot_check_failures: wrong,
          };
        },
      };
    },
  };
}
