import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../bindings";
import { migrate } from "../ledger/schema";
import { type AgingRow, agingSql } from "./aging";
import type { InvoiceChange, InvoiceSummary } from "./change";
import { INDEX_MIGRATIONS } from "./index-migrations";
import { type ListQuery, listSql, type Position } from "./index-query";
import { COLUMNS, columnsOf, type IndexedInvoice, type IndexRow, positionOf, toIndexed } from "./index-rows";

const PLACEHOLDERS = COLUMNS.split(",")
  .map(() => "?")
  .join(", ");
const UPDATES = COLUMNS.split(",")
  .map((c) => c.trim())
  .filter((c) => c !== "invoice_id")
  .map((c) => `${c} = excluded.${c}`)
  .join(", ");

export interface IndexPage {
  items: IndexedInvoice[];
  next: Position | null;
  /** SQLite rows read answering the page (SqlStorageCursor.rowsRead). */
  rowsRead: number;
}

/**
 * One merchant's index of its invoices: Cloudflare's parent-child pattern, the parent keeping a table of
 * its children so that listing never wakes them
 * (https://developers.cloudflare.com/durable-objects/best-practices/rules-of-durable-objects/).
 * Fed by the change feed; each invoice's row is the newest version heard of, so redelivered and reordered
 * changes are harmless. Eventually consistent: the invoice's own object stays the truth.
 */
export class MerchantIndex extends DurableObject<Bindings> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.storage.transactionSync(() =>
      migrate(this.sql, [{ namespace: "index", migrations: INDEX_MIGRATIONS }]),
    );
  }

  /** A batch of changes, in one transaction: each row moves only to a newer version. */
  async apply(changes: InvoiceChange[]): Promise<{ applied: number; stale: number }> {
    const now = new Date().toISOString();
    let applied = 0;
    this.ctx.storage.transactionSync(() => {
      // Within the batch, only each invoice's newest change needs writing.
      const newest = new Map<string, InvoiceChange>();
      for (const c of changes) {
        const seen = newest.get(c.invoiceId);
        if (!seen || c.version > seen.version) newest.set(c.invoiceId, c);
      }
      for (const c of newest.values()) {
        if (this.write(this.withFailures(c, changes), c.version, now, false)) applied += 1;
      }
    });
    return { applied, stale: changes.length - applied };
  }

  /** An index repair: the invoices' own summaries replace the rows, whatever their versions; gone ones go. */
  async repair(entries: Array<{ version: number; invoice: InvoiceSummary }>, gone: string[]): Promise<void> {
    const now = new Date().toISOString();
    this.ctx.storage.transactionSync(() => {
      for (const e of entries) this.write(e.invoice, e.version, now, true);
      for (const id of gone) {
        this.sql.exec("DELETE FROM invoices WHERE invoice_id = ?", id);
        this.sql.exec("DELETE FROM invoice_sources WHERE invoice_id = ?", id);
      }
    });
  }

  async list(q: ListQuery): Promise<IndexPage> {
    const { sql, args } = listSql(q);
    const cursor = this.sql.exec<IndexRow>(sql, ...args);
    const rows = cursor.toArray();
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map(toIndexed),
      next: rows.length > q.limit && last ? positionOf(last, q.sort) : null,
      rowsRead: cursor.rowsRead,
    };
  }

  /** Invoices in id order after `after`, for the repair's walk. */
  async page(after: string, limit: number): Promise<IndexedInvoice[]> {
    return this.sql
      .exec<IndexRow>("SELECT * FROM invoices WHERE invoice_id > ? ORDER BY invoice_id LIMIT ?", after, limit)
      .toArray()
      .map(toIndexed);
  }

  async aging(asOf: string): Promise<{ rows: AgingRow[]; rowsRead: number }> {
    const cursor = this.sql.exec<AgingRow>(agingSql, asOf, asOf, asOf, asOf);
    const rows = cursor.toArray();
    return { rows, rowsRead: cursor.rowsRead };
  }

  /**
   * Invoices with a reminder failure still standing whose newest failure is since `since` (ISO 8601), newest
   * first: one range of the partial index invoices_reminder_failed.
   */
  async reminderFailures(
    since: string,
    limit: number,
  ): Promise<Array<{ failedAt: string; invoice: IndexedInvoice }>> {
    return this.sql
      .exec<IndexRow & { reminder_failed_at: string }>(
        `SELECT * FROM invoices WHERE reminders_failed > 0 AND reminder_failed_at >= ?
         ORDER BY reminder_failed_at DESC, invoice_id DESC LIMIT ?`,
        since,
        limit,
      )
      .toArray()
      .map((r) => ({ failedAt: r.reminder_failed_at, invoice: toIndexed(r) }));
  }

  /**
   * A change recorded before the summary said which reminders stand as failed (in flight when this version
   * was deployed) keeps the row's own account, plus any failure its batch announced for the invoice.
   */
  private withFailures(c: InvoiceChange, batch: InvoiceChange[]): InvoiceSummary {
    if (typeof (c.invoice as Partial<InvoiceSummary>).remindersFailed === "number") return c.invoice;
    const row = this.sql
      .exec<{ n: number; at: string | null }>(
        "SELECT reminders_failed AS n, reminder_failed_at AS at FROM invoices WHERE invoice_id = ?",
        c.invoiceId,
      )
      .toArray()[0];
    let count = row?.n ?? 0;
    let at = row?.at ?? null;
    for (const o of batch) {
      if (o.invoiceId !== c.invoiceId || !o.kinds.includes("reminder_failed")) continue;
      count = Math.max(count, 1);
      if (at === null || o.at > at) at = o.at;
    }
    return { ...c.invoice, remindersFailed: count, reminderFailedAt: at };
  }

  /** Writes the row unless (without `force`) it already holds this version or a newer one. */
  private write(s: InvoiceSummary, version: number, now: string, force: boolean): boolean {
    const changed = this.sql
      .exec(
        `INSERT INTO invoices (${COLUMNS}) VALUES (${PLACEHOLDERS})
         ON CONFLICT (invoice_id) DO UPDATE SET ${UPDATES}
         ${force ? "" : "WHERE excluded.version > invoices.version"}
         RETURNING invoice_id`,
        ...columnsOf(s, version, now),
      )
      .toArray();
    if (changed.length === 0) return false;
    if (force) this.sql.exec("DELETE FROM invoice_sources WHERE invoice_id = ?", s.id);
    for (const source of s.sources) {
      this.sql.exec("INSERT OR IGNORE INTO invoice_sources (source, invoice_id) VALUES (?, ?)", source, s.id);
    }
    return true;
  }
}
