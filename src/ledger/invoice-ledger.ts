import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../bindings";
import { randomId } from "../lib/crypto";
import { InvoiceReminders } from "../reminders/invoice-reminders";
import type { AttemptOutcome, ClaimResult, Reminder, ReminderStatus } from "../reminders/types";
import { addLine, compareReplay, deriveBalance, EMPTY_TOTALS, isPayable, validateLine } from "./balance";
import type {
  CommandResult,
  Idempotency,
  IngestCommand,
  IngestResult,
  InvoiceFacts,
  Page,
  PaymentCommand,
  PaymentResult,
  UpsertResult,
} from "./commands";
import { hasSchema, migrate } from "./migrations";
import { type PaymentStanding, planReversal, type ReversalPlan } from "./reversals";
import type {
  Anomaly,
  Balance,
  InvoiceFactsPatch,
  InvoiceRef,
  InvoiceState,
  Line,
  LineInput,
  LineOutcome,
  ProviderReport,
  Totals,
} from "./types";

const LINE_PREFIX = { payment: "pay", reversal: "rev", write_off: "wo", adjustment: "adj" } as const;

interface InvoiceRow extends Record<string, SqlStorageValue> {
  merchant_id: string;
  invoice_id: string;
  currency: string | null;
  total: number | null;
  due_date: string | null;
  number: string | null;
  customer_name: string | null;
  customer_email: string | null;
  customer_phone: string | null;
  voided_at: string | null;
  paid: number;
  tds: number;
  reversed: number;
  tds_reversed: number;
  written_off: number;
  adjusted: number;
  fees: number;
  payments_count: number;
  lines_count: number;
  anomalies_count: number;
  created_at: string;
  updated_at: string;
}

interface LineRow extends Record<string, SqlStorageValue> {
  seq: number;
  id: string;
  kind: Line["kind"];
  source: string;
  external_id: string;
  amount: number;
  tds: number;
  fee: number;
  currency: string;
  method: string | null;
  reference: string | null;
  notes: string | null;
  paid_at: string | null;
  reverses_id: string | null;
  requested_amount: number | null;
  duplicate_amount: number;
  duplicate_of: string | null;
  idempotency_key: string | null;
  event_id: string | null;
  created_at: string;
}

const toLine = (r: LineRow): Line => ({
  id: r.id,
  seq: r.seq,
  kind: r.kind,
  source: r.source,
  externalId: r.external_id,
  amount: r.amount,
  tds: r.tds,
  fee: r.fee,
  currency: r.currency,
  method: r.method,
  reference: r.reference,
  notes: r.notes,
  paidAt: r.paid_at,
  reversesId: r.reverses_id,
  requestedAmount: r.requested_amount ?? r.amount,
  duplicateAmount: r.duplicate_amount,
  duplicateOf: r.duplicate_of,
  idempotencyKey: r.idempotency_key,
  eventId: r.event_id,
  createdAt: r.created_at,
});

const totalsOf = (r: InvoiceRow): Totals => ({
  paid: r.paid,
  tds: r.tds,
  reversed: r.reversed,
  tdsReversed: r.tds_reversed,
  writtenOff: r.written_off,
  adjusted: r.adjusted,
  fees: r.fees,
  paymentsCount: r.payments_count,
  linesCount: r.lines_count,
});

export const encodeCursor = (seq: number): string => btoa(`seq:${seq}`).replace(/=+$/, "");
export function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  try {
    const m = /^seq:(\d{1,15})$/.exec(atob(cursor));
    if (m) return Number(m[1]);
  } catch {}
  return -1;
}

/**
 * One ledger per (merchant, invoice). Every mutation runs inside one synchronous SQLite transaction with
 * no other I/O, so concurrent requests serialize on the object and a crash leaves all or nothing.
 */
export class InvoiceLedger extends DurableObject<Bindings> {
  private readonly sql: SqlStorage;
  private readonly reminders: InvoiceReminders;
  /** Set by onLedgerChanged; the reminders look once per transaction, however many lines it wrote. */
  private changed = false;
  /**
   * Whether the tables exist. An object that was only ever read (a GET of an unknown invoice) must store
   * nothing: the schema is created by the first write, inside that write's transaction.
   */
  private schemaReady: boolean;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.schemaReady = hasSchema(this.sql);
    if (this.schemaReady) ctx.storage.transactionSync(() => migrate(this.sql));
    this.reminders = new InvoiceReminders(ctx, env, () => this.state());
  }

  // ---------------------------------------------------------------- reads

  async getInvoice(): Promise<InvoiceState | null> {
    return this.state();
  }

  async listLines(cursor?: string, limit = 50): Promise<Page<Line> | null> {
    return this.page<LineRow, Line>("lines", cursor, limit, toLine);
  }

  async listAnomalies(cursor?: string, limit = 50): Promise<Page<Anomaly> | null> {
    return this.page("anomalies", cursor, limit, (r: Record<string, SqlStorageValue>) => ({
      seq: r.seq as number,
      kind: r.kind as string,
      source: r.source as string,
      externalId: r.external_id as string | null,
      eventId: r.event_id as string | null,
      message: r.message as string,
      createdAt: r.created_at as string,
    }));
  }

  async listEvents(cursor?: string, limit = 50) {
    return this.page("events", cursor, limit, (r: Record<string, SqlStorageValue>) => ({
      seq: r.seq as number,
      source: r.source as string,
      eventId: r.event_id as string,
      eventType: r.event_type as string,
      verification: r.verification as string,
      rawBody: r.raw_body as string,
      outcome: r.outcome as string,
      detail: r.detail as string | null, // JSON text: RPC results carry no `unknown`
      receivedAt: r.received_at as string,
    }));
  }

  /** Recomputes the sums from the lines, for audits and the property test; never on a request path. */
  async audit(): Promise<{ stored: Totals; recomputed: Totals; overReversedPayments: number } | null> {
    const row = this.row();
    if (!row) return null;
    let recomputed = EMPTY_TOTALS;
    for (const r of this.sql.exec<LineRow>("SELECT * FROM lines ORDER BY seq"))
      recomputed = addLine(recomputed, r);
    // No payment is ever reversed for more than it credited, whatever the reversals' sources and order.
    const overReversed = this.sql
      .exec<{ n: number }>(
        `SELECT COUNT(*) AS n FROM lines p JOIN (
           SELECT payment_id, SUM(applied) AS applied FROM reversal_allocations GROUP BY payment_id
         ) a ON a.payment_id = p.id WHERE a.applied > p.amount + p.tds`,
      )
      .one().n;
    return { stored: totalsOf(row), recomputed, overReversedPayments: overReversed };
  }

  // ---------------------------------------------------------------- merchant commands

  async upsertInvoice(ref: InvoiceRef, facts: InvoiceFacts): Promise<CommandResult<UpsertResult>> {
    return this.mutate(() => {
      this.ensureSchema();
      const existing = this.row();
      if (existing && existing.lines_count > 0 && existing.currency !== facts.currency) {
        return fail(
          409,
          "currency_locked",
          `Invoice has lines in ${existing.currency}; its currency cannot change`,
        );
      }
      this.writeFacts(ref, facts);
      return {
        ok: true,
        status: existing ? 200 : 201,
        value: { created: !existing, invoice: this.state()! },
      };
    });
  }

  async recordPayment(cmd: PaymentCommand, idem?: Idempotency): Promise<CommandResult<PaymentResult>> {
    return this.idempotent(idem, () => {
      const row = this.row();
      if (!row) return fail(404, "not_found", "Invoice not found");
      if (row.total === null) {
        // Known only through a provider's payment: "how much is due" has no answer yet.
        return fail(
          409,
          "invoice_total_unknown",
          "The invoice's total is not known yet; set it with PUT first",
        );
      }
      const before = this.state()!;
      if (!isPayable(before.balance)) {
        return fail(
          409,
          "invoice_not_payable",
          `Invoice is ${before.balance.status} and accepts no payments`,
        );
      }
      const currency = row.currency!;
      if (cmd.currency && cmd.currency !== currency) {
        return fail(422, "currency_mismatch", `Payment in ${cmd.currency} on an invoice in ${currency}`);
      }
      const tds = cmd.tds ?? 0;
      const due = before.balance.amountDue ?? 0;
      const amount = cmd.amount ?? due - tds;
      if (amount < 0 || amount + tds <= 0) {
        return fail(422, "invalid_amount", "The payment must credit a positive amount");
      }
      if (amount + tds > due && !cmd.allowOverpayment) {
        return fail(
          422,
          "amount_exceeds_due",
          `Payment of ${amount + tds} exceeds the ${due} due; send allow_overpayment: true to record it anyway`,
        );
      }
      const outcome = this.applyLine(
        {
          kind: "payment",
          source: cmd.source,
          // Always an id of ours: a client's Idempotency-Key lives in its own table, so no key a client
          // chooses can collide with a line's id (see idempotent()).
          externalId: randomId("req"),
          idempotencyKey: idem?.key ?? null,
          amount,
          currency,
          tds,
          fee: cmd.fee ?? 0,
          method: cmd.method ?? null,
          reference: cmd.reference ?? null,
          notes: cmd.notes ?? null,
          paidAt: cmd.paidAt ?? null,
        },
        null,
      );
      if (outcome.outcome === "conflict" && !outcome.existing) {
        return fail(422, "amount_out_of_range", outcome.reason);
      }
      if (outcome.outcome !== "applied") throw new Error(`a fresh request id collided: ${outcome.outcome}`);
      return { ok: true, status: 201, value: { line: outcome.line, invoice: this.state()! } };
    });
  }

  async reversePayment(
    lineId: string,
    input: { source: string; reason?: string | null },
    idem?: Idempotency,
  ): Promise<CommandResult<PaymentResult>> {
    return this.idempotent(idem, () => {
      if (!this.row()) return fail(404, "not_found", "Invoice not found");
      const target = this.lineById(lineId);
      if (target?.kind !== "payment") return fail(404, "not_found", "Payment not found");
      // What is left of the payment after every reversal so far, from any source (a partial refund the
      // provider reported, say): the API reverses that, and only that.
      const standing = target.amount + target.tds - this.reversedOf(target.id).reversed;
      if (standing <= 0) return fail(409, "already_reversed", "This payment has already been reversed");
      const outcome = this.applyLine(
        {
          kind: "reversal",
          source: input.source,
          // Ours alone: client keys never become line ids. A payment is reversed through the API at most
          // once, since that reversal takes back everything left.
          externalId: `reversal:${lineId}`,
          amount: standing,
          currency: target.currency,
          method: target.method,
          reference: target.reference,
          notes: input.reason ?? null,
          reverses: { lineId },
        },
        null,
      );
      if (outcome.outcome !== "applied")
        return fail(409, "already_reversed", "This payment has already been reversed");
      return { ok: true, status: 201, value: { line: outcome.line, invoice: this.state()! } };
    });
  }

  async voidInvoice(): Promise<CommandResult<InvoiceState>> {
    return this.mutate(() => {
      const row = this.row();
      if (!row) return fail(404, "not_found", "Invoice not found");
      if (!row.voided_at) {
        const now = new Date().toISOString();
        this.sql.exec("UPDATE invoice SET voided_at = ?, updated_at = ? WHERE singleton = 1", now, now);
        this.onLedgerChanged();
      }
      return { ok: true, status: 200, value: this.state()! };
    });
  }

  // ---------------------------------------------------------------- provider deliveries

  async ingest(ref: InvoiceRef, cmd: IngestCommand): Promise<IngestResult> {
    return this.mutate(() => {
      const { event } = cmd;
      // An ignored event on an invoice we do not know creates nothing, not even the tables.
      if (cmd.ignored && !this.schemaReady) {
        return { outcome: "ignored", lines: [], anomalies: [], invoice: null };
      }
      this.ensureSchema();
      const seen = this.sql
        .exec("SELECT 1 FROM events WHERE source = ? AND event_id = ?", event.source, event.id)
        .toArray();
      if (seen.length > 0) return { outcome: "duplicate", lines: [], anomalies: [], invoice: this.state() };
      if (cmd.ignored) {
        if (!this.row()) return { outcome: "ignored", lines: [], anomalies: [], invoice: null };
        this.logEvent(event, "ignored", { reason: cmd.ignored });
        return { outcome: "ignored", lines: [], anomalies: [], invoice: this.state() };
      }

      const anomalies: string[] = [];
      const note = (kind: string, message: string, externalId: string | null = null) => {
        anomalies.push(kind);
        this.recordAnomaly(kind, event.source, externalId, event.id, message);
      };

      this.applyFactsPatch(ref, event.source, cmd.facts, cmd.factsVersion, cmd.lines, note);
      const outcomes: LineOutcome[] = [];
      for (const line of cmd.lines ?? []) outcomes.push(this.ingestLine(line, event.id, note));
      if (cmd.cumulative)
        outcomes.push(...this.applyCumulative(event.source, event.id, cmd.cumulative, note));
      if (cmd.report) this.applyReport(event.source, cmd.report);
      const row = this.row();
      if (row) {
        if (cmd.void && !row.voided_at) {
          this.sql.exec("UPDATE invoice SET voided_at = ? WHERE singleton = 1", event.receivedAt);
        }
        this.sql.exec("UPDATE invoice SET updated_at = ? WHERE singleton = 1", new Date().toISOString());
        this.onLedgerChanged();
      }

      this.logEvent(event, anomalies.length > 0 ? "applied_with_anomalies" : "applied", {
        lines: outcomes.map(describeOutcome),
        anomalies,
      });
      return { outcome: "applied", lines: outcomes.map((o) => o.outcome), anomalies, invoice: this.state() };
    });
  }

  // ---------------------------------------------------------------- reminders (logic in src/reminders)

  async listReminders(cursor?: string, limit = 50): Promise<Page<Reminder> | null> {
    if (!this.row()) return null;
    const rows = this.reminders.list(Math.max(decodeCursor(cursor), 0), limit + 1);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null };
  }

  async claimReminder(id: string, opts: { leaseMs: number; maxAttempts: number }): Promise<ClaimResult> {
    if (!this.schemaReady) return { kind: "unknown" };
    return this.reminders.claim(id, opts);
  }

  async finishReminderAttempt(
    id: string,
    attempt: number,
    outcome: AttemptOutcome,
  ): Promise<ReminderStatus | null> {
    if (!this.schemaReady) return null;
    return this.reminders.finish(id, attempt, outcome);
  }

  async skipReminder(id: string, note: string): Promise<ReminderStatus | null> {
    if (!this.schemaReady) return null;
    return this.reminders.skip(id, note);
  }

  async deadLetterReminder(id: string, note: string): Promise<ReminderStatus | null> {
    if (!this.schemaReady) return null;
    return this.reminders.deadLetter(id, note);
  }

  /** One alarm per object: the reminder outbox retry or the next cadence point, whichever is sooner. */
  override async alarm(): Promise<void> {
    if (!this.schemaReady) return;
    await this.reminders.onAlarm();
  }

  // ---------------------------------------------------------------- internals

  /**
   * Every mutation: one synchronous transaction, with no other I/O. Whatever may change what is owed
   * (onLedgerChanged) lets the reminders write their outbox in that same transaction, before it commits.
   */
  private mutate<T>(work: () => T): T {
    return this.ctx.storage.transactionSync(() => {
      this.changed = false;
      const result = work();
      if (this.changed) {
        this.changed = false;
        this.reminders.onLedgerChanged();
      }
      return result;
    });
  }

  /**
   * Runs `work` once per idempotency key, in the same transaction that stores its result. Keys live in
   * their own table, namespaced by the request family (api, refrens, chargebee): a key is never a line id
   * and never reaches another family's results. Only what committed is kept: a refusal changed nothing,
   * so the corrected retry with the same key runs afresh instead of being told the key was reused.
   */
  private idempotent<T>(idem: Idempotency | undefined, work: () => CommandResult<T>): CommandResult<T> {
    return this.mutate(() => {
      if (idem && this.schemaReady) {
        const prior = this.sql
          .exec<{ request_hash: string; result: string }>(
            "SELECT request_hash, result FROM idempotency_keys WHERE scope = ? AND key = ?",
            idem.scope,
            idem.key,
          )
          .toArray()[0];
        if (prior) {
          if (prior.request_hash !== idem.requestHash) {
            return fail(
              409,
              "idempotency_key_reused",
              "This Idempotency-Key was used with a different request",
            );
          }
          return { ...(JSON.parse(prior.result) as CommandResult<T>), replayed: true };
        }
      }
      const result = work();
      if (idem && result.ok) {
        this.sql.exec(
          "INSERT INTO idempotency_keys (scope, key, request_hash, result, created_at) VALUES (?, ?, ?, ?, ?)",
          idem.scope,
          idem.key,
          idem.requestHash,
          JSON.stringify(result),
          new Date().toISOString(),
        );
      }
      return result;
    });
  }

  private logEvent(event: IngestCommand["event"], outcome: string, detail: unknown): void {
    this.sql.exec(
      `INSERT INTO events (source, event_id, event_type, verification, raw_body, outcome, detail, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      event.source,
      event.id,
      event.type,
      event.verification,
      event.rawBody,
      outcome,
      JSON.stringify(detail),
      event.receivedAt,
    );
  }

  private ensureSchema(): void {
    if (this.schemaReady) return;
    migrate(this.sql);
    this.schemaReady = true;
  }

  private row(): InvoiceRow | undefined {
    if (!this.schemaReady) return undefined;
    return this.sql.exec<InvoiceRow>("SELECT * FROM invoice WHERE singleton = 1").toArray()[0];
  }

  private state(): InvoiceState | null {
    const r = this.row();
    if (!r) return null;
    const totals = totalsOf(r);
    const balance = deriveBalance(r.total, totals, r.voided_at !== null);
    return {
      merchantId: r.merchant_id,
      invoiceId: r.invoice_id,
      facts: {
        currency: r.currency,
        total: r.total,
        dueDate: r.due_date,
        number: r.number,
        customer: { name: r.customer_name, email: r.customer_email, phone: r.customer_phone },
      },
      voidedAt: r.voided_at,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      totals,
      balance,
      reports: this.reports(r, balance),
      anomaliesCount: r.anomalies_count,
    };
  }

  private reports(r: InvoiceRow, balance: Balance): InvoiceState["reports"] {
    const rows = this.sql
      .exec<{ report: string }>("SELECT report FROM source_state WHERE report IS NOT NULL ORDER BY source")
      .toArray();
    return rows.map(({ report }) => {
      const rep = JSON.parse(report) as ProviderReport;
      const mismatch =
        (rep.currency !== null && r.currency !== null && rep.currency !== r.currency) ||
        (rep.amountPaid !== null && rep.amountPaid !== balance.credited) ||
        (rep.amountDue !== null && balance.amountDue !== null && rep.amountDue !== balance.amountDue) ||
        (rep.total !== null && r.total !== null && rep.total !== r.total);
      return { ...rep, mismatch };
    });
  }

  private page<R extends Record<string, SqlStorageValue>, T>(
    table: "lines" | "events" | "anomalies",
    cursor: string | undefined,
    limit: number,
    map: (r: R) => T,
  ): Page<T> | null {
    if (!this.row()) return null;
    const after = decodeCursor(cursor);
    const rows = this.sql
      .exec<R>(`SELECT * FROM ${table} WHERE seq > ? ORDER BY seq LIMIT ?`, Math.max(after, 0), limit + 1)
      .toArray();
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(map),
      nextCursor: rows.length > limit && last ? encodeCursor(last.seq as number) : null,
    };
  }

  private lineById(id: string): Line | undefined {
    const r = this.sql.exec<LineRow>("SELECT * FROM lines WHERE id = ?", id).toArray()[0];
    return r && toLine(r);
  }

  private lineBySourceId(source: string, externalId: string): Line | undefined {
    const r = this.sql
      .exec<LineRow>("SELECT * FROM lines WHERE source = ? AND external_id = ?", source, externalId)
      .toArray()[0];
    return r && toLine(r);
  }

  private writeFacts(ref: InvoiceRef, f: InvoiceFacts): void {
    const now = new Date().toISOString();
    this.sql.exec(
      `INSERT INTO invoice (singleton, merchant_id, invoice_id, currency, total, due_date, number,
         customer_name, customer_email, customer_phone, created_at, updated_at)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (singleton) DO UPDATE SET currency = excluded.currency, total = excluded.total,
         due_date = excluded.due_date, number = excluded.number, customer_name = excluded.customer_name,
         customer_email = excluded.customer_email, customer_phone = excluded.customer_phone,
         updated_at = excluded.updated_at`,
      ref.merchantId,
      ref.invoiceId,
      f.currency,
      f.total,
      f.dueDate,
      f.number,
      f.customer.name,
      f.customer.email,
      f.customer.phone,
      now,
      now,
    );
    this.onLedgerChanged();
  }

  /** Merges a provider's partial facts; an older snapshot (by version) never overwrites a newer one. */
  private applyFactsPatch(
    ref: InvoiceRef,
    source: string,
    patch: InvoiceFactsPatch | undefined,
    version: number | undefined,
    lines: LineInput[] | undefined,
    note: (kind: string, message: string) => void,
  ): void {
    const existing = this.row();
    if (patch && version !== undefined) {
      const last = this.sql
        .exec<{ facts_version: number | null }>(
          "SELECT facts_version FROM source_state WHERE source = ?",
          source,
        )
        .toArray()[0]?.facts_version;
      if (last !== undefined && last !== null && version < last) {
        if (existing) return;
        patch = { currency: patch.currency }; // still create the invoice, but from nothing older than we know
      } else {
        this.sql.exec(
          `INSERT INTO source_state (source, facts_version) VALUES (?, ?)
           ON CONFLICT (source) DO UPDATE SET facts_version = excluded.facts_version`,
          source,
          version,
        );
      }
    }
    const currency = existing?.currency ?? patch?.currency ?? lines?.[0]?.currency ?? null;
    if (existing && patch?.currency && existing.currency && patch.currency !== existing.currency) {
      note(
        "currency_mismatch",
        `${source} reports the invoice in ${patch.currency}; the ledger keeps ${existing.currency}`,
      );
    }
    const now = new Date().toISOString();
    const c = patch?.customer;
    this.sql.exec(
      `INSERT INTO invoice (singleton, merchant_id, invoice_id, currency, total, due_date, number,
         customer_name, customer_email, customer_phone, created_at, updated_at)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (singleton) DO UPDATE SET
         currency = COALESCE(invoice.currency, excluded.currency),
         total = COALESCE(?, invoice.total),
         due_date = COALESCE(?, invoice.due_date),
         number = COALESCE(?, invoice.number),
         customer_name = COALESCE(?, invoice.customer_name),
         customer_email = COALESCE(?, invoice.customer_email),
         customer_phone = COALESCE(?, invoice.customer_phone)`,
      ref.merchantId,
      ref.invoiceId,
      currency,
      patch?.total ?? null,
      patch?.dueDate ?? null,
      patch?.number ?? null,
      c?.name ?? null,
      c?.email ?? null,
      c?.phone ?? null,
      now,
      now,
      patch?.total ?? null,
      patch?.dueDate ?? null,
      patch?.number ?? null,
      c?.name ?? null,
      c?.email ?? null,
      c?.phone ?? null,
    );
  }

  /** Provider lines are never refused; what cannot be applied is kept as an anomaly. */
  private ingestLine(input: LineInput, eventId: string, note: Note): LineOutcome {
    const row = this.row()!;
    if (row.currency && input.currency !== row.currency) {
      const existing = this.lineBySourceId(input.source, input.externalId);
      note(
        "currency_mismatch",
        `${input.kind} ${input.externalId} in ${input.currency} on an invoice in ${row.currency}; not applied`,
        input.externalId,
      );
      return {
        outcome: "conflict",
        externalId: input.externalId,
        existing: existing ?? null,
        reason: "currency mismatch",
      };
    }
    const outcome = this.applyLine(input, eventId, note);
    if (outcome.outcome === "conflict") {
      note(
        "conflict",
        `${input.kind} ${input.externalId}: ${outcome.reason}; the recorded line stands`,
        input.externalId,
      );
    } else if (outcome.outcome === "applied") {
      if (row.voided_at && input.kind === "payment") {
        note(
          "payment_on_void_invoice",
          `Payment ${input.externalId} arrived after the invoice was voided`,
          input.externalId,
        );
      }
      if (input.kind === "reversal" && input.reverses && !outcome.line.reversesId) {
        note(
          "reversal_target_unknown",
          `Reversal ${input.externalId} names a payment the ledger has not seen; it takes nothing back until that payment arrives`,
          input.externalId,
        );
      }
    }
    return outcome;
  }

  /**
   * Follows the newest cumulative snapshot of a source and records the difference from what the source
   * itself reported so far as a line. A decrease is a reversal of the source's own payments, newest first,
   * so the cap of each payment holds: money the merchant already reversed through the API is the same money.
   */
  private applyCumulative(
    source: string,
    eventId: string,
    cum: NonNullable<IngestCommand["cumulative"]>,
    note: Note,
  ): LineOutcome[] {
    const st = this.sql
      .exec<{ cumulative_version: number | null }>(
        "SELECT cumulative_version FROM source_state WHERE source = ?",
        source,
      )
      .toArray()[0];
    if (st?.cumulative_version != null && cum.version <= st.cumulative_version) return [];
    this.sql.exec(
      `INSERT INTO source_state (source, cumulative_version, cumulative_paid) VALUES (?, ?, ?)
       ON CONFLICT (source) DO UPDATE SET cumulative_version = excluded.cumulative_version,
         cumulative_paid = excluded.cumulative_paid`,
      source,
      cum.version,
      cum.amountPaid,
    );
    // The source's own account of what it credited: its reversals count as it reported them.
    const sums = this.sql
      .exec<{ credited: number | null }>(
        `SELECT SUM(CASE kind WHEN 'payment' THEN amount + tds
                 WHEN 'reversal' THEN -COALESCE(requested_amount, amount)
                 WHEN 'adjustment' THEN amount ELSE 0 END) AS credited
         FROM lines WHERE source = ?`,
        source,
      )
      .one();
    const delta = cum.amountPaid - (sums.credited ?? 0);
    if (delta === 0) return [];
    return [
      this.ingestLine(
        {
          kind: delta > 0 ? "payment" : "reversal",
          source,
          externalId: `snapshot:${cum.version}`,
          amount: Math.abs(delta),
          currency: cum.currency,
          method: cum.method ?? null,
          notes: `Difference between ${source}'s cumulative amount paid and the ledger`,
        },
        eventId,
        note,
      ),
    ];
  }

  private applyReport(source: string, report: Omit<ProviderReport, "source">): void {
    const st = this.sql
      .exec<{ report_version: number | null }>(
        "SELECT report_version FROM source_state WHERE source = ?",
        source,
      )
      .toArray()[0];
    if (st?.report_version != null && report.version < st.report_version) return;
    this.sql.exec(
      `INSERT INTO source_state (source, report, report_version) VALUES (?, ?, ?)
       ON CONFLICT (source) DO UPDATE SET report = excluded.report, report_version = excluded.report_version`,
      source,
      JSON.stringify({ source, ...report }),
      report.version,
    );
  }

  /**
   * The one place a line is written. Inserts it and moves the running sums in the same transaction;
   * a replay of a known (source, external id) is a duplicate or, if it disagrees, a conflict.
   */
  private applyLine(input: LineInput, eventId: string | null, note?: Note): LineOutcome {
    const invalid = validateLine(input);
    if (invalid) throw new Error(`Invalid line ${input.source}/${input.externalId}: ${invalid}`);
    const existing = this.lineBySourceId(input.source, input.externalId);
    if (existing) {
      const reason = compareReplay(existing, input);
      return reason
        ? { outcome: "conflict", externalId: input.externalId, existing, reason }
        : { outcome: "duplicate", line: existing };
    }
    const report = note ?? this.anomalyNote(input.source, eventId);
    let reversesId: string | null = null;
    let unlinked: { source: string; externalId: string } | null = null;
    let plan: ReversalPlan | null = null;
    if (input.kind === "reversal") {
      let payments: Line[];
      if (input.reverses) {
        const target =
          "lineId" in input.reverses
            ? this.lineById(input.reverses.lineId)
            : this.lineBySourceId(input.reverses.source, input.reverses.externalId);
        reversesId = target?.id ?? null;
        if (!target && !("lineId" in input.reverses)) unlinked = input.reverses;
        payments = target?.kind === "payment" ? [target] : [];
      } else {
        // Names no payment: it takes back from its own source's payments, newest first.
        payments = this.sql
          .exec<LineRow>(
            "SELECT * FROM lines WHERE source = ? AND kind = 'payment' ORDER BY seq DESC",
            input.source,
          )
          .toArray()
          .map(toLine);
      }
      // A reversal waiting for its payment takes nothing back yet (see linkWaitingReversals).
      plan = unlinked
        ? null
        : planReversal(
            input.amount,
            payments.map((p) => this.standing(p, input.source)),
          );
    }
    const row = this.row()!;
    const amount = input.kind === "reversal" ? (plan?.applied ?? 0) : input.amount;
    const tds = input.kind === "reversal" ? (plan?.tds ?? 0) : (input.tds ?? 0);
    const fee = input.fee ?? 0;
    const t = addLine(totalsOf(row), { kind: input.kind, amount, tds, fee });
    // A sum past 2^53 would be rounded silently: the line stays out rather than the totals going inexact.
    if (!Object.values(t).every(Number.isSafeInteger)) {
      const reason = "the invoice's totals would leave the safe integer range";
      return { outcome: "conflict", externalId: input.externalId, existing: null, reason };
    }
    const now = new Date().toISOString();
    const id = randomId(LINE_PREFIX[input.kind]);
    const line: Line = {
      id,
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
      eventId,
      createdAt: now,
    };
    line.seq = this.sql
      .exec<{ seq: number }>(
        `INSERT INTO lines (id, kind, source, external_id, amount, tds, fee, currency, method, reference, notes,
           paid_at, reverses_id, reverses_source, reverses_external_id, requested_amount, duplicate_amount,
           duplicate_of, idempotency_key, event_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
        id,
        input.kind,
        input.source,
        input.externalId,
        amount,
        tds,
        fee,
        input.currency,
        line.method,
        line.reference,
        line.notes,
        line.paidAt,
        reversesId,
        unlinked?.source ?? null,
        unlinked?.externalId ?? null,
        amount === input.amount ? null : input.amount,
        line.duplicateAmount,
        line.duplicateOf,
        line.idempotencyKey,
        eventId,
        now,
      )
      .one().seq;
    this.writeTotals(t, now);
    if (plan) this.recordAllocations(line, plan, report);
    if (input.kind === "payment") this.linkWaitingReversals(line, report);
    this.onLedgerChanged();
    return { outcome: "applied", line };
  }

  /** What a payment still has standing, as seen by a reversal from `source`. */
  private standing(p: Line, source: string): PaymentStanding {
    const r = this.reversedOf(p.id, source);
    return { paymentId: p.id, amount: p.amount, tds: p.tds, ...r };
  }

  private reversedOf(paymentId: string, source = "") {
    const r = this.sql
      .exec<{ reversed: number; others: number; matched: number; last_other: string | null }>(
        `SELECT COALESCE(SUM(a.applied), 0) AS reversed,
                COALESCE(SUM(CASE WHEN l.source <> ? THEN a.applied ELSE 0 END), 0) AS others,
                COALESCE(SUM(CASE WHEN l.source = ? THEN a.duplicate ELSE 0 END), 0) AS matched,
                (SELECT l2.id FROM reversal_allocations a2 JOIN lines l2 ON l2.id = a2.reversal_id
                  WHERE a2.payment_id = ? AND l2.source <> ? AND a2.applied > 0
                  ORDER BY l2.seq DESC LIMIT 1) AS last_other
         FROM reversal_allocations a JOIN lines l ON l.id = a.reversal_id WHERE a.payment_id = ?`,
        source,
        source,
        paymentId,
        source,
        paymentId,
      )
      .one();
    return {
      reversed: r.reversed,
      reversedByOthers: r.others,
      matchedByThisSource: r.matched,
      lastOtherReversal: r.last_other,
    };
  }

  /** Keeps how a reversal was allocated, and says what of it was not taken back. */
  private recordAllocations(line: Line, plan: ReversalPlan, note: Note): void {
    for (const a of plan.allocations) {
      this.sql.exec(
        "INSERT INTO reversal_allocations (reversal_id, payment_id, applied, tds, duplicate) VALUES (?, ?, ?, ?, ?)",
        line.id,
        a.paymentId,
        a.applied,
        a.tds,
        a.duplicate,
      );
    }
    if (plan.over > 0) {
      note(
        "over_reversed",
        `Reversal ${line.externalId} asks for ${line.requestedAmount}; its payment had ${plan.applied} left to take back` +
          (plan.duplicate > 0 ? ` and ${plan.duplicate} was already taken back by another source` : "") +
          `: ${plan.over} is not credited back`,
        line.externalId,
      );
    }
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
      const plan = planReversal(r.requestedAmount, [this.standing(payment, r.source)]);
      this.sql.exec(
        `UPDATE lines SET reverses_id = ?, reverses_source = NULL, reverses_external_id = NULL, amount = ?, tds = ?,
           requested_amount = ?, duplicate_amount = ?, duplicate_of = ? WHERE id = ?`,
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
      this.recordAllocations({ ...r, amount: plan.applied }, plan, note);
    }
  }

  private writeTotals(t: Totals, now: string): void {
    this.sql.exec(
      `UPDATE invoice SET paid = ?, tds = ?, reversed = ?, tds_reversed = ?, written_off = ?, adjusted = ?, fees = ?,
         payments_count = ?, lines_count = ?, updated_at = ? WHERE singleton = 1`,
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
  }

  /** Anomalies of the merchant's own commands: kept like a provider's, without an event. */
  private anomalyNote(source: string, eventId: string | null): Note {
    return (kind, message, externalId = null) =>
      this.recordAnomaly(kind, source, externalId, eventId, message);
  }

  private recordAnomaly(
    kind: string,
    source: string,
    externalId: string | null,
    eventId: string | null,
    message: string,
  ) {
    this.sql.exec(
      "INSERT INTO anomalies (kind, source, external_id, event_id, message, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      kind,
      source,
      externalId,
      eventId,
      message,
      new Date().toISOString(),
    );
    this.sql.exec("UPDATE invoice SET anomalies_count = anomalies_count + 1 WHERE singleton = 1");
  }

  /** Called inside every transaction that may change what is owed; mutate() runs the reminders once after. */
  protected onLedgerChanged(): void {
    this.changed = true;
  }
}

type Note = (kind: string, message: string, externalId?: string | null) => void;

function fail(
  status: 404 | 409 | 422,
  code: string,
  message: string,
): { ok: false; status: 404 | 409 | 422; code: string; message: string } {
  return { ok: false, status, code, message };
}

function describeOutcome(o: LineOutcome) {
  return o.outcome === "conflict"
    ? { outcome: o.outcome, externalId: o.externalId, reason: o.reason }
    : {
        outcome: o.outcome,
        id: o.line.id,
        externalId: o.line.externalId,
        kind: o.line.kind,
        amount: o.line.amount,
      };
}
