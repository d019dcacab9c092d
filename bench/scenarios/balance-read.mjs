// Balance reads: the same invoice read over and over, each answer checked against the known balance.

/** GET /v1/invoices/{id}: API-key lookup plus one Durable Object read, on an invoice with some payments. */
export const balanceRead = {
  name: "balance-read",
  title: "GET /v1/invoices/{id} (25 payments)",
  target: 0.8,
  floorGoal: 0.95,
  async prepare(ctx) {
    const invoiceId = `read_${ctx.runId}`;
    await ctx.must(
      "PUT",
      `/v1/invoices/${invoiceId}`,
      { key: ctx.key, body: { currency: "INR", total: 1_000_000, number: "READ-1" } },
      201,
    );
    for (let i = 0; i < 25; i++) {
      await ctx.must(
        "POST",
        `/v1/invoices/${invoiceId}/payments`,
        {
          key: ctx.key,
          body: { amount: 1000 + i, method: "cash" },
          headers: { "idempotency-key": `r-${i}` },
        },
        201,
      );
    }
    const expected = await ctx.must("GET", `/v1/invoices/${invoiceId}`, { key: ctx.key }, 200);
    let mismatched = 0;
    const paid = `"amount_paid":${expected.amount_paid},`;
    const headers = { authorization: `Bearer ${ctx.key}` };
    return {
      floor: {
        objects: [invoiceId],
        requests: [{ method: "GET", path: `/read/${invoiceId}`, headers }],
      },
      requests: [
        {
          method: "GET",
          path: `/v1/invoices/${invoiceId}`,
          headers,
          onResponse(code, body) {
            if (code === 200 && !body.includes(paid)) mismatched++;
          },
        },
      ],
      async verify() {
        return { ok: mismatched === 0, amount_paid: expected.amount_paid, wrong_balance_reads: mismatched };
      },
    };
  },
};
