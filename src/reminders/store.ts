// The reminders table of one invoice's Durable Object. Every method is synchronous SQL, meant to run
// inside the object's transactions; state changes are guarded by the current status so that a repeated
// alarm, message or report changes nothing twice.
import { randomId } from "../lib/crypto";
import type { AttemptOutcome, Reminder, ReminderReason, ReminderStatus } from "./types";

export interface ReminderRow extends Record<string, SqlStorageValue> {
  seq: number;
  id: string;
  reason: ReminderReason;
  day: string;
  status: ReminderStatus;
  attempts: number;
  last_error: string | null;
  payload: string | null;
  lease_until: number | null;
  created_at: string;
  sent_at: string | null;
  last_attempt_at: string | null;
  delivered_at: string | null;
  failed_at: string | null;
  dead_lettered_at: string | null;
  updated_at: string;
}

export const toReminder = (r: ReminderRow): Reminder => ({
  seq: r.seq,
  id: r.id,
  reason: r.reason,
  day: r.day,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  createdAt: r.created_at,
  sentAt: r.sent_at,
  lastAttemptAt: r.last_attempt_at,
  deliveredAt: r.delivered_at,
  failedAt: r.failed_at,
  deadLetteredAt: r.dead_lettered_at,
  updatedAt: r.updated_at,
});

const iso = (ms: number) => new Date(ms).toISOString();

export class ReminderStore {
  constructor(private readonly sql: SqlStorage) {}

  get(id: string): ReminderRow | undefined {
    return this.sql.exec<ReminderRow>("SELECT * FROM reminders WHERE id = ?", id).toArray()[0];
  }

  /** Records a reminder unless one exists for (reason, day); true when this call created it. */
  insert(
    reason: ReminderReason,
    day: string,
    now: number,
    status: "pending" | "skipped" = "pending",
    note: string | null = null,
  ): boolean {
    const rows = this.sql
      .exec(
        `INSERT INTO reminders (id, reason, day, status, last_error, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (reason, day) DO NOTHING RETURNING id`,
        randomId("rem"),
        reason,
        day,
        status,
        note,
        iso(now),
        iso(now),
      )
      .toArray();
    return rows.length > 0;
  }

  recordedKeys(): Set<string> {
    const keys = new Set<string>();
    for (const r of this.sql.exec<{ reason: string; day: string }>("SELECT reason, day FROM reminders")) {
      keys.add(`${r.reason}:${r.day}`);
    }
    return keys;
  }

  pending(limit = 100): ReminderRow[] {
    return this.sql
      .exec<ReminderRow>("SELECT * FROM reminders WHERE status = 'pending' ORDER BY seq LIMIT ?", limit)
      .toArray();
  }

  hasPending(): boolean {
    return this.sql.exec("SELECT 1 FROM reminders WHERE status = 'pending' LIMIT 1").toArray().length > 0;
  }

  /**
   * True once per new payment line: compares the newest payment's seq with a watermark kept in the same
   * transaction, so a replayed (duplicate) payment, which writes no line, never counts.
   */
  takeNewPayment(): boolean {
    const seen = this.sql
      .exec<{ payment_seq: number }>("SELECT payment_seq FROM reminder_state")
      .toArray()[0];
    const latest = this.sql
      .exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM lines WHERE kind = 'payment'")
      .one().seq;
    if (latest === null || (seen && latest <= seen.payment_seq)) return false;
    this.sql.exec(
      `INSERT INTO reminder_state (singleton, payment_seq) VALUES (1, ?)
       ON CONFLICT (singleton) DO UPDATE SET payment_seq = excluded.payment_seq`,
      latest,
    );
    return true;
  }

  markSent(ids: readonly string[], now: number): void {
    for (const id of ids) {
      this.sql.exec(
        "UPDATE reminders SET status = 'sent', sent_at = ?, updated_at = ? WHERE id = ? AND status = 'pending'",
        iso(now),
        iso(now),
        id,
      );
    }
  }

  skipPending(note: string, now: number): void {
    this.sql.exec(
      "UPDATE reminders SET status = 'skipped', last_error = ?, updated_at = ? WHERE status = 'pending'",
      note,
      iso(now),
    );
  }

  /** Stops everything not yet delivered: the invoice no longer owes anything. */
  cancelOpen(note: string, now: number): void {
    this.sql.exec(
      `UPDATE reminders SET status = 'cancelled', last_error = ?, lease_until = NULL, updated_at = ?
       WHERE status IN ('pending', 'sent')`,
      note,
      iso(now),
    );
  }

  skip(id: string, note: string, now: number): ReminderStatus | null {
    this.sql.exec(
      `UPDATE reminders SET status = 'skipped', last_error = ?, lease_until = NULL, updated_at = ?
       WHERE id = ? AND status IN ('pending', 'sent')`,
      note,
      iso(now),
      id,
    );
    return this.get(id)?.status ?? null;
  }

  /** Starts attempt `attempts + 1` under a lease, freezing the payload on the first attempt. */
  startAttempt(row: ReminderRow, payload: string, leaseUntil: number, now: number): number {
    const attempt = row.attempts + 1;
    this.sql.exec(
      `UPDATE reminders SET status = 'sent', sent_at = COALESCE(sent_at, ?), attempts = ?,
         payload = COALESCE(payload, ?), lease_until = ?, last_attempt_at = ?, updated_at = ?
       WHERE id = ?`,
      iso(now),
      attempt,
      payload,
      leaseUntil,
      iso(now),
      iso(now),
      row.id,
    );
    return attempt;
  }

  /**
   * Applies the result of attempt `attempt`. Only the attempt that holds the claim counts, so a report
   * repeated by a redelivered message is ignored. A POST that went out is recorded as delivered even if
   * the invoice was paid meanwhile (it was delivered); a failure of a cancelled reminder stays cancelled.
   */
  finishAttempt(id: string, attempt: number, outcome: AttemptOutcome, now: number): ReminderStatus | null {
    const row = this.get(id);
    if (!row) return null;
    if (row.attempts !== attempt || row.lease_until === null) return row.status;
    const t = iso(now);
    if (outcome.kind === "delivered" && (row.status === "sent" || row.status === "cancelled")) {
      this.sql.exec(
        "UPDATE reminders SET status = 'delivered', delivered_at = ?, updated_at = ? WHERE id = ?",
        t,
        t,
        id,
      );
    } else if (outcome.kind === "failed" && row.status === "sent") {
      this.sql.exec(
        "UPDATE reminders SET status = 'failed', failed_at = ?, last_error = ?, updated_at = ? WHERE id = ?",
        t,
        outcome.error,
        t,
        id,
      );
    } else if (outcome.kind !== "delivered") {
      this.sql.exec("UPDATE reminders SET last_error = ?, updated_at = ? WHERE id = ?", outcome.error, t, id);
    }
    this.sql.exec("UPDATE reminders SET lease_until = NULL WHERE id = ?", id);
    return this.get(id)?.status ?? null;
  }

  /** The dead-letter consumer's record: failed for good, keeping the last error seen. */
  deadLetter(id: string, note: string, now: number): ReminderStatus | null {
    const row = this.get(id);
    if (!row) return null;
    if (row.status !== "pending" && row.status !== "sent") return row.status;
    const t = iso(now);
    const plural = row.attempts === 1 ? "" : "s";
    this.sql.exec(
      `UPDATE reminders SET status = 'failed', failed_at = ?, dead_lettered_at = ?, lease_until = NULL,
         last_error = ?, updated_at = ? WHERE id = ?`,
      t,
      t,
      `dead-lettered after ${row.attempts} attempt${plural}: ${row.last_error ?? note}`,
      t,
      id,
    );
    return "failed";
  }

  page(after: number, limit: number): ReminderRow[] {
    return this.sql
      .exec<ReminderRow>("SELECT * FROM reminders WHERE seq > ? ORDER BY seq LIMIT ?", after, limit)
      .toArray();
  }
}
