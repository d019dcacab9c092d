// Provider deliveries: the event log, the anomaly policy, provider reports and cumulative snapshots. A
// verified delivery is never refused (money already moved): what cannot be applied cleanly is kept as an
// anomaly, and every delivery is logged with its raw body.
import type { Book } from "../book/book";
import type { BookState } from "../book/rows";
import type { IngestCommand, IngestResult } from "../commands";
import type { Capability, Note } from "../host";
import type { Anomaly, InvoiceEvent, InvoiceRef, LineInput, LineOutcome, ProviderReport } from "../types";
import { MIGRATIONS } from "./migrations";
import { Sources } from "./sources";

export class Ingest implements Capability {
  readonly namespace = "ingest";
  readonly migrations = MIGRATIONS;
  private readonly sources: Sources;

  constructor(
    private readonly sql: SqlStorage,
    private readonly book: Book,
  ) {
    this.sources = new Sources(sql);
  }

  apply(ref: InvoiceRef, cmd: IngestCommand): IngestResult {
    const { event } = cmd;
    const seen = this.sql
      .exec("SELECT 1 FROM events WHERE source = ? AND event_id = ?", event.source, event.id)
      .toArray();
    if (seen.length > 0) return { outcome: "duplicate", lines: [], anomalies: [] };
    if (cmd.ignored) {
      // Kept in the log of an invoice we know; an unknown invoice is not created for it.
      if (this.book.row()) this.logEvent(event, "ignored", { reason: cmd.ignored });
      return { outcome: "ignored", lines: [], anomalies: [] };
    }

    const anomalies: string[] = [];
    const note: Note = (kind, message, externalId = null) => {
      anomalies.push(kind);
      this.noteFor(event.source, event.id)(kind, message, externalId);
    };
    this.applyFacts(ref, cmd, note);
    const outcomes = (cmd.lines ?? []).map((line) => this.ingestLine(line, event.id, note));
    if (cmd.cumulative) outcomes.push(...this.applyCumulative(event.source, event.id, cmd.cumulative, note));
    if (cmd.report) this.sources.applyReport(event.source, cmd.report);
    if (this.book.row()) {
      if (cmd.void) this.book.void(event.receivedAt);
      this.book.touch();
    }
    this.logEvent(event, anomalies.length > 0 ? "applied_with_anomalies" : "applied", {
      lines: outcomes.map(describeOutcome),
      anomalies,
    });
    return { outcome: "applied", lines: outcomes.map((o) => o.outcome), anomalies };
  }

  /** Records anomalies of `source`'s lines, from a delivery or (eventId null) a merchant's command. */
  noteFor(source: string, eventId: string | null): Note {
    return (kind, message, externalId = null) => {
      this.sql.exec(
        `INSERT INTO anomalies (kind, source, external_id, event_id, message, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
        kind,
        source,
        externalId,
        eventId,
        message,
        new Date().toISOString(),
      );
      this.book.countAnomaly();
    };
  }

  reports(s: BookState): Array<ProviderReport & { mismatch: boolean }> {
    return this.sources.reports(s);
  }

  events(after: number, limit: number): InvoiceEvent[] {
    return this.sql
      .exec<Record<string, SqlStorageValue>>(
        "SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
        after,
        limit,
      )
      .toArray()
      .map((r) => ({
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

  anomalies(after: number, limit: number): Anomaly[] {
    return this.sql
      .exec<Record<string, SqlStorageValue>>(
        "SELECT * FROM anomalies WHERE seq > ? ORDER BY seq LIMIT ?",
        after,
        limit,
      )
      .toArray()
      .map((r) => ({
        seq: r.seq as number,
        kind: r.kind as string,
        source: r.source as string,
        externalId: r.external_id as string | null,
        eventId: r.event_id as string | null,
        message: r.message as string,
        createdAt: r.created_at as string,
      }));
  }

  /** Merges a provider's partial facts; an older snapshot (by version) never overwrites a newer one. */
  private applyFacts(ref: InvoiceRef, cmd: IngestCommand, note: Note): void {
    const existing = this.book.row();
    let patch = cmd.facts;
    if (
      patch &&
      cmd.factsVersion !== undefined &&
      !this.sources.takeFactsVersion(cmd.event.source, cmd.factsVersion)
    ) {
      if (existing) return;
      patch = { currency: patch.currency }; // still create the invoice, but from nothing older than we know
    }
    const source = cmd.event.source;
    if (existing && patch?.currency && existing.currency && patch.currency !== existing.currency) {
      note(
        "currency_mismatch",
        `${source} reports the invoice in ${patch.currency}; the ledger keeps ${existing.currency}`,
      );
    }
    const currency = existing?.currency ?? patch?.currency ?? cmd.lines?.[0]?.currency ?? null;
    this.book.mergeFacts(ref, currency, patch);
  }

  /** Provider lines are never refused; what cannot be applied is kept as an anomaly. */
  private ingestLine(input: LineInput, eventId: string, note: Note): LineOutcome {
    const row = this.book.row()!;
    if (row.currency && input.currency !== row.currency) {
      note(
        "currency_mismatch",
        `${input.kind} ${input.externalId} in ${input.currency} on an invoice in ${row.currency}; not applied`,
        input.externalId,
      );
      const existing = this.book.lineBySourceId(input.source, input.externalId) ?? null;
      return { outcome: "conflict", externalId: input.externalId, existing, reason: "currency mismatch" };
    }
    const outcome = this.book.applyLine(input, eventId, note);
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
    if (!this.sources.takeCumulative(source, cum.version, cum.amountPaid)) return [];
    const delta = cum.amountPaid - this.book.creditedBySource(source);
    if (delta === 0) return [];
    const line: LineInput = {
      kind: delta > 0 ? "payment" : "reversal",
      source,
      externalId: `snapshot:${cum.version}`,
      amount: Math.abs(delta),
      currency: cum.currency,
      method: cum.method ?? null,
      notes: `Difference between ${source}'s cumulative amount paid and the ledger`,
    };
    return [this.ingestLine(line, eventId, note)];
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
