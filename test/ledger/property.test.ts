// Drives the real InvoiceLedger Durable Object with random sequences of provider lines, replays, conflicts,
// write-offs, adjustments, reversals, merchant payments (with idempotency keys), re-totals and voids, and
// checks every answer and the final state against a reference model written from the spec alone.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect } from "vitest";
import type { IngestCommand, PaymentCommand } from "../../src/ledger/commands";
import type { InvoiceLedger } from "../../src/ledger/invoice-ledger";
import type { InvoiceState, LineInput, LineKind, ListedLine, Totals } from "../../src/ledger/types";
import { dropTrackedAlarms, it, track, uid } from "../helpers";

const CURRENCIES = ["INR", "USD"] as const;
type Currency = (typeof CURRENCIES)[number];
const SOURCES = ["stripe", "razorpay"] as const;
type Source = (typeof SOURCES)[number];

// ---------------------------------------------------------------- operations

interface LineSpec {
  kind: LineKind;
  source: Source;
  ext: string;
  amount: number;
  tds: number;
  fee: number;
  currency: Currency;
  /** Reversals name their target by the source's id; it may be a line the ledger never saw. */
  target?: { source: Source; ext: string };
}

type Op =
  | { t: "ingest"; lines: LineSpec[] }
  | { t: "replay"; pick: number; change: "same" | "amount" | "tds" | "currency" | "kind" | "fee" }
  | { t: "redeliver"; pick: number; alter: boolean }
  /** The payment's own provider reports its refund: often money the merchant already reversed through the API. */
  | { t: "refund"; pick: number; part: "all" | "half" | "more" }
  | {
      t: "pay";
      amount?: number;
      tds: number;
      fee: number;
      currency?: Currency;
      allowOverpayment: boolean;
      key?: string;
    }
  | { t: "repay"; pick: number }
  /** The merchant's own write-off (amount absent: all that is due) or signed adjustment. */
  | { t: "correct"; kind: "write_off" | "adjustment"; amount?: number; currency?: Currency }
  | { t: "reverse"; pick: number; among: "lines" | "payments" | "reversed" | "unknown" }
  | { t: "retotal"; total: number; currency: Currency }
  | { t: "void" };

// Small id pools so that the same (source, external id) comes back often: as a duplicate or a conflict.
const extId = fc.constantFrom("e0", "e1", "e2", "e3", "e4", "e5");
const source = fc.constantFrom(...SOURCES);
const mostlyInr = fc.constantFrom<Currency>("INR", "INR", "INR", "INR", "USD");
const fee = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 300 }));

const paymentSpec = fc
  .record({
    source,
    ext: extId,
    amount: fc.integer({ min: 0, max: 4000 }),
    tds: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 500 })),
    fee,
    currency: mostlyInr,
  })
  .map((p): LineSpec => ({ ...p, kind: "payment", amount: p.amount + p.tds === 0 ? 1 : p.amount }));

const positiveSpec = (kind: "write_off" | "reversal") =>
  fc
    .record({
      source,
      ext: extId.map((e) => (kind === "reversal" ? `r${e}` : `w${e}`)),
      amount: fc.integer({ min: 1, max: 3000 }),
      fee,
      currency: mostlyInr,
      // Mostly a named payment, seen or not yet; sometimes none (a refund that names only its source).
      target: fc.oneof(
        {
          arbitrary: fc.record({
            source,
            ext: fc.constantFrom("e0", "e1", "e2", "e3", "e4", "e5", "never-seen"),
          }),
          weight: 4,
        },
        { arbitrary: fc.constant(undefined), weight: 1 },
      ),
    })
    .map(
      (p): LineSpec => ({
        ...p,
        kind,
        tds: 0,
        ...(kind === "write_off" || !p.target ? { target: undefined } : {}),
      }),
    );

const adjustmentSpec = fc
  .record({
    source,
    ext: extId.map((e) => `a${e}`),
    amount: fc.integer({ min: -2000, max: 2000 }).filter((n) => n !== 0),
    fee,
    currency: mostlyInr,
  })
  .map((p): LineSpec => ({ ...p, kind: "adjustment", tds: 0 }));

const lineSpec = fc.oneof(
  { arbitrary: paymentSpec, weight: 5 },
  { arbitrary: positiveSpec("reversal"), weight: 2 },
  { arbitrary: positiveSpec("write_off"), weight: 1 },
  { arbitrary: adjustmentSpec, weight: 1 },
);

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      t: fc.constant("ingest"),
      lines: fc.array(lineSpec, { minLength: 1, maxLength: 3 }),
    }),
    weight: 12,
  },
  {
    arbitrary: fc.record({
      t: fc.constant("replay"),
      pick: fc.nat(),
      change: fc.constantFrom("same", "same", "amount", "tds", "currency", "kind", "fee"),
    }),
    weight: 6,
  },
  { arbitrary: fc.record({ t: fc.constant("redeliver"), pick: fc.nat(), alter: fc.boolean() }), weight: 2 },
  {
    arbitrary: fc.record({
      t: fc.constant("refund"),
      pick: fc.nat(),
      part: fc.constantFrom("all", "half", "more"),
    }),
    weight: 6,
  },
  {
    arbitrary: fc.record(
      {
        t: fc.constant("pay"),
        amount: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6000 })),
        tds: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 500 })),
        fee,
        currency: mostlyInr,
        allowOverpayment: fc.boolean(),
        key: fc.constantFrom("k0", "k1", "k2"),
      },
      { requiredKeys: ["t", "tds", "fee", "allowOverpayment"] },
    ),
    weight: 8,
  },
  { arbitrary: fc.record({ t: fc.constant("repay"), pick: fc.nat() }), weight: 4 },
  {
    arbitrary: fc.record(
      {
        t: fc.constant("correct"),
        kind: fc.constant("write_off"),
        amount: fc.integer({ min: 1, max: 6000 }),
        currency: mostlyInr,
      },
      { requiredKeys: ["t", "kind"] },
    ),
    weight: 2,
  },
  {
    arbitrary: fc.record(
      {
        t: fc.constant("correct"),
        kind: fc.constant("adjustment"),
        amount: fc.oneof(fc.integer({ min: -6000, max: -1 }), fc.integer({ min: 1, max: 6000 })),
        currency: mostlyInr,
      },
      { requiredKeys: ["t", "kind", "amount"] },
    ),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      t: fc.constant("reverse"),
      pick: fc.nat(),
      // "reversed": a payment a provider's refund already took some of, so the API's reverse takes what is left
      // (else rare enough, 4 to 14 times per 1,000 sequences, to miss the branch floor below now and then).
      among: fc.constantFrom("lines", "payments", "payments", "reversed", "reversed", "unknown"),
    }),
    weight: 6,
  },
  {
    arbitrary: fc.record({
      t: fc.constant("retotal"),
      total: fc.integer({ min: 0, max: 12000 }),
      currency: mostlyInr,
    }),
    weight: 2,
  },
  { arbitrary: fc.constant({ t: "void" as const }), weight: 1 },
);

const scenario = fc.record({
  total: fc.integer({ min: 0, max: 12000 }),
  ops: fc.array(op, { minLength: 1, maxLength: 14 }),
  pageSize: fc.integer({ min: 1, max: 8 }),
});

// ---------------------------------------------------------------- reference model (from the spec, not the code)

interface ModelLine {
  kind: LineKind;
  source: string;
  ext: string;
  /** For a reversal: what it took back (0 while its payment has not arrived). */
  amount: number;
  /** For a reversal: the part of `amount` that was the payment's TDS. */
  tds: number;
  fee: number;
  currency: string;
  reversesKey: string | null;
  /** A reversal's target not yet seen, by its key. */
  awaits?: string | null;
  /** For a reversal: what its source asked for. */
  requested: number;
  /** For a reversal: per payment key, what it took back (cash and TDS) and what it matched as the same money. */
  alloc?: Map<string, { applied: number; tds: number; duplicate: number }>;
}

/** What happened to a reversal's request, for the branch counts. */
type ReversalFate = "pending" | "full" | "matched" | "over";

/** `replay`: the answer stored under an Idempotency-Key, returned again. */
type Expected =
  | { ok: true; lineKey?: string; replay?: boolean }
  | { ok: false; code: string; replay?: boolean };

const keyOf = (source: string, ext: string) => `${source}\u0000${ext}`;

class Model {
  currency: string;
  total: number;
  voided = false;
  lines = new Map<string, ModelLine>();
  order: string[] = [];
  idem = new Map<string, { hash: string; result: Expected }>();

  constructor(total: number, currency: string) {
    this.total = total;
    this.currency = currency;
  }

  totals(): Totals {
    const t: Totals = {
      paid: 0,
      tds: 0,
      reversed: 0,
      tdsReversed: 0,
      writtenOff: 0,
      adjusted: 0,
      fees: 0,
      paymentsCount: 0,
      linesCount: 0,
    };
    for (const l of this.lines.values()) {
      t.linesCount++;
      t.fees += l.fee;
      if (l.kind === "payment") {
        t.paid += l.amount;
        t.tds += l.tds;
        t.paymentsCount++;
      } else if (l.kind === "reversal") {
        t.reversed += l.amount;
        t.tdsReversed += l.tds;
      } else if (l.kind === "write_off") t.writtenOff += l.amount;
      else t.adjusted += l.amount;
    }
    return t;
  }

  balance() {
    const t = this.totals();
    // credited = payments (amount + tds) - reversals + adjustments
    const credited = t.paid + t.tds - t.reversed + t.adjusted;
    const amountDue = Math.max(this.total - credited - t.writtenOff, 0);
    const creditBalance = Math.max(credited - this.total, 0);
    const status = this.voided
      ? "void"
      : credited > this.total
        ? "overpaid"
        : amountDue === 0
          ? "paid"
          : credited > 0 || t.writtenOff > 0
            ? "partially_paid"
            : "open";
    return { credited, amountDue, creditBalance, writtenOff: t.writtenOff, status };
  }

  /** A provider line: never refused, but a replay or a foreign currency changes nothing. */
  ingestLine(s: LineSpec): "applied" | "duplicate" | "conflict" {
    if (s.currency !== this.currency) return "conflict";
    const key = keyOf(s.source, s.ext);
    const existing = this.lines.get(key);
    if (existing) {
      // A reversal is the same money when it asks for the same; its tds is ours, not the source's.
      const same =
        existing.kind === s.kind &&
        existing.currency === s.currency &&
        existing.requested === s.amount &&
        (s.kind === "reversal" || existing.tds === s.tds);
      return same ? "duplicate" : "conflict";
    }
    if (s.kind !== "reversal") {
      this.add(key, { ...s, reversesKey: null, requested: s.amount });
      return "applied";
    }
    const target = s.target ? keyOf(s.target.source, s.target.ext) : null;
    const line: ModelLine = {
      ...s,
      amount: 0,
      tds: 0,
      requested: s.amount,
      reversesKey: target && this.lines.has(target) ? target : null,
      awaits: target && !this.lines.has(target) ? target : null,
    };
    if (!line.awaits) {
      // Named payment, or else the source's own payments, newest first.
      const payments = target
        ? this.lines.get(target)?.kind === "payment"
          ? [target]
          : []
        : [...this.order].reverse().filter((k) => {
            const l = this.lines.get(k)!;
            return l.kind === "payment" && l.source === s.source;
          });
      this.fates.push(this.allocate(line, payments));
    } else this.fates.push("pending");
    this.add(key, line);
    return "applied";
  }

  /** Fates of the reversals allocated by the last call, for the branch counts. */
  fates: ReversalFate[] = [];

  /** Per payment: what reversals took back from it, and what `source`'s reversals matched as the same money. */
  standing(paymentKey: string, source: string) {
    let reversed = 0;
    let byOthers = 0;
    let matched = 0;
    for (const l of this.lines.values()) {
      const a = l.alloc?.get(paymentKey);
      if (!a) continue;
      reversed += a.applied;
      if (l.source !== source) byOthers += a.applied;
      else matched += a.duplicate;
    }
    return { reversed, byOthers, matched };
  }

  /**
   * The rule, from the spec: a payment never gives back more than it credited (cash first, then TDS);
   * what other sources already took back from it is the same money, once; the rest is not credited back.
   */
  allocate(r: ModelLine, payments: string[]): ReversalFate {
    r.alloc = new Map();
    let left = r.requested;
    for (const k of payments) {
      const p = this.lines.get(k)!;
      const { reversed } = this.standing(k, r.source);
      const take = Math.min(left, Math.max(p.amount + p.tds - reversed, 0));
      const tds = take - Math.min(take, Math.max(p.amount - reversed, 0));
      left -= take;
      r.alloc.set(k, { applied: take, tds, duplicate: 0 });
    }
    let matched = 0;
    for (const k of payments) {
      if (left === 0) break;
      const { byOthers, matched: before } = this.standing(k, r.source);
      const d = Math.min(left, Math.max(byOthers - before, 0));
      r.alloc.get(k)!.duplicate = d;
      matched += d;
      left -= d;
    }
    r.amount = [...r.alloc.values()].reduce((n, a) => n + a.applied, 0);
    r.tds = [...r.alloc.values()].reduce((n, a) => n + a.tds, 0);
    if (left > 0) return "over";
    return matched > 0 ? "matched" : "full";
  }

  add(key: string, l: ModelLine) {
    this.lines.set(key, l);
    this.order.push(key);
    if (l.kind !== "payment") return;
    // Reversals that named this payment before it existed take back from it now, in the order they came.
    for (const k of this.order) {
      const other = this.lines.get(k)!;
      if (other.awaits !== key) continue;
      other.reversesKey = key;
      other.awaits = null;
      this.fates.push(`${this.allocate(other, [key])}` as ReversalFate);
      this.linked++;
    }
  }

  /** Waiting reversals linked to a payment on its arrival. */
  linked = 0;

  pay(p: Extract<Op, { t: "pay" }>, hash: string): Expected {
    if (p.key) {
      const prior = this.idem.get(p.key);
      if (prior) {
        return prior.hash === hash
          ? { ...prior.result, replay: true }
          : { ok: false, code: "idempotency_key_reused" };
      }
    }
    const result = this.payOnce(p);
    // A refusal changed nothing and is not kept: the same key may be used again.
    if (p.key && result.ok) this.idem.set(p.key, { hash, result });
    return result;
  }

  private payOnce(p: Extract<Op, { t: "pay" }>): Expected {
    const b = this.balance();
    if (b.status !== "open" && b.status !== "partially_paid") {
      return { ok: false, code: "invoice_not_payable" };
    }
    if (p.currency && p.currency !== this.currency) return { ok: false, code: "currency_mismatch" };
    const amount = p.amount ?? b.amountDue - p.tds;
    if (amount < 0 || amount + p.tds <= 0) return { ok: false, code: "invalid_amount" };
    if (amount + p.tds > b.amountDue && !p.allowOverpayment) {
      return { ok: false, code: "amount_exceeds_due" };
    }
    // The ledger always picks its own external id (a key is never a line id); `rekey` learns it.
    const ext = `ours-${this.order.length}`;
    const key = keyOf("api", ext);
    this.add(key, {
      kind: "payment",
      source: "api",
      ext,
      amount,
      tds: p.tds,
      fee: p.fee,
      currency: this.currency,
      reversesKey: null,
      requested: amount,
    });
    return { ok: true, lineKey: key };
  }

  /** A write-off: only while something is due, at most that. An adjustment: credited stays in [0, total]. */
  correct(o: Extract<Op, { t: "correct" }>): Expected {
    const b = this.balance();
    const owing = b.status === "open" || b.status === "partially_paid";
    if (b.status === "void" || (o.kind === "write_off" && !owing)) {
      return { ok: false, code: "invoice_not_payable" };
    }
    if (o.currency && o.currency !== this.currency) return { ok: false, code: "currency_mismatch" };
    const amount = o.amount ?? b.amountDue;
    if (o.kind === "write_off" && amount <= 0) return { ok: false, code: "invalid_amount" };
    if (amount > b.amountDue) return { ok: false, code: "amount_exceeds_due" };
    if (o.kind === "adjustment" && b.credited + amount < 0) {
      return { ok: false, code: "amount_exceeds_credited" };
    }
    const ext = `ours-${this.order.length}`;
    const key = keyOf("api", ext);
    this.add(key, {
      kind: o.kind,
      source: "api",
      ext,
      amount,
      tds: 0,
      fee: 0,
      currency: this.currency,
      reversesKey: null,
      requested: amount,
    });
    return { ok: true, lineKey: key };
  }

  /** The API reverses what is left of the payment, whoever took back the rest. */
  reverse(targetKey: string | null, lineId: string): Expected & { partial?: boolean } {
    const target = targetKey ? this.lines.get(targetKey) : undefined;
    if (!targetKey || target?.kind !== "payment") return { ok: false, code: "not_found" };
    const left = target.amount + target.tds - this.standing(targetKey, "api").reversed;
    if (left <= 0) return { ok: false, code: "already_reversed" };
    const ext = `reversal:${lineId}`;
    const key = keyOf("api", ext);
    const line: ModelLine = {
      kind: "reversal",
      source: "api",
      ext,
      amount: 0,
      fee: 0,
      tds: 0,
      currency: target.currency,
      reversesKey: targetKey,
      requested: left,
    };
    this.allocate(line, [targetKey]);
    this.add(key, line);
    return { ok: true, lineKey: key, partial: left < target.amount + target.tds };
  }

  rekey(from: string, to: string) {
    const l = this.lines.get(from)!;
    this.lines.delete(from);
    this.lines.set(to, l);
    this.order[this.order.indexOf(from)] = to;
    for (const { result } of this.idem.values())
      if (result.ok && result.lineKey === from) result.lineKey = to;
  }

  retotal(total: number, currency: string): Expected {
    if (this.lines.size > 0 && currency !== this.currency) {
      return { ok: false, code: "currency_locked" };
    }
    this.total = total;
    this.currency = currency;
    return { ok: true };
  }
}

// ---------------------------------------------------------------- driving the object

const toInput = (s: LineSpec): LineInput => ({
  kind: s.kind,
  source: s.source,
  externalId: s.ext,
  amount: s.amount,
  currency: s.currency,
  tds: s.tds,
  fee: s.fee,
  ...(s.target ? { reverses: { source: s.target.source, externalId: s.target.ext } } : {}),
});

const event = (src: string, id: string, lines: LineSpec[]): IngestCommand => ({
  event: {
    source: src,
    id,
    type: "payment.test",
    verification: "test",
    rawBody: JSON.stringify(lines),
    receivedAt: new Date().toISOString(),
  },
  lines: lines.map(toInput),
});

/** A different but valid line with the same (source, external id). */
function mutate(s: LineSpec, change: Extract<Op, { t: "replay" }>["change"]): LineSpec {
  // Another amount that is still valid for the kind (an adjustment is never zero).
  const bump = (n: number, d: number) => (n + d === 0 ? n + d + 1 : n + d);
  switch (change) {
    case "same":
      return s;
    case "fee": // metadata only: still the same money, so a duplicate
      return { ...s, fee: s.fee + 7 };
    case "amount":
      return { ...s, amount: bump(s.amount, 1) };
    case "tds":
      return s.kind === "payment" ? { ...s, tds: s.tds + 1 } : { ...s, amount: bump(s.amount, 2) };
    case "currency":
      return { ...s, currency: s.currency === "INR" ? "USD" : "INR" };
    case "kind":
      return s.kind === "payment"
        ? { ...s, kind: "write_off", tds: 0, amount: Math.max(s.amount, 1) }
        : { ...s, kind: "payment", tds: 0, amount: Math.abs(s.amount), target: undefined };
  }
}

type Stub = ReturnType<typeof env.INVOICE_LEDGER.getByName>;

async function allLines(stub: Stub, pageSize: number): Promise<ListedLine[]> {
  const out: ListedLine[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await stub.listLines(cursor, pageSize);
    if (!page) throw new Error("invoice vanished");
    expect(page.items.length).toBeLessThanOrEqual(pageSize);
    out.push(...(page.items as ListedLine[]));
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new Error("pagination does not end");
}

function expectState(state: InvoiceState | null | undefined, model: Model, where: string) {
  expect(state, where).toBeTruthy();
  const b = model.balance();
  expect(state!.totals, where).toEqual(model.totals());
  expect(state!.facts.total, where).toBe(model.total);
  expect(state!.facts.currency, where).toBe(model.currency);
  expect(state!.balance, where).toEqual(b);
}

/** How often each branch was reached: a property that never reaches a branch proves nothing about it. */
const seen = new Map<string, number>();
const saw = (what: string) => seen.set(what, (seen.get(what) ?? 0) + 1);

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

async function runScenario({ total, ops, pageSize }: Scenario) {
  const invoiceId = uid("prop");
  const ref = { merchantId: "prop", invoiceId };
  const stub = env.INVOICE_LEDGER.getByName(`prop:${invoiceId}`);
  track("prop", invoiceId);
  const facts = {
    currency: "INR",
    total,
    dueDate: null,
    number: null,
    customer: { name: null, email: null, phone: null },
  };
  const created = await stub.upsertInvoice(ref, facts);
  expect(created.ok && created.created).toBe(true);

  const model = new Model(total, "INR");
  const sent: LineSpec[] = []; // every line ever sent, for replays
  const delivered: Array<{ source: string; id: string; lines: LineSpec[] }> = [];
  const payLineIds = new Map<string, string>(); // idempotency key -> our line id, to check replays
  const payOps: Array<Extract<Op, { t: "pay" }>> = [];
  const refusedKeys = new Set<string>(); // keys whose request was refused, to see one reused
  let eventSeq = 0;

  for (const [i, o] of ops.entries()) {
    const where = `op ${i} ${JSON.stringify(o)}`;
    switch (o.t) {
      case "ingest":
      case "replay": {
        let lines: LineSpec[];
        if (o.t === "ingest") lines = o.lines;
        else {
          const prev = sent[o.pick % Math.max(sent.length, 1)];
          if (!prev) continue;
          lines = [mutate(prev, o.change)];
        }
        const src = lines[0]!.source;
        const id = `evt-${eventSeq++}`;
        model.fates = [];
        const linkedBefore = model.linked;
        const expected = lines.map((l) => model.ingestLine(l));
        for (const [j, e] of expected.entries()) saw(`${o.t} ${lines[j]!.kind} ${e}`);
        for (const f of model.fates) saw(`reversal ${f}`);
        if (model.linked > linkedBefore) saw("waiting reversal linked");
        const res = await stub.ingest(ref, event(src, id, lines));
        sent.push(...lines);
        delivered.push({ source: src, id, lines });
        expect(res.outcome, where).toBe("applied");
        expect(res.lines, where).toEqual(expected);
        expectState(await stub.getInvoice(), model, where);
        break;
      }
      case "refund": {
        const payments = model.order.filter((k) => {
          const l = model.lines.get(k)!;
          return l.kind === "payment" && l.source !== "api";
        });
        const k = payments[o.pick % Math.max(payments.length, 1)];
        if (!k) continue;
        const p = model.lines.get(k)!;
        const credit = p.amount + p.tds;
        const amount = o.part === "all" ? credit : o.part === "half" ? Math.max(credit >> 1, 1) : credit + 1;
        const line: LineSpec = {
          kind: "reversal",
          source: p.source as Source,
          ext: `rf${eventSeq}`,
          amount,
          tds: 0,
          fee: 0,
          currency: p.currency as Currency,
          target: { source: p.source as Source, ext: p.ext },
        };
        model.fates = [];
        const expected = model.ingestLine(line);
        for (const f of model.fates) saw(`reversal ${f}`);
        const res = await stub.ingest(ref, event(line.source, `evt-${eventSeq++}`, [line]));
        sent.push(line);
        expect(res.lines, where).toEqual([expected]);
        expectState(await stub.getInvoice(), model, where);
        break;
      }
      case "redeliver": {
        const prev = delivered[o.pick % Math.max(delivered.length, 1)];
        if (!prev) continue;
        // A provider retrying an event we already applied, possibly with a changed body: nothing moves.
        const lines = o.alter ? prev.lines.map((l) => ({ ...l, amount: l.amount + 1000 })) : prev.lines;
        const res = await stub.ingest(ref, event(prev.source, prev.id, lines));
        saw("redelivered event");
        expect(res.outcome, where).toBe("duplicate");
        expect(res.lines, where).toEqual([]);
        expectState(await stub.getInvoice(), model, where);
        break;
      }
      case "pay":
      case "repay": {
        // A repay sends an earlier payment again, byte for byte: with its key, a replay; without, a new payment.
        const p = o.t === "pay" ? o : payOps[o.pick % Math.max(payOps.length, 1)];
        if (!p) continue;
        if (o.t === "pay") payOps.push(o);
        const cmd: PaymentCommand = {
          source: "api",
          tds: p.tds,
          fee: p.fee,
          allowOverpayment: p.allowOverpayment,
          ...(p.amount !== undefined ? { amount: p.amount } : {}),
          ...(p.currency ? { currency: p.currency } : {}),
        };
        const hash = JSON.stringify(cmd);
        const refusedBefore = p.key !== undefined && refusedKeys.has(p.key);
        const expected = model.pay(p, hash);
        if (p.key && !expected.ok) refusedKeys.add(p.key);
        if (refusedBefore && expected.ok && !expected.replay)
          saw("pay idempotency key reused after a refusal");
        saw(`pay ${expected.ok ? (expected.replay ? "replayed" : "recorded") : expected.code}`);
        const res = await stub.recordPayment(
          cmd,
          p.key ? { scope: "api", key: p.key, requestHash: hash } : undefined,
        );
        if (expected.ok) {
          expect(res, where).toMatchObject({ ok: true });
          if (!res.ok) break;
          const line = res.value.line;
          const ml = model.lines.get(expected.lineKey!)!;
          expect(line, where).toMatchObject({
            kind: "payment",
            source: "api",
            amount: ml.amount,
            tds: ml.tds,
          });
          // The line's external id is always the ledger's own, never the client's key.
          if (p.key) expect(line.externalId, where).not.toBe(p.key);
          if (p.key && expected.replay) {
            expect(line.id, `${where}: a replay returns the first payment`).toBe(payLineIds.get(p.key));
          } else {
            if (p.key) payLineIds.set(p.key, line.id);
            model.rekey(expected.lineKey!, keyOf("api", line.externalId));
          }
          // A replayed response carries the balance as it was then; a fresh one must match the model now.
          if (!expected.replay) expectState(res.value.invoice, model, where);
        } else {
          expect(res, where).toMatchObject({ ok: false, code: expected.code });
        }
        break;
      }
      case "correct": {
        const expected = model.correct(o);
        saw(`${o.kind} ${expected.ok ? "recorded" : expected.code}`);
        const cmd = {
          source: "api",
          reason: "property",
          ...(o.amount !== undefined ? { amount: o.amount } : {}),
          ...(o.currency ? { currency: o.currency } : {}),
        };
        const res =
          o.kind === "write_off"
            ? await stub.writeOff(cmd)
            : await stub.adjust({ ...cmd, amount: o.amount ?? 0 });
        if (expected.ok) {
          expect(res, where).toMatchObject({ ok: true });
          if (!res.ok) break;
          expect(res.value.line, where).toMatchObject({ kind: o.kind, source: "api", notes: "property" });
          model.rekey(expected.lineKey!, keyOf("api", res.value.line.externalId));
          expectState(res.value.invoice, model, where);
        } else {
          expect(res, where).toMatchObject({ ok: false, code: expected.code });
        }
        break;
      }
      case "reverse": {
        let lineId = "pay_doesnotexist00000000";
        let targetKey: string | null = null;
        if (o.among !== "unknown") {
          const all = await allLines(stub, 200);
          const lines =
            o.among === "payments"
              ? all.filter((l) => l.kind === "payment")
              : o.among === "reversed"
                ? all.filter((l) => l.kind === "payment" && (l.reversed ?? 0) > 0)
                : all;
          const target = lines[o.pick % Math.max(lines.length, 1)];
          if (target) {
            lineId = target.id;
            targetKey = keyOf(target.source, target.externalId);
            expect(model.lines.has(targetKey), where).toBe(true);
          }
        }
        const expected = model.reverse(targetKey, lineId);
        saw(
          `reverse ${expected.ok ? (expected.partial ? "recorded what was left" : "recorded") : expected.code}`,
        );
        const res = await stub.reversePayment(lineId, { source: "api", reason: "bounced" });
        if (expected.ok) {
          expect(res, where).toMatchObject({ ok: true });
          if (res.ok) {
            expect(res.value.line).toMatchObject({ kind: "reversal", reversesId: lineId });
            expectState(res.value.invoice, model, where);
          }
        } else {
          expect(res, where).toMatchObject({ ok: false, code: expected.code });
        }
        break;
      }
      case "retotal": {
        const expected = model.retotal(o.total, o.currency);
        saw(`retotal ${expected.ok ? "applied" : expected.code}`);
        const res = await stub.upsertInvoice(ref, { ...facts, total: o.total, currency: o.currency });
        if (expected.ok) {
          expect(res, where).toMatchObject({ ok: true, created: false });
          if (res.ok) expectState(res.value.invoice, model, where);
        } else {
          expect(res, where).toMatchObject({ ok: false, code: "currency_locked" });
        }
        break;
      }
      case "void": {
        model.voided = true;
        const res = await stub.voidInvoice();
        expect(res.ok, where).toBe(true);
        if (res.ok) expectState(res.value, model, where);
        break;
      }
    }
  }

  // The final state: balance, every line exactly once with the money first recorded, sums == lines.
  expectState(await stub.getInvoice(), model, "final");
  saw(`final ${model.balance().status}`);
  const lines = await allLines(stub, pageSize);
  expect(lines.length).toBe(model.lines.size);
  expect(lines.map((l) => keyOf(l.source, l.externalId))).toEqual(model.order);
  expect(new Set(lines.map((l) => l.id)).size).toBe(lines.length);
  const seqs = lines.map((l) => l.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  for (const l of lines) {
    const m = model.lines.get(keyOf(l.source, l.externalId))!;
    expect({
      kind: l.kind,
      amount: l.amount,
      requested: l.requestedAmount,
      duplicate: l.duplicateAmount,
      tds: l.tds,
      fee: l.fee,
      currency: l.currency,
    }).toEqual({
      kind: m.kind,
      amount: m.amount,
      requested: m.requested,
      // The part matched as the same money as another source's reversal: never counted, never lost.
      duplicate: [...(m.alloc?.values() ?? [])].reduce((n, a) => n + a.duplicate, 0),
      tds: m.tds,
      fee: m.fee,
      currency: m.currency,
    });
    const reversed = m.reversesKey
      ? lines.find((x) => keyOf(x.source, x.externalId) === m.reversesKey)
      : null;
    expect(l.reversesId).toBe(reversed?.id ?? null);
  }
  const audit = await stub.audit();
  expect(audit!.stored).toEqual(audit!.recomputed);
  expect(audit!.stored).toEqual(model.totals());
  // The rule itself, checked on the stored allocations: no payment gives back more than it credited.
  expect(audit!.overReversedPayments).toBe(0);
  // A thousand sequences in one test: each drops its ledger's alarm as it ends (see test/helpers.ts).
  await dropTrackedAlarms();
}

describe("ledger against a reference model", () => {
  it("agrees on every answer and on the final balance, lines and sums, for 1,000 random sequences", async () => {
    const started = Date.now();
    seen.clear();
    await fc.assert(fc.asyncProperty(scenario, runScenario), { numRuns: 1000 });
    // Reported, not asserted: tests assert behaviour, never timings.
    console.info(
      `property: 1000 sequences in ${Date.now() - started} ms`,
      Object.fromEntries([...seen].sort()),
    );
    const branches = [
      "ingest payment applied",
      "ingest payment conflict",
      "ingest reversal applied",
      "ingest write_off applied",
      "ingest adjustment applied",
      "replay payment duplicate",
      "replay payment conflict",
      "replay reversal conflict",
      "redelivered event",
      "pay recorded",
      "write_off recorded",
      "write_off amount_exceeds_due",
      "write_off invoice_not_payable",
      "write_off currency_mismatch",
      "adjustment recorded",
      "adjustment amount_exceeds_due",
      "adjustment amount_exceeds_credited",
      "pay replayed",
      "pay idempotency_key_reused",
      "pay invoice_not_payable",
      "pay currency_mismatch",
      "pay invalid_amount",
      "pay amount_exceeds_due",
      "reverse recorded",
      "reverse not_found",
      "reverse already_reversed",
      "reverse recorded what was left",
      "reversal full",
      "reversal matched",
      "reversal over",
      "reversal pending",
      "waiting reversal linked",
      "pay idempotency key reused after a refusal",
      "retotal applied",
      "retotal currency_locked",
      "final open",
      "final partially_paid",
      "final paid",
      "final overpaid",
      "final void",
    ];
    // The API's reverse of a payment a provider's refund partly took back needs both to name the same payment
    // first: even aimed at reversed payments it comes 8 to 17 times per 1,000 sequences (unseeded), so it must
    // be seen, not seen five times, or the floor itself would fail now and then.
    const floor = (b: string) => (b === "reverse recorded what was left" ? 1 : 5);
    for (const b of branches) expect(seen.get(b) ?? 0, b).toBeGreaterThanOrEqual(floor(b));
  }, 600_000);

  it("keeps its running totals exact: they never leave the safe integer range", async () => {
    const invoiceId = uid("prop");
    const ref = { merchantId: "prop", invoiceId };
    const stub = env.INVOICE_LEDGER.getByName(`prop:${invoiceId}`);
    track("prop", invoiceId);
    track("prop", invoiceId);
    await stub.upsertInvoice(ref, {
      currency: "INR",
      total: 100,
      dueDate: null,
      number: null,
      customer: { name: null, email: null, phone: null },
    });
    const max = Number.MAX_SAFE_INTEGER;
    const lines: LineSpec[] = ["a", "b", "c"].map((ext, i) => ({
      kind: "payment",
      source: "stripe",
      ext,
      amount: i < 2 ? max : 3,
      tds: 0,
      fee: 0,
      currency: "INR",
    }));
    // Providers are never refused, so the ledger may keep a line out as an anomaly or refuse the event;
    // what it may not do is round a sum.
    await runInDurableObject(stub, (ledger: InvoiceLedger) =>
      ledger.ingest(ref, event("stripe", "evt-huge", lines)).catch(() => null),
    );
    const audit = (await stub.audit())!;
    for (const [k, v] of Object.entries(audit.stored)) expect(Number.isSafeInteger(v), k).toBe(true);
    const kept = (await allLines(stub, 50)).filter((l) => l.kind === "payment");
    const exact = kept.reduce((n, l) => n + BigInt(l.amount), 0n);
    expect(BigInt(audit.stored.paid)).toBe(exact);
  });

  it("refuses an event with an invalid line as a whole: nothing is applied or logged", async () => {
    const invoiceId = uid("prop");
    const ref = { merchantId: "prop", invoiceId };
    const stub = env.INVOICE_LEDGER.getByName(`prop:${invoiceId}`);
    track("prop", invoiceId);
    track("prop", invoiceId);
    await stub.upsertInvoice(ref, {
      currency: "INR",
      total: 1000,
      dueDate: null,
      number: null,
      customer: { name: null, email: null, phone: null },
    });
    const good: LineSpec = {
      kind: "payment",
      source: "stripe",
      ext: "ok",
      amount: 100,
      tds: 0,
      fee: 0,
      currency: "INR",
    };
    const bad: LineSpec = { ...good, ext: "bad", amount: 1.5 };
    // Called on the instance, not over RPC: a method that throws over RPC is also reported by workerd
    // as an uncaught rejection, which vitest counts as an error of this file.
    await expect(
      runInDurableObject(stub, (ledger: InvoiceLedger) =>
        ledger.ingest(ref, event("stripe", "evt-bad", [good, bad])),
      ),
    ).rejects.toThrow(/safe integers/);
    const state = await stub.getInvoice();
    expect(state!.totals.linesCount).toBe(0);
    expect(state!.balance.amountDue).toBe(1000);
    expect((await stub.listLines())!.items).toEqual([]);
    expect((await stub.listEvents())!.items).toEqual([]);
    // The same event, once fixed, is not mistaken for a duplicate.
    const retry = await stub.ingest(ref, event("stripe", "evt-bad", [good]));
    expect(retry.outcome).toBe("applied");
    expect((await stub.getInvoice())!.balance.amountDue).toBe(900);
  });
});
