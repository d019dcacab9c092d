// The change feed of one invoice's object: every committed change a merchant would see bumps the invoice's
// version and writes a change record in the same transaction (an outbox, like the reminders'); right after
// commit the record is handed to the queue `invoice-ledger-changes`, and the alarm hands over whatever was
// not (a failed send, an eviction between commit and hand-over). At least once, never lost:
// https://developers.cloudflare.com/queues/reference/delivery-guarantees/
import type { Bindings } from "../../bindings";
import { oneAtATime } from "../../lib/one-at-a-time";
import type { InvoiceChange, InvoiceSummary } from "../../portfolio/change";
import { type ChangeFacts, kindsOf } from "../../portfolio/summary";
import type { AlarmHost, Capability, Wakeful } from "../host";
import { MIGRATIONS } from "./migrations";

/** When the alarm hands a change over if the hand-over after commit has not. */
export const CHANGE_GRACE_MS = 10_000;
/** Next try after the queue refused a hand-over. */
export const CHANGE_RETRY_MS = 30_000;
/** Lines a change record carries at most: enough for any one delivery, and a bound on the message's size. */
export const CHANGE_LINES_MAX = 20;
/** sendBatch takes at most 100 messages: https://developers.cloudflare.com/queues/platform/limits/ */
const SEND_BATCH_MAX = 100;

interface OutboxRow extends Record<string, SqlStorageValue> {
  version: number;
  body: string;
  handover_at: number | null;
}

export class ChangeFeed implements Capability, Wakeful {
  readonly namespace = "changes";
  readonly migrations = MIGRATIONS;
  private kicked = false;
  /** After a failed hand-over: when to try again (in memory; the alarm already set survives eviction). */
  private retryAt: number | null = null;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Bindings,
    private readonly host: AlarmHost,
  ) {}

  /** The newest change recorded, or null before the first. */
  latest(): InvoiceChange | null {
    const row = this.ctx.storage.sql
      .exec<OutboxRow>("SELECT version, body FROM change_outbox ORDER BY version DESC LIMIT 1")
      .toArray()[0];
    return row ? (JSON.parse(row.body) as InvoiceChange) : null;
  }

  /**
   * Inside the ledger's transaction, with no I/O: the next version and its change record, one row written.
   * The hand-over is kicked for after commit; the alarm, set in the same transaction, is the fallback.
   */
  record(merchantId: string, summary: (prev: InvoiceSummary | null) => InvoiceSummary, facts: ChangeFacts) {
    const prev = this.latest();
    const invoice = summary(prev?.invoice ?? null);
    const change: InvoiceChange = {
      v: 1,
      merchantId,
      invoiceId: invoice.id,
      version: (prev?.version ?? 0) + 1,
      kinds: kindsOf(prev?.invoice ?? null, invoice, facts),
      previousStatus: prev?.invoice.status ?? null,
      at: new Date().toISOString(),
      invoice,
      ...(facts.lines?.length ? { lines: facts.lines.slice(0, CHANGE_LINES_MAX) } : {}),
      ...(facts.merchantEvents === false ? { merchantEvents: false as const } : {}),
    };
    this.ctx.storage.sql.exec(
      "INSERT INTO change_outbox (version, body, handover_at) VALUES (?, ?, ?)",
      change.version,
      JSON.stringify(change),
      Date.now() + CHANGE_GRACE_MS,
    );
    void this.host.rearm();
    this.kick();
    return change;
  }

  nextWakeAt(): number | null {
    const at =
      this.ctx.storage.sql
        .exec<{ at: number | null }>(
          "SELECT MIN(handover_at) AS at FROM change_outbox WHERE handover_at IS NOT NULL",
        )
        .one().at ?? null;
    const retry = this.retryAt;
    if (retry === null) return at;
    return at === null ? retry : Math.min(at, retry);
  }

  async onAlarm(): Promise<void> {
    this.retryAt = null;
    await this.handOver();
  }

  /** Hands over right after the transaction commits (a microtask runs only once it has returned). */
  private kick(): void {
    if (this.kicked) return;
    this.kicked = true;
    this.ctx.waitUntil(
      Promise.resolve().then(() => {
        this.kicked = false;
        return this.handOver();
      }),
    );
  }

  /** Serialized, so one change is not sent twice by two overlapping hand-overs of the same object. */
  private readonly handOver = oneAtATime(() => this.handOverAll());

  private async handOverAll(): Promise<void> {
    const sql = this.ctx.storage.sql;
    for (;;) {
      const due = sql
        .exec<OutboxRow>(
          "SELECT version, body FROM change_outbox WHERE handover_at IS NOT NULL ORDER BY version LIMIT ?",
          SEND_BATCH_MAX,
        )
        .toArray();
      if (due.length === 0) break;
      try {
        await this.env.CHANGES.sendBatch(
          due.map((r) => ({ body: JSON.parse(r.body) as InvoiceChange, contentType: "json" as const })),
        );
      } catch (err) {
        this.retryAt = Date.now() + CHANGE_RETRY_MS;
        console.warn(
          JSON.stringify({
            level: "warn",
            message: "change hand-over failed; the alarm retries",
            error: String(err),
          }),
        );
        break;
      }
      const last = due.at(-1)!.version;
      // Handed over: only the newest row stays, for the next change's version and previous summary.
      this.ctx.storage.transactionSync(() => {
        sql.exec(
          "DELETE FROM change_outbox WHERE version <= ? AND version < (SELECT MAX(version) FROM change_outbox)",
          last,
        );
        sql.exec("UPDATE change_outbox SET handover_at = NULL WHERE version <= ?", last);
      });
    }
    await this.host.rearm();
  }
}
