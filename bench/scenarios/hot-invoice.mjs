// One hot invoice: many concurrent payments on one Durable Object, then proof that none was lost or doubled.

/** Each payment carries its own Idempotency-Key, so retries are safe and every 201 is one distinct payment. */
export const hotInvoice = {
  name: "hot-invoice",
  title: "concurrent payments on one invoice",
  target: 0.4,
  floorGoal: 0.9,
  async prepare(ctx) {
    const invoiceId = `hot_${ctx.runId}`;
    await ctx.must(
      "PUT",
      `/v1/invoices/${invoiceId}`,
      // Large enough never to be paid off within a run: a paid invoice refuses payments (409).
      { key: ctx.key, body: { currency: "INR", total: 1_000_000_000_000, number: "HOT-1" } },
      201,
    );
    const sent = new Map(); // idempotency key -> body
    const status = new Map(); // idempotency key -> status of the answer seen
    // The n-th payment; the floor sends the same ones, so it reads bodies and headers of the same size.
    const nth = (n) => {
      const key = `bench-${ctx.runId}-${n}`;
      const body = JSON.stringify({
        amount: 100 + (n % 900),
        method: "upi",
        reference: `r${n}`,
        allow_overpayment: true,
      });
      const headers = {
        authorization: `Bearer ${ctx.key}`,
        "content-type": "application/json",
        "idempotency-key": key,
      };
      return { key, body, headers };
    };
    let seq = 0;
    let floorSeq = 0;
    const paymentsPath = `/v1/invoices/${invoiceId}/payments`;
    return {
      floor: {
        objects: [invoiceId],
        requests: [
          {
            method: "POST",
            path: `/hot/${invoiceId}`,
            setupRequest(req) {
              const { headers, body } = nth(floorSeq++);
              return { ...req, headers, body };
            },
          },
        ],
      },
      requests: [
        {
          method: "POST",
          path: paymentsPath,
          setupRequest(req, context) {
            const { key, body, headers } = nth(seq++);
            sent.set(key, body);
            context.key = key;
            return { ...req, headers, body };
          },
          onResponse(code, _body, context) {
            status.set(context.key, code);
          },
        },
      ],
      async verify(ctx) {
        // A request cut off when the run stopped (or timed out), or answered 5xx, may or may not have
        // committed: a client retries it with the same Idempotency-Key, and so do we, which also exercises
        // the replay path.
        const unanswered = [...sent.keys()].filter((k) => !status.has(k) || status.get(k) >= 500);
        const replayed = {};
        for (const k of unanswered) {
          const r = await ctx.api("POST", paymentsPath, {
            key: ctx.key,
            body: sent.get(k),
            headers: { "idempotency-key": k, "content-type": "application/json" },
          });
          status.set(k, r.status);
          replayed[r.status] = (replayed[r.status] ?? 0) + 1;
        }
        const accepted = [...status].filter(([, s]) => s === 201).map(([k]) => k);
        const acceptedSum = accepted.reduce((s, k) => s + JSON.parse(sent.get(k)).amount, 0);
        const invoice = await ctx.must("GET", `/v1/invoices/${invoiceId}`, { key: ctx.key }, 200);

        const lines = [];
        for (let cursor = null; ; ) {
          const page = await ctx.must(
            "GET",
            `${paymentsPath}?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
            { key: ctx.key },
            200,
          );
          lines.push(...page.data);
          if (!page.next_cursor) break;
          cursor = page.next_cursor;
        }
        const acceptedSet = new Set(accepted);
        // A payment line keeps the request's Idempotency-Key; its external_id is an id of the ledger's own.
        const ledgerKeys = lines.filter((l) => l.kind === "payment").map((l) => l.idempotency_key);
        const ledgerSet = new Set(ledgerKeys);
        const lost = accepted.filter((k) => !ledgerSet.has(k));
        const extra = [...ledgerSet].filter((k) => !acceptedSet.has(k));
        const doubled = ledgerKeys.length - ledgerSet.size;
        const ok =
          invoice.payments_count === accepted.length &&
          invoice.amount_paid === acceptedSum &&
          lost.length === 0 &&
          extra.length === 0 &&
          doubled === 0;
        return {
          ok,
          requests_sent: sent.size,
          accepted_201: accepted.length,
          accepted_sum: acceptedSum,
          invoice_payments_count: invoice.payments_count,
          invoice_amount_paid: invoice.amount_paid,
          ledger_payment_lines: ledgerKeys.length,
          lost: lost.length,
          doubled,
          unexpected: extra.length,
          unanswered_replayed: unanswered.length,
          replay_statuses: replayed,
          non_201: [...status.values()].filter((s) => s !== 201).length,
        };
      },
    };
  },
};
