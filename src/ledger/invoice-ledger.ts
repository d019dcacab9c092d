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
import { migrate } from "./migrations";
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
  eventId: r.event_id,
  createdAt: r.created_at,
});

const totalsOf = (r: InvoiceRow): Totals => ({
  paid: r.paid,
  tds: r.tds,
  reversed: r.reversed,
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

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.storage.transactionSync(() => migrate(this.sql));
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
  async audit(): Promise<{ stored: Totals; recomputed: Totals } | null> {
    const row = this.row();
    if (!row) return null;
    let recomputed = EMPTY_TOTALS;
    for (const r of this.sql.exec<LineRow>("SELECT * FROM lines ORDER BY seq"))
      recomputed = addLine(recomputed, r);
    return { stored: totalsOf(row), recomputed };
  }

  // ---------------------------------------------------------------- merchant commands

  async upsertInvoice(ref: InvoiceRef, facts: InvoiceFacts): Promise<CommandResult<UpsertResult>> {
    return this.mutate(() => {
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
          externalId: idem?.key ?? randomId("req"),
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
      if (outcome.outcome !== "applied") {
        return fail(409, "duplicate_payment", "A payment with this idempotency key is already recorded");
      }
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
      const already = this.sql.exec("SELECT 1 FROM lines WHERE reverses_id = ? LIMIT 1", lineId).toArray();
      if (already.length > 0) return fail(409, "already_reversed", "This payment has already been reversed");
      const outcome = this.applyLine(
        {
          kind: "reversal",
          source: input.source,
          externalId: `reversal:${lineId}`,
          amount: target.amount + target.tds,
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
    return this.reminders.claim(id, opts);
  }

  async finishReminderAttempt(
    id: string,
    attempt: number,
    outcome: AttemptOutcome,
  ): Promise<ReminderStatus | null> {
    return this.reminders.finish(id, attempt, outcome);
  }

  async skipReminder(id: string, note: string): Promise<ReminderStatus | null> {
    return this.reminders.skip(id, note);
  }

  async deadLetterReminder(id: string, note: string): Promise<ReminderStatus | null> {
    return this.reminders.deadLetter(id, note);
  }

  /** One alarm per object: the reminder outbox retry or the next cadence point, whichever is sooner. */
  override async alarm(): Promise<void> {
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

  /** Runs `work` once per idempotency key, in the same transaction that stores its result. */
  private idempotent<T>(idem: Idempotency | undefined, work: () => CommandResult<T>): CommandResult<T> {
    return this.mutate(() => {
      if (idem) {
        const prior = this.sql
          .exec<{ request_hash: string; result: string }>(
            "SELECT request_hash, result FROM idempotency WHERE key = ?",
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
          return JSON.parse(prior.result) as CommandResult<T>;
        }
      }
      const result = work();
      if (idem && result.status !== 404) {
        this.sql.exec(
          "INSERT INTO idempotency (key, request_hash, result, created_at) VALUES (?, ?, ?, ?)",
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

  private row(): InvoiceRow | undefined {
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
  private ingestLine(
    input: LineInput,
    eventId: string,
    note: (k: string, m: string, x?: string) => void,
  ): LineOutcome {
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
    const outcome = this.applyLine(input, eventId);
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
          `Reversal ${input.externalId} names a payment the ledger has not seen`,
          input.externalId,
        );
      }
      if (input.kind === "reversal" && outcome.line.reversesId) {
        // Partial refunds may add up, but never past what the payment credited: that is a refund counted
        // twice (the merchant reversed it through the API, then the provider reported its refund).
        const target = this.lineById(outcome.line.reversesId);
        const reversed = this.sql
          .exec<{ total: number }>(
            "SELECT COALESCE(SUM(amount), 0) AS total FROM lines WHERE reverses_id = ?",
            outcome.line.reversesId,
          )
          .one().total;
        if (target && reversed > target.amount + target.tds) {
          note(
            "over_reversed",
            `${target.externalId} is now reversed for ${reversed}, more than the ${target.amount + target.tds} it credited`,
            input.externalId,
          );
        }
      }
    }
    return outcome;
  }

  /** Follows the newest cumulative snapshot of a source and records the difference as a line. */
  private applyCumulative(
    source: string,
    eventId: string,
    cum: NonNullable<IngestCommand["cumulative"]>,
    note: (k: string, m: string, x?: string) => void,
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
    const sums = this.sql
      .exec<{ credited: number | null }>(
        `SELECT SUM(CASE kind WHEN 'payment' THEN amount + tds WHEN 'reversal' THEN -amount
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
  private applyLine(input: LineInput, eventId: string | null): LineOutcome {
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
    let unlinked: { source: string; externalId: string } | null = null;
    if (input.reverses) {
      const target =
        "lineId" in input.reverses
          ? this.lineById(input.reverses.lineId)
          : this.lineBySourceId(input.reverses.source, input.reverses.externalId);
      reversesId = target?.id ?? null;
      if (!target && !("lineId" in input.reverses)) unlinked = input.reverses;
    }
    const tds = input.tds ?? 0;
    const fee = input.fee ?? 0;
    const t = addLine(totalsOf(this.row()!), { kind: input.kind, amount: input.amount, tds, fee });
    // A sum past 2^53 would be rounded silently: the line stays out rather than the totals going inexact.
    if (!Object.values(t).every(Number.isSafeInteger)) {
      const reason = "the invoice's totals would leave the safe integer range";
      return { outcome: "conflict", externalId: input.externalId, existing: null, reason };
    }
    const now = new Date().toISOString();
    const id = randomId(LINE_PREFIX[input.kind]);
    const seq = this.sql
      .exec<{ seq: number }>(
        `INSERT INTO lines (id, kind, source, external_id, amount, tds, fee, currency, method, reference, notes,
           paid_at, reverses_id, reverses_source, reverses_external_id, event_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
        id,
        input.kind,
        input.source,
        input.externalId,
        input.amount,
        tds,
        fee,
        input.currency,
        input.method ?? null,
        input.reference ?? null,
        input.notes ?? null,
        input.paidAt ?? null,
        reversesId,
        unlinked?.source ?? null,
        unlinked?.externalId ?? null,
        eventId,
        now,
      )
      .one().seq;
    // Reversals that arrived before this line named it by the source's id: link them now.
    this.sql.exec(
      `UPDATE lines SET reverses_id = ?, reverses_source = NULL, reverses_external_id = NULL
       WHERE reverses_source = ? AND reverses_external_id = ?`,
      id,
      input.source,
      input.externalId,
    );
    this.sql.exec(
      `UPDATE invoice SET paid = ?, tds = ?, reversed = ?, written_off = ?, adjusted = ?, fees = ?,
         payments_count = ?, lines_count = ?, updated_at = ? WHERE singleton = 1`,
      t.paid,
      t.tds,
      t.reversed,
      t.writtenOff,
      t.adjusted,
      t.fees,
      t.paymentsCount,
      t.linesCount,
      now,
    );
    this.onLedgerChanged();
    const line: Line = {
      id,
      seq,
      kind: input.kind,
      source: input.source,
      externalId: input.externalId,
      amount: input.amount,
      tds,
      fee,
      currency: input.currency,
      method: input.method ?? null,
      reference: input.reference ?? null,
      notes: input.notes ?? null,
      paidAt: input.paidAt ?? null,
      reversesId,
      eventId,
      createdAt: now,
    };
    return { outcome: "applied", line };
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
