// The book: the invoice's facts, its append-only lines and the running totals kept beside them. Every
// method is synchronous SQL run inside the host's one transaction per mutation; the invoice row is read
// at most once per transaction and kept in step with every write.
import { randomId } from "../../lib/crypto";
import type { ChangeLine } from "../../portfolio/change";
import { addLine, compareReplay, EMPTY_TOTALS, validateLine } from "../balance";
import type { InvoiceFacts } from "../commands";
import type { Capability, LazyHost, Note } from "../host";
import { planReversal, type ReversalPlan } from "../reversals";
import type { InvoiceFactsPatch, InvoiceRef, Line, LineInput, LineOutcome, Totals } from "../types";
import { Allocations } from "./allocations";
import { BASELINE, MIGRATIONS } from "./migrations";
import {
  type BookState,
  changeLine,
  type InvoiceRow,
  insertLine,
  type LineRow,
  listedLines,
  stateOf,
  toLine,
  totalsOf,
} from "./rows";

const LINE_PREFIX = { payment: "pay", reversal: "rev", write_off: "wo", adjustment: "adj" } as const;

export class Book implements Capability {
  readonly namespace = "book";
  readonly migrations = MIGRATIONS;
  readonly baseline = BASELINE;
  /** Its lazy part (own namespace): the host lists it among its capabilities. */
  readonly allocations: Allocations;
  /** The invoice row as of this transaction: undefined until read; null when there is none. */
  private cached: InvoiceRow | null | undefined;
  /**
   * Whether this transaction changed what is owed, how many payments it applied, and how many of those
   * asked for no customer reminder.
   */
  changed = false;
  /** Whether this transaction wrote the invoice's facts (a due date may have moved). */
  factsChanged = false;
  paymentsApplied = 0;
  paymentsSilenced = 0;
  reversalsApplied = 0;
  /** Lines written in this transaction, and how many of those asked that the merchant not be told. */
  linesApplied = 0;
  linesMerchantSilenced = 0;
  /** The lines written in this transaction that the merchant may be told about, for the change record. */
  readonly linesWritten: ChangeLine[] = [];
  /** Sources that recorded a line in this transaction (the change feed keeps the invoice's set). */
  readonly sourcesApplied = new Set<string>();

  constructor(
    private readonly sql: SqlStorage,
    tables: LazyHost,
  ) {
    this.allocations = new Allocations(sql, tables);
  }

  /** Called by the host at the start of each transaction; `present`: the object has its tables. */
  begin(present: boolean): void {
    this.cached = present ? undefined : null;
    this.changed = false;
    this.factsChanged = false;
    this.paymentsApplied = 0;
    this.paymentsSilenced = 0;
    this.reversalsApplied = 0;
    this.linesApplied = 0;
    this.linesMerchantSilenced = 0;
    this.linesWritten.length = 0;
    this.sourcesApplied.clear();
  }

  row(): InvoiceRow | null {
    if (this.cached === undefined) {
      this.cached =
        this.sql.exec<InvoiceRow>("SELECT * FROM invoice WHERE singleton = 1").toArray()[0] ?? null;
    }
    return this.cached;
  }

  state(): BookState | null {
    const r = this.row();
    return r && stateOf(r);
  }

  // ---------------------------------------------------------------- facts

  /** The merchant's facts, replacing what was there. */
  writeFacts(ref: InvoiceRef, f: InvoiceFacts): void {
    this.upsertFacts(ref, f.currency, f, "replace");
  }

  /** A provider's partial facts: what it did not report keeps its value; the currency, once set, stays. */
  mergeFacts(ref: InvoiceRef, currency: string | null, patch: InvoiceFactsPatch | undefined): void {
    this.upsertFacts(ref, currency, patch ?? {}, "merge");
  }

  private upsertFacts(
    ref: InvoiceRef,
    currency: string | null,
    f: InvoiceFactsPatch,
    mode: "replace" | "merge",
  ): void {
    const now = new Date().toISOString();
    const c = f.customer;
    const set =
      mode === "replace"
        ? `currency = excluded.currency, total = excluded.total, due_date = excluded.due_date,
           number = excluded.number, customer_name = excluded.customer_name,
           customer_email = excluded.customer_email, customer_phone = excluded.customer_phone,
           updated_at = excluded.updated_at`
        : `currency = COALESCE(invoice.currency, excluded.currency),
           total = COALESCE(excluded.total, invoice.total),
           due_date = COALESCE(excluded.due_date, invoice.due_date),
           number = COALESCE(excluded.number, invoice.number),
           customer_name = COALESCE(excluded.customer_name, invoice.customer_name),
           customer_email = COALESCE(excluded.customer_email, invoice.customer_email),
           customer_phone = COALESCE(excluded.customer_phone, invoice.customer_phone)`;
    this.sql.exec(
      `INSERT INTO invoice (singleton, merchant_id, invoice_id, currency, total, due_date, number,
         customer_name, customer_email, customer_phone, created_at, updated_at)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (singleton) DO UPDATE SET ${set}`,
      ref.merchantId,
      ref.invoiceId,
      currency,
      f.total ?? null,
      f.dueDate ?? null,
      f.number ?? null,
      c?.name ?? null,
      c?.email ?? null,
      c?.phone ?? null,
      now,
      now,
    );
    this.cached = undefined;
    this.changed = true;
    this.factsChanged = true;
  }

  void(at: string): void {
    const r = this.row();
    if (!r || r.voided_at) return;
    const now = new Date().toISOString();
    this.sql.exec("UPDATE invoice SET voided_at = ?, updated_at = ? WHERE singleton = 1", at, now);
    r.voided_at = at;
    r.updated_at = now;
    this.changed = true;
  }

  /** A provider's delivery touched the invoice: its updated_at moves even when no figure did. */
  touch(): void {
    const r = this.row();
    if (!r) return;
    const now = new Date().toISOString();
    this.sql.exec("UPDATE invoice SET updated_at = ? WHERE singleton = 1", now);
    r.updated_at = now;
    this.changed = true;
  }

  countAnomaly(): void {
    const r = this.row();
    if (!r) return;
    this.sql.exec("UPDATE invoice SET anomalies_count = anomalies_count + 1 WHERE singleton = 1");
    r.anomalies_count += 1;
    this.changed = true;
  }

  // ---------------------------------------------------------------- lines

  /**
   * The one place a line is written. Inserts it and moves the running sums in the same transaction;
   * a replay of a known (source, external id) is a duplicate or, if it disagrees, a conflict.
   */
  applyLine(input: LineInput, eventId: string | null, note: Note): LineOutcome {
    const invalid = validateLine(input);
    if (invalid) throw new Error(`Invalid line ${input.source}/${input.externalId}: ${invalid}`);
    const existing = this.lineBySourceId(input.source, input.externalId);
    if (existing) {
      const reason = compareReplay(existing, input);
      return reason
        ? { outcome: "conflict", externalId: input.externalId, existing, reason }
        : { outcome: "duplicate", line: existing };
    }
    let reversesId: string | null = null;
    let waitsFor: { source: string; externalId: string } | null = null;
    let plan: ReversalPlan | null = null;
    if (input.kind === "reversal") {
      const target = this.reversalTarget(input);
      reversesId = target.line?.id ?? null;
      waitsFor = target.waitsFor;
      // A reversal waiting for its payment takes nothing back yet (see linkWaitingReversals).
      if (!waitsFor) {
        plan = planReversal(
          input.amount,
          target.payments.map((p) => this.allocations.standing(p, input.source)),
        );
      }
    }
    const amount = input.kind === "reversal" ? (plan?.applied ?? 0) : input.amount;
    const tds = input.kind === "reversal" ? (plan?.tds ?? 0) : (input.tds ?? 0);
    const fee = input.fee ?? 0;
    const t = addLine(totalsOf(this.row()!), { kind: input.kind, amount, tds, fee });
    // A sum past 2^53 would be rounded silently: the line stays out rather than the totals going inexact.
    if (!Object.values(t).every(Number.isSafeInteger)) {
      const reason = "the invoice's totals would leave the safe integer range";
      return { outcome: "conflict", externalId: input.externalId, existing: null, reason };
    }
    const line: Line = {
      id: randomId(LINE_PREFIX[input.kind]),
      seq: 0,
      kind: input.kind,
      source: input.source,
      externalId: input.externalId,
      amount,
      tds,
      fee,
      currency: input.currency,
      method: input.method ?? null,
      reference: input.reference ?? null,
      notes: input.notes ?? null,
      paidAt: input.paidAt ?? null,
      reversesId,
      requestedAmount: input.amount,
      duplicateAmount: plan?.duplicate ?? 0,
      duplicateOf: plan?.duplicateOf ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
      remindCustomer: input.remindCustomer ?? true,
      notifyMerchant: input.notifyMerchant ?? true,
      origin: input.origin ?? null,
      eventId,
      createdAt: new Date().toISOString(),
    };
    line.seq = insertLine(this.sql, line, waitsFor);
    this.writeTotals(t, line.createdAt);
    if (plan) this.allocations.record(line, plan, note);
    this.sourcesApplied.add(input.source);
    this.linesApplied += 1;
    if (!line.notifyMerchant) this.linesMerchantSilenced += 1;
    else this.linesWritten.push(changeLine(line));
    if (input.kind === "reversal" && amount > 0) this.reversalsApplied += 1;
    if (input.kind === "payment") {
      this.paymentsApplied += 1;
      if (!line.remindCustomer) this.paymentsSilenced += 1;
      this.linkWaitingReversals(line, note);
    }
    return { outcome: "applied", line };
  }

  /** What is left of a payment to take back, after every reversal so far from any source. */
  standingOf(payment: Line): number {
    return payment.amount + payment.tds - this.allocations.standing(payment, "").reversed;
  }

  /** The payment a reversal names, or, when it names none, its own source's payments, newest first. */
  private reversalTarget(input: LineInput): {
    line: Line | undefined;
    payments: Line[];
    waitsFor: { source: string; externalId: string } | null;
  } {
    const r = input.reverses;
    if (!r) {
      const payments = this.sql
        .exec<LineRow>(
          "SELECT * FROM lines WHERE source = ? AND kind = 'payment' ORDER BY seq DESC",
          input.source,
        )
        .toArray()
        .map(toLine);
      return { line: undefined, payments, waitsFor: null };
    }
    const line = "lineId" in r ? this.lineById(r.lineId) : this.lineBySourceId(r.source, r.externalId);
    const waitsFor = !line && !("lineId" in r) ? r : null;
    return { line, payments: line?.kind === "payment" ? [line] : [], waitsFor };
  }

  /**
   * Reversals that named this payment before it arrived take back from it now, in the order they came,
   * under the same cap as any other reversal.
   */
  private linkWaitingReversals(payment: Line, note: Note): void {
    const waiting = this.sql
      .exec<LineRow>(
        "SELECT * FROM lines WHERE reverses_source = ? AND reverses_external_id = ? ORDER BY seq",
        payment.source,
        payment.externalId,
      )
      .toArray()
      .map(toLine);
    for (const r of waiting) {
      const plan = planReversal(r.requestedAmount, [this.allocations.standing(payment, r.source)]);
      this.sql.exec(
        `UPDATE lines SET reverses_id = ?, reverses_source = NULL, reverses_external_id = NULL, amount = ?,
           tds = ?, requested_amount = ?, duplicate_amount = ?, duplicate_of = ? WHERE id = ?`,
        payment.id,
        plan.applied,
        plan.tds,
        plan.applied === r.requestedAmount ? null : r.requestedAmount,
        plan.duplicate,
        plan.duplicateOf,
        r.id,
      );
      const t = totalsOf(this.row()!);
      this.writeTotals(
        { ...t, reversed: t.reversed + plan.applied, tdsReversed: t.tdsReversed + plan.tds },
        new Date().toISOString(),
      );
      this.allocations.record(r, plan, note);
      if (plan.applied > 0) this.reversalsApplied += 1;
    }
  }

  private writeTotals(t: Totals, now: string): void {
    this.sql.exec(
      `UPDATE invoice SET paid = ?, tds = ?, reversed = ?, tds_reversed = ?, written_off = ?, adjusted = ?,
         fees = ?, payments_count = ?, lines_count = ?, updated_at = ? WHERE singleton = 1`,
      t.paid,
      t.tds,
      t.reversed,
      t.tdsReversed,
      t.writtenOff,
      t.adjusted,
      t.fees,
      t.paymentsCount,
      t.linesCount,
      now,
    );
    Object.assign(this.row()!, {
      paid: t.paid,
      tds: t.tds,
      reversed: t.reversed,
      tds_reversed: t.tdsReversed,
      written_off: t.writtenOff,
      adjusted: t.adjusted,
      fees: t.fees,
      payments_count: t.paymentsCount,
      lines_count: t.linesCount,
      updated_at: now,
    });
    this.changed = true;
  }

  // ---------------------------------------------------------------- reads

  lineById(id: string): Line | undefined {
    const r = this.sql.exec<LineRow>("SELECT * FROM lines WHERE id = ?", id).toArray()[0];
    return r && toLine(r);
  }

  lineBySourceId(source: string, externalId: string): Line | undefined {
    const r = this.sql
      .exec<LineRow>("SELECT * FROM lines WHERE source = ? AND external_id = ?", source, externalId)
      .toArray()[0];
    return r && toLine(r);
  }

  /** What a source itself reported it credited: its reversals count as it reported them. */
  creditedBySource(source: string): number {
    return (
      this.sql
        .exec<{ credited: number | null }>(
          `SELECT SUM(CASE kind WHEN 'payment' THEN amount + tds
                   WHEN 'reversal' THEN -COALESCE(requested_amount, amount)
                   WHEN 'adjustment' THEN amount ELSE 0 END) AS credited
           FROM lines WHERE source = ?`,
          source,
        )
        .one().credited ?? 0
    );
  }

  /** Every source that recorded a line: a scan, for the first change record and index repairs only. */
  sources(): string[] {
    return this.sql
      .exec<{ source: string }>("SELECT DISTINCT source FROM lines")
      .toArray()
      .map((r) => r.source);
  }

  /** A page of lines; each payment with what reversals took back from it. */
  lines(after: number, limit: number) {
    return listedLines(this.sql, after, limit, this.allocations.stored());
  }

  /** Recomputes the sums from the lines, for audits and the property test; never on a request path. */
  audit(): { stored: Totals; recomputed: Totals; overReversedPayments: number } | null {
    const row = this.row();
    if (!row) return null;
    let recomputed = EMPTY_TOTALS;
    for (const r of this.sql.exec<LineRow>("SELECT * FROM lines ORDER BY seq"))
      recomputed = addLine(recomputed, r);
    return {
      stored: totalsOf(row),
      recomputed,
      overReversedPayments: this.allocations.overReversedPayments(),
    };
  }
}
