// Hundreds of payments at one invoice at the same moment, through the public HTTP API, with retries of
// the same request racing the original: the balance must be exact and every line there exactly once.
import { describe, expect } from "vitest";
import { call, createInvoice, createMerchant, it, type Reply, track } from "../helpers";

interface Sent {
  key: string | null;
  amount: number;
  reply: Reply;
}

/** Deterministic shuffle, so a failure can be replayed. */
function shuffle<T>(items: T[], seed = 42): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Sends every request at once; proves they were all in flight together before any answer came back. */
async function fire(key: string, invoiceId: string, requests: Array<{ key: string | null; amount: number }>) {
  let inFlight = 0;
  let peak = 0;
  const sent = await Promise.all(
    requests.map(async (r): Promise<Sent> => {
      peak = Math.max(peak, ++inFlight);
      const reply = await call("POST", `/v1/invoices/${invoiceId}/payments`, {
        key,
        body: { amount: r.amount, method: "upi", reference: r.key },
        ...(r.key ? { headers: { "idempotency-key": r.key } } : {}),
      });
      inFlight--;
      return { ...r, reply };
    }),
  );
  expect(peak).toBe(requests.length);
  return sent;
}

async function allLines(key: string, invoiceId: string, limit: number) {
  const lines: any[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const q: string = cursor ? `?limit=${limit}&cursor=${encodeURIComponent(cursor)}` : `?limit=${limit}`;
    const res = await call("GET", `/v1/invoices/${invoiceId}/payments${q}`, { key });
    expect(res.status).toBe(200);
    lines.push(...res.body.data);
    cursor = res.body.next_cursor;
    if (!cursor) return lines;
  }
  throw new Error("pagination does not end");
}

const byKey = (sent: Sent[]) => {
  const groups = new Map<string, Sent[]>();
  for (const s of sent) if (s.key) groups.set(s.key, [...(groups.get(s.key) ?? []), s]);
  return groups;
};

describe("concurrent payments on one invoice", () => {
  it("220 payments and 100 racing retries: each payment once, the balance exact", async () => {
    const m = await createMerchant();
    const keyed = Array.from({ length: 200 }, (_, i) => ({ key: `pay-${i}`, amount: 100 + i }));
    const unkeyed = Array.from({ length: 20 }, (_, i) => ({ key: null, amount: 7 + i }));
    const retries = keyed.filter((_, i) => i % 2 === 0);
    const sum = [...keyed, ...unkeyed].reduce((n, r) => n + r.amount, 0);
    const { id } = await createInvoice(m.key, { currency: "INR", total: sum + 1000 });
    track(m.id, id);

    const sent = await fire(m.key, id, shuffle([...keyed, ...unkeyed, ...retries]));
    expect(sent).toHaveLength(320);

    // Every request succeeded; every retry got the very response of its original.
    for (const s of sent) expect(s.reply.status, s.reply.text).toBe(201);
    for (const [key, group] of byKey(sent)) {
      expect(group.length).toBe(Number(key.slice(4)) % 2 === 0 ? 2 : 1);
      for (const s of group) expect(s.reply.body, key).toEqual(group[0]!.reply.body);
      expect(group[0]!.reply.body.payment).toMatchObject({
        idempotency_key: key,
        amount: group[0]!.amount,
      });
    }
    const paymentIds = new Set(sent.map((s) => s.reply.body.payment.id as string));
    expect(paymentIds.size).toBe(220);

    const invoice = (await call("GET", `/v1/invoices/${id}`, { key: m.key })).body;
    expect(invoice).toMatchObject({
      amount_paid: sum,
      amount_due: 1000,
      payments_count: 220,
      status: "partially_paid",
    });

    const lines = await allLines(m.key, id, 37);
    expect(lines).toHaveLength(220);
    expect(new Set(lines.map((l) => l.id))).toEqual(paymentIds);
    expect(lines.reduce((n, l) => n + l.amount, 0)).toBe(sum);
    expect(new Set(lines.map((l) => l.external_id)).size).toBe(220);
    // The client's key is shown on its payment, never used as the line's id.
    const keys = lines.map((l) => l.idempotency_key);
    expect(keys).toEqual(expect.arrayContaining(keyed.map((k) => k.key)));
    expect(keys.filter((k) => k === null)).toHaveLength(20);
  });

  it("one key, two different bodies at once: exactly one is recorded, the other is 409", async () => {
    const m = await createMerchant();
    const { id } = await createInvoice(m.key, { currency: "INR", total: 1_000_000 });
    track(m.id, id);
    const pairs = Array.from({ length: 50 }, (_, i) => [
      { key: `k-${i}`, amount: 1000 },
      { key: `k-${i}`, amount: 2000 },
    ]).flat();
    const sent = await fire(m.key, id, shuffle(pairs, 7));
    let expected = 0;
    for (const [key, group] of byKey(sent)) {
      const won = group.filter((s) => s.reply.status === 201);
      const lost = group.filter((s) => s.reply.status !== 201);
      expect(won, key).toHaveLength(1);
      expect(lost[0]!.reply.status).toBe(409);
      expect(lost[0]!.reply.body.error.code).toBe("idempotency_key_reused");
      expect(won[0]!.reply.body.payment.amount).toBe(won[0]!.amount);
      expected += won[0]!.amount;
    }
    const invoice = (await call("GET", `/v1/invoices/${id}`, { key: m.key })).body;
    expect(invoice).toMatchObject({ amount_paid: expected, payments_count: 50 });
    expect(await allLines(m.key, id, 200)).toHaveLength(50);
  });

  it("more than is due at once: exactly the payments that fit are recorded, the rest get 422", async () => {
    const m = await createMerchant();
    // 100 payments of 100 fit in 10,050; the 50 left is less than any payment, so the rest are refused.
    const { id } = await createInvoice(m.key, { currency: "INR", total: 10_050 });
    track(m.id, id);
    const requests = Array.from({ length: 200 }, (_, i) => ({ key: `over-${i}`, amount: 100 }));
    const retries = requests.filter((_, i) => i % 4 === 0);
    const sent = await fire(m.key, id, shuffle([...requests, ...retries], 3));

    const groups = byKey(sent);
    let accepted = 0;
    let refused = 0;
    for (const [key, group] of groups) {
      for (const s of group) expect(s.reply.body, key).toEqual(group[0]!.reply.body);
      const first = group[0]!.reply;
      if (first.status === 201) accepted++;
      else {
        expect(first.status, first.text).toBe(422);
        expect(first.body.error.code).toBe("amount_exceeds_due");
        refused++;
      }
    }
    expect(accepted).toBe(100);
    expect(refused).toBe(100);

    const invoice = (await call("GET", `/v1/invoices/${id}`, { key: m.key })).body;
    expect(invoice).toMatchObject({
      amount_paid: 10_000,
      amount_due: 50,
      payments_count: 100,
      status: "partially_paid",
    });
    const lines = await allLines(m.key, id, 50);
    expect(lines).toHaveLength(100);
    const acceptedIds = [...groups.values()]
      .map((g) => g[0]!.reply)
      .filter((r) => r.status === 201)
      .map((r) => r.body.payment.id);
    expect(new Set(lines.map((l) => l.id))).toEqual(new Set(acceptedIds));
  });

  it("racing payments of different sizes never take the invoice past its total", async () => {
    const m = await createMerchant();
    const total = 50_000;
    const { id } = await createInvoice(m.key, { currency: "INR", total });
    track(m.id, id);
    const requests = Array.from({ length: 200 }, (_, i) => ({
      key: `mix-${i}`,
      amount: 50 + ((i * 7919) % 900),
    }));
    const sent = await fire(m.key, id, shuffle(requests, 11));

    const accepted = sent.filter((s) => s.reply.status === 201);
    const refused = sent.filter((s) => s.reply.status !== 201);
    const paid = accepted.reduce((n, s) => n + s.amount, 0);
    expect(paid).toBeLessThanOrEqual(total);
    const invoice = (await call("GET", `/v1/invoices/${id}`, { key: m.key })).body;
    expect(invoice).toMatchObject({
      amount_paid: paid,
      amount_due: total - paid,
      payments_count: accepted.length,
    });
    // What is due only shrinks, so everything refused was more than what is due now; once nothing is
    // due the invoice is paid and refuses with 409 instead.
    for (const s of refused) {
      if (s.reply.status === 422) {
        expect(s.reply.body.error.code).toBe("amount_exceeds_due");
        expect(s.amount).toBeGreaterThan(invoice.amount_due);
      } else {
        expect(s.reply.status, s.reply.text).toBe(409);
        expect(s.reply.body.error.code).toBe("invoice_not_payable");
        expect(invoice.status).toBe("paid");
      }
    }
    const lines = await allLines(m.key, id, 64);
    expect(lines.map((l) => l.idempotency_key).sort()).toEqual(accepted.map((s) => s.key).sort());
  });
});
