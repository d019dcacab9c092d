import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../bindings";
import { decodeCursor, encodeCursor } from "../lib/cursor";
import type { InvoiceSummary } from "../portfolio/change";
import { type ChangeFacts, summaryOf } from "../portfolio/summary";
import { InvoiceReminders } from "../reminders/invoice-reminders";
import type {
  AttemptOutcome,
  ClaimResult,
  Reminder,
  ReminderStatus,
  UpcomingReminder,
} from "../reminders/types";
import { Book } from "./book/book";
import { ChangeFeed } from "./changes/change-feed";
import type {
  AdjustmentCommand,
  CommandResult,
  Idempotency as IdempotencyKey,
  IngestCommand,
  IngestResult,
  InvoiceFacts,
  InvoicePatch,
  Page,
  PaymentCommand,
  PaymentResult,
  UpsertResult,
  WriteOffCommand,
} from "./commands";
import { refuse } from "./commands";
import type { Capability, Note, Wakeful } from "./host";
import { Idempotency } from "./idempotency/idempotency";
import { Ingest } from "./ingest/ingest";
import { LazyTables } from "./lazy-tables";
import * as merchant from "./merchant-commands";
import { hasSchema } from "./schema";
import type { Anomaly, InvoiceEvent, InvoiceRef, InvoiceState, Line, ListedLine, Totals } from "./types";

/**
 * One ledger per (merchant, invoice): a thin host over its capabilities (book, ingest, idempotency,
 * reminders). It owns the RPC surface, the one synchronous transaction per mutation (no other I/O inside,
 * so concurrent requests serialize on the object and a crash leaves all or nothing) and the one alarm.
 */
export class InvoiceLedger extends DurableObject<Bindings> {
  private readonly book: Book;
  private readonly deliveries: Ingest;
  private readonly keys: Idempotency;
  private readonly reminders: InvoiceReminders;
  private readonly changes: ChangeFeed;
  private readonly tables: LazyTables;
  private readonly capabilities: readonly Capability[];
  private readonly wakeful: readonly Wakeful[];
  /**
   * Whether the tables exist. An object that is only ever read (a GET of an unknown invoice) must store
   * nothing: the schema is created by the first write that creates an invoice, inside its transaction.
   */
  private ready: boolean;
  /** Inside mutate(): a capability's rearm is done once, at the end of the transaction. */
  private mutating = false;
  private rearmDue = false;
  /**
   * The invoice a command answered with (withInvoice, always a command's last step), which the change
   * record of the same transaction reuses instead of reading the reports and the pause again.
   */
  private answered: InvoiceState | undefined;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    this.tables = new LazyTables(sql);
    this.book = new Book(sql, this.tables);
    this.deliveries = new Ingest(sql, this.book, this.tables);
    this.keys = new Idempotency(sql, this.tables);
    this.reminders = new InvoiceReminders(ctx, env, {
      invoice: () => this.read(() => this.book.state()),
      rearm: () => this.rearm(),
      // Either moves the failed reminders the change feed's summary reports: a change of its own.
      reminderFailed: () => this.announceReminders(true),
      failureResolved: () => this.announceReminders(false),
    });
    this.changes = new ChangeFeed(ctx, env, { rearm: () => this.rearm() });
    // Migration order: later capabilities may name earlier ones' tables; lazy ones' come with a first write.
    this.capabilities = [
      this.book,
      this.book.allocations,
      this.deliveries,
      this.deliveries.anomalies,
      this.keys,
      this.reminders,
      this.changes,
    ];
    this.wakeful = [this.reminders, this.changes];
    this.ready = hasSchema(sql);
    if (this.ready) ctx.storage.transactionSync(() => this.tables.migrate(this.capabilities));
  }

  // ---------------------------------------------------------------- reads

  async getInvoice(): Promise<InvoiceState | null> {
    return this.read(() => this.state());
  }

  async listLines(cursor?: string, limit = 50): Promise<Page<ListedLine> | null> {
    return this.page(cursor, limit, (after, n) => this.book.lines(after, n));
  }

  async listAnomalies(cursor?: string, limit = 50): Promise<Page<Anomaly> | null> {
    return this.page(cursor, limit, (after, n) => this.deliveries.anomalies.list(after, n));
  }

  async listEvents(cursor?: string, limit = 50): Promise<Page<InvoiceEvent> | null> {
    return this.page(cursor, limit, (after, n) => this.deliveries.events(after, n));
  }

  async listReminders(cursor?: string, limit = 50): Promise<Page<Reminder> | null> {
    return this.page(cursor, limit, (after, n) => this.reminders.list(after, n));
  }

  /**
   * The invoice as the change feed would describe it now, with the version of its latest change (0 before
   * the first): what an index repair compares with. Reads every line's source, so never on a request path.
   */
  async currentSummary(): Promise<{ version: number; invoice: InvoiceSummary } | null> {
    return this.read(() => {
      const s = this.state();
      if (!s) return null;
      const invoice = summaryOf(s, this.book.sources(), this.reminders.failures(s));
      return { version: this.changes.latest()?.version ?? 0, invoice };
    });
  }

  /** The invoice's cadence points still ahead under `cadenceDays` (the merchant's setting). */
  async listUpcomingReminders(cadenceDays: number[]): Promise<UpcomingReminder[] | null> {
    return this.read(() => (this.book.row() ? this.reminders.upcoming(cadenceDays) : null));
  }

  /** Recomputes the sums from the lines, for audits and the property test; never on a request path. */
  async audit(): Promise<{ stored: Totals; recomputed: Totals; overReversedPayments: number } | null> {
    return this.read(() => this.book.audit());
  }

  // ---------------------------------------------------------------- merchant commands

  async upsertInvoice(ref: InvoiceRef, facts: InvoiceFacts): Promise<CommandResult<UpsertResult>> {
    return this.mutate(true, () =>
      this.withInvoice(merchant.upsertInvoice(this.book, ref, facts), (_, invoice, r) => ({
        created: r.created === true,
        invoice,
      })),
    );
  }

  /** Changes only what is sent: facts, and whether the invoice's reminders are paused. */
  async patchInvoice(
    ref: InvoiceRef,
    patch: InvoicePatch,
    reminders?: "paused" | "active",
  ): Promise<CommandResult<InvoiceState>> {
    return this.mutate(false, () => {
      if (!this.book.row()) return refuse("not_found", "Invoice not found");
      if (Object.keys(patch).length > 0) {
        const r = merchant.patchInvoice(this.book, ref, patch);
        if (!r.ok) return r;
      }
      if (reminders) this.reminders.setPaused(reminders === "paused");
      return { ok: true, value: this.state()! };
    });
  }

  async recordPayment(cmd: PaymentCommand, idem?: IdempotencyKey): Promise<CommandResult<PaymentResult>> {
    return this.lineCommand(cmd.source, idem, (key, note) =>
      merchant.recordPayment(this.book, cmd, key, note),
    );
  }

  async writeOff(cmd: WriteOffCommand, idem?: IdempotencyKey): Promise<CommandResult<PaymentResult>> {
    return this.lineCommand(cmd.source, idem, (key, note) => merchant.writeOff(this.book, cmd, key, note));
  }

  async adjust(cmd: AdjustmentCommand, idem?: IdempotencyKey): Promise<CommandResult<PaymentResult>> {
    return this.lineCommand(cmd.source, idem, (key, note) => merchant.adjust(this.book, cmd, key, note));
  }

  async reversePayment(
    lineId: string,
    input: { source: string; reason?: string | null },
    idem?: IdempotencyKey,
  ): Promise<CommandResult<PaymentResult>> {
    return this.lineCommand(input.source, idem, (_, note) =>
      merchant.reversePayment(this.book, lineId, input, note),
    );
  }

  async voidInvoice(): Promise<CommandResult<InvoiceState>> {
    return this.mutate(false, () =>
      this.withInvoice(merchant.voidInvoice(this.book), (_, invoice) => invoice),
    );
  }

  // ---------------------------------------------------------------- provider deliveries

  async ingest(ref: InvoiceRef, cmd: IngestCommand): Promise<IngestResult> {
    // An ignored event on an invoice we do not know creates nothing, not even the tables.
    if (cmd.ignored && !this.ready) return { outcome: "ignored", lines: [], anomalies: [] };
    return this.mutate(true, () => this.deliveries.apply(ref, cmd));
  }

  // ---------------------------------------------------------------- reminders (the queue consumers' side)

  async claimReminder(id: string, opts: { leaseMs: number; maxAttempts: number }): Promise<ClaimResult> {
    return this.ready ? this.reminders.claim(id, opts) : { kind: "unknown" };
  }

  async finishReminderAttempt(
    id: string,
    attempt: number,
    outcome: AttemptOutcome,
  ): Promise<ReminderStatus | null> {
    return this.ready ? this.reminders.finish(id, attempt, outcome) : null;
  }

  async skipReminder(id: string, note: string): Promise<ReminderStatus | null> {
    return this.ready ? this.reminders.skip(id, note) : null;
  }

  /** A merchant's resend of a failed reminder: a new reminder with its own id (see README, Reminders). */
  async resendReminder(id: string, idem?: IdempotencyKey): Promise<CommandResult<Reminder>> {
    return this.mutate(false, () =>
      this.keys.run(idem, () =>
        this.book.row() ? this.reminders.resend(id) : refuse("not_found", "Invoice not found"),
      ),
    );
  }

  async deadLetterReminder(id: string, note: string): Promise<ReminderStatus | null> {
    return this.ready ? this.reminders.deadLetter(id, note) : null;
  }

  /**
   * The one alarm: every capability that asked for a wake-up runs (each does only what is due by then),
   * then the alarm points at the next wake-up any of them asks for.
   */
  override async alarm(): Promise<void> {
    if (!this.ready) return;
    for (const c of this.wakeful) if (c.nextWakeAt() !== null) await c.onAlarm();
    await this.rearm();
  }

  // ---------------------------------------------------------------- internals

  /**
   * Every mutation: one synchronous transaction with no other I/O. A change to what is owed is told to the
   * reminders inside it, so their outbox commits (or rolls back) with the change.
   */
  private mutate<T>(creates: boolean, work: () => T): T {
    const ready = this.ready;
    return this.ctx.storage.transactionSync(() => {
      this.mutating = true;
      this.rearmDue = false;
      this.answered = undefined;
      try {
        this.tables.begin();
        if (creates && !this.ready) {
          this.tables.migrate(this.capabilities);
          this.ready = true;
        }
        this.book.begin(this.ready);
        const result = work();
        const invoice = this.book.changed ? this.book.state() : null;
        if (invoice) {
          const silenced =
            this.book.linesApplied > 0 && this.book.linesMerchantSilenced === this.book.linesApplied;
          this.announce({
            paymentsApplied: this.book.paymentsApplied,
            reversalsApplied: this.book.reversalsApplied,
            lines: this.book.linesWritten,
            ...(silenced ? { merchantEvents: false } : {}),
          });
          this.reminders.onLedgerChanged({
            invoice,
            paymentsApplied: this.book.paymentsApplied,
            paymentsSilenced: this.book.paymentsSilenced,
            factsChanged: this.book.factsChanged,
          });
        }
        // Every capability that asked for the alarm is pointed once, still inside the transaction.
        if (this.rearmDue) void this.pointAlarm();
        return result;
      } catch (e) {
        // Rolled back, and with it the schema of a new object and any lazy table this transaction made.
        this.ready = ready;
        this.tables.rollBack();
        throw e;
      } finally {
        this.mutating = false;
        this.answered = undefined;
      }
    });
  }

  /**
   * Inside the transaction of a change a merchant would see: the next version and its change record. The
   * sources come from the previous record plus this transaction's lines, so the hot path never scans lines.
   */
  private announce(facts: ChangeFacts): void {
    const s = this.answered ?? this.state();
    if (!s) return;
    const failures = this.reminders.failures(s);
    this.changes.record(
      s.merchantId,
      (prev) =>
        summaryOf(s, prev ? [...prev.sources, ...this.book.sourcesApplied] : this.book.sources(), failures),
      facts,
    );
  }

  /** A reminder failed for good, or a failure was made good: inside the reminders' own transaction. */
  private announceReminders(failed: boolean): void {
    this.book.begin(true);
    this.announce({ paymentsApplied: 0, reversalsApplied: 0, ...(failed ? { reminderFailed: true } : {}) });
  }

  private read<T>(work: () => T | null): T | null {
    if (!this.ready) return null;
    this.book.begin(true);
    return work();
  }

  private state(): InvoiceState | null {
    const s = this.book.state();
    return (
      s && {
        ...s,
        reports: this.deliveries.reports(s),
        reminders: this.reminders.paused() ? "paused" : "active",
      }
    );
  }

  /** A merchant command that writes one line, under its Idempotency-Key, answered with the new invoice. */
  private lineCommand(
    source: string,
    idem: IdempotencyKey | undefined,
    rule: (idempotencyKey: string | null, note: Note) => CommandResult<Line>,
  ): CommandResult<PaymentResult> {
    return this.mutate(false, () =>
      this.keys.run(idem, () =>
        this.withInvoice(rule(idem?.key ?? null, this.deliveries.noteFor(source, null)), (line, invoice) => ({
          line,
          invoice,
        })),
      ),
    );
  }

  /** A command's value with the invoice as the command left it. */
  private withInvoice<T, R>(
    result: CommandResult<T>,
    value: (v: T, invoice: InvoiceState, result: Extract<CommandResult<T>, { ok: true }>) => R,
  ): CommandResult<R> {
    if (!result.ok) return result;
    this.answered = this.state()!;
    return { ok: true, value: value(result.value, this.answered, result), created: result.created };
  }

  private page<T extends { seq: number }>(
    cursor: string | undefined,
    limit: number,
    fetch: (after: number, limit: number) => T[],
  ): Page<T> | null {
    return this.read(() => {
      if (!this.book.row()) return null;
      const rows = fetch(Math.max(decodeCursor(cursor), 0), limit + 1);
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null };
    });
  }

  /**
   * A capability asks for the alarm to be pointed again. Inside a mutation that waits for its end (the
   * reminders and the change feed both ask in one payment, and each pointing queries every capability's
   * next wake-up); elsewhere it is done at once.
   */
  private rearm(): Promise<void> {
    if (this.mutating) {
      this.rearmDue = true;
      return Promise.resolve();
    }
    return this.pointAlarm();
  }

  /** Points the one alarm at the earliest wake-up any capability asks for; none: no alarm. */
  private pointAlarm(): Promise<void> {
    const times = this.wakeful.map((c) => c.nextWakeAt()).filter((t): t is number => t !== null);
    return times.length === 0
      ? this.ctx.storage.deleteAlarm()
      : this.ctx.storage.setAlarm(Math.min(...times));
  }
}
