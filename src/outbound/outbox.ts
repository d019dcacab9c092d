// The hand-over SQL of both outboxes (a merchant's event deliveries, an invoice's reminders). Both tables
// keep the same columns for it (status, handover_at, updated_at, seq), but each its own timestamp format,
// so the caller says how `now` is stored. A batch is one statement over its ids, so a hand-over costs the
// same few statements however many messages the queue accepted.

/** The outbox tables; a name from this list is the only text put into the SQL. */
export type OutboxTable = "deliveries" | "reminders";

export interface OutboxOptions {
  /** How the table stores a time it writes (updated_at, sent_at): epoch milliseconds or ISO text. */
  stamp: (ms: number) => number | string;
  /** The reminders record when they were first handed over; the deliveries do not. */
  firstSentAt?: boolean;
}

const IDS = "id IN (SELECT value FROM json_each(?))";

export class Outbox<Row extends Record<string, SqlStorageValue>> {
  constructor(
    protected readonly sql: SqlStorage,
    private readonly table: OutboxTable,
    private readonly opts: OutboxOptions,
  ) {}

  /** Pending rows, and sent ones no consumer claimed by their hand-over lease (their message was lost). */
  toHandOver(now: number, limit: number): Row[] {
    return this.sql
      .exec<Row>(
        `SELECT * FROM ${this.table} WHERE status = 'pending' OR (status = 'sent' AND handover_at <= ?)
         ORDER BY seq LIMIT ?`,
        now,
        limit,
      )
      .toArray();
  }

  /**
   * The queue accepted messages for `ids`: they are sent and must be claimed by `leaseUntil`. MAX keeps a
   * later time set meanwhile by a claim (a late original message).
   */
  markHandedOver(ids: readonly string[], now: number, leaseUntil: number): void {
    const t = this.opts.stamp(now);
    const sentAt = this.opts.firstSentAt ? "sent_at = COALESCE(sent_at, ?)," : "";
    this.sql.exec(
      `UPDATE ${this.table} SET status = 'sent', ${sentAt} handover_at = MAX(COALESCE(handover_at, 0), ?),
         updated_at = ? WHERE ${IDS} AND status IN ('pending', 'sent')`,
      ...(this.opts.firstSentAt ? [t] : []),
      leaseUntil,
      t,
      JSON.stringify(ids),
    );
  }

  /** The queue refused the hand-over: try again at `at`, unless something later is already set. */
  handOverLater(ids: readonly string[], at: number): void {
    this.sql.exec(
      `UPDATE ${this.table} SET handover_at = MAX(COALESCE(handover_at, 0), ?)
       WHERE ${IDS} AND status IN ('pending', 'sent')`,
      at,
      JSON.stringify(ids),
    );
  }
}
