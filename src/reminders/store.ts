// The reminders table of one invoice's Durable Object. Every method is synchronous SQL, meant to run
// inside the object's transactions; state changes are guarded by the current status so that a repeated
// alarm, message or report changes nothing twice.
import { randomId } from "../lib/crypto";
import { Outbox } from "../outbound/outbox";
import type { AttemptOutcome, Reminder, ReminderFailures, ReminderReason, ReminderStatus } from "./types";

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
  handover_at: number | null;
  next_attempt_at: number | null;
  resend_of: string | null;
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
  nextAttemptAt: r.next_attempt_at === null ? null : iso(r.next_attempt_at),
  resendOf: r.resend_of,
  createdAt: r.created_at,
  sentAt: r.sent_at,
  lastAttemptAt: r.last_attempt_at,
  deliveredAt: r.delivered_at,
  failedAt: r.failed_at,
  deadLetteredAt: r.dead_lettered_at,
  updatedAt: r.updated_at,
});

const iso = (ms: number) => new Date(ms).toISOString();

export class ReminderStore extends Outbox<ReminderRow> {
  constructor(sql: SqlStorage) {
    super(sql, "reminders", { stamp: iso, firstSentAt: true });
  }

  get(id: string): ReminderRow | undefined {
    return this.sql.exec<ReminderRow>("SELECT * FROM reminders WHERE id = ?", id).toArray()[0];
  }

  /**
   * Records a reminder unless one exists for (reason, day); true when this call created it. It is pending,
   * to be handed over by `handoverAt` at the latest, or skipped (handoverAt null) with `note`.
   */
  insert(
    reason: ReminderReason,
    day: string,
    now: number,
    handoverAt: number | null,
    note: string | null = null,
  ): boolean {
    const rows = this.sql
      .exec(
        `INSERT INTO reminders (id, reason, day, status, last_error, handover_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (reason, day) WHERE resend_of IS NULL DO NOTHING RETURNING id`,
        randomId("rem"),
        reason,
        day,
        handoverAt === null ? "skipped" : "pending",
        note,
        handoverAt,
        iso(now),
        iso(now),
      )
      .toArray();
    return rows.length > 0;
  }

  /** A merchant's resend of `original`: a new reminder for the same reason and day, with its own id. */
  insertResend(original: ReminderRow, now: number, handoverAt: number): ReminderRow {
    const id = randomId("rem");
    this.sql.exec(
      `INSERT INTO reminders (id, reason, day, status, handover_at, resend_of, created_at, updated_at)
       VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)`,
      id,
      original.reason,
      original.day,
      handoverAt,
      original.id,
      iso(now),
      iso(now),
    );
    return this.get(id)!;
  }

  /** A resend of `id` still on its way (pending or sent). */
  openResendOf(id: string): ReminderRow | undefined {
    return this.sql
      .exec<ReminderRow>(
        "SELECT * FROM reminders WHERE resend_of = ? AND status IN ('pending', 'sent') LIMIT 1",
        id,
      )
      .toArray()[0];
  }

  recordedKeys(): Set<string> {
    const keys = new Set<string>();
    const rows = this.sql.exec<{ reason: string; day: string }>(
      "SELECT reason, day FROM reminders WHERE resend_of IS NULL",
    );
    for (const r of rows) {
      keys.add(`${r.reason}:${r.day}`);
    }
    return keys;
  }

  hasHandOverDue(now: number): boolean {
    return this.toHandOver(now, 1).length > 0;
  }

  hasPending(): boolean {
    return this.sql.exec("SELECT 1 FROM reminders WHERE status = 'pending' LIMIT 1").toArray().length > 0;
  }

  /** The earliest of the next cadence point and every open reminder's hand-over time; null if none. */
  nextWakeAt(): number | null {
    return this.sql
      .exec<{ at: number | null }>(
        `SELECT MIN(at) AS at FROM (
           SELECT settle_at AS at FROM reminder_state
           UNION ALL
           SELECT MIN(handover_at) FROM reminders WHERE status IN ('pending', 'sent'))`,
      )
      .one().at;
  }

  /** When the alarm must next plan the cadence (a point falls due, or the due date may have changed). */
  setSettleAt(at: number | null): void {
    this.sql.exec(
      `INSERT INTO reminder_state (singleton, settle_at) VALUES (1, ?)
       ON CONFLICT (singleton) DO UPDATE SET settle_at = excluded.settle_at`,
      at,
    );
  }

  /** Stops everything not yet delivered: the invoice no longer owes anything. */
  cancelOpen(note: string, now: number): void {
    this.sql.exec(
      `UPDATE reminders SET status = 'cancelled', last_error = ?, lease_until = NULL, handover_at = NULL,
         next_attempt_at = NULL, updated_at = ?
       WHERE status IN ('pending', 'sent')`,
      note,
      iso(now),
    );
  }

  /**
   * Skips every open reminder no attempt is running for (reminders were paused). One whose POST is under
   * way cannot be called back; its next claim finds the pause and skips it then.
   */
  skipIdle(note: string, now: number): void {
    this.sql.exec(
      `UPDATE reminders SET status = 'skipped', last_error = ?, lease_until = NULL, handover_at = NULL,
         next_attempt_at = NULL, updated_at = ?
       WHERE status IN ('pending', 'sent') AND (lease_until IS NULL OR lease_until <= ?)`,
      note,
      iso(now),
      now,
    );
  }

  skip(id: string, note: string, now: number): ReminderStatus | null {
    this.sql.exec(
      `UPDATE reminders SET status = 'skipped', last_error = ?, lease_until = NULL, handover_at = NULL,
         next_attempt_at = NULL, updated_at = ?
       WHERE id = ? AND status IN ('pending', 'sent')`,
      note,
      iso(now),
      id,
    );
    return this.get(id)?.status ?? null;
  }

  /**
   * Starts attempt `attempts + 1` under a lease, freezing the payload on the first attempt. Should its
   * consumer vanish without reporting, the reminder is handed over again at `handoverAt`.
   */
  startAttempt(
    row: ReminderRow,
    payload: string,
    leaseUntil: number,
    handoverAt: number,
    now: number,
  ): number {
    const attempt = row.attempts + 1;
    this.sql.exec(
      `UPDATE reminders SET status = 'sent', sent_at = COALESCE(sent_at, ?), attempts = ?,
         payload = COALESCE(payload, ?), lease_until = ?, handover_at = ?, next_attempt_at = NULL,
         last_attempt_at = ?, updated_at = ?
       WHERE id = ?`,
      iso(now),
      attempt,
      payload,
      leaseUntil,
      handoverAt,
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
   * One still open (a retry is due at `nextAttemptAt`) is handed over again at `handoverAt` unless the
   * retry claims it first.
   */
  finishAttempt(
    id: string,
    attempt: number,
    outcome: AttemptOutcome,
    now: number,
    times: { handoverAt: number; nextAttemptAt: number | null },
  ): ReminderStatus | null {
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
    this.sql.exec(
      `UPDATE reminders SET lease_until = NULL,
         handover_at = CASE WHEN status IN ('pending', 'sent') THEN ? ELSE NULL END,
         next_attempt_at = CASE WHEN status IN ('pending', 'sent') THEN ? ELSE NULL END
       WHERE id = ?`,
      times.handoverAt,
      times.nextAttemptAt,
      id,
    );
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
         handover_at = NULL, next_attempt_at = NULL, last_error = ?, updated_at = ? WHERE id = ?`,
      t,
      t,
      `dead-lettered after ${row.attempts} attempt${plural}: ${row.last_error ?? note}`,
      t,
      id,
    );
    return "failed";
  }

  /**
   * Failed reminders no delivered reminder of the same point (reason and day: the original or one of its
   * resends) made good, and the newest of their failures. Reads the invoice's reminders, a handful of rows.
   */
  standingFailures(): ReminderFailures {
    const r = this.sql
      .exec<{ n: number; at: string | null }>(
        `SELECT COUNT(*) AS n, MAX(f.failed_at) AS at FROM reminders f WHERE f.status = 'failed' AND NOT EXISTS
           (SELECT 1 FROM reminders d WHERE d.reason = f.reason AND d.day = f.day AND d.status = 'delivered')`,
      )
      .one();
    return { count: r.n, lastFailedAt: r.at };
  }

  page(after: number, limit: number): ReminderRow[] {
    return this.sql
      .exec<ReminderRow>("SELECT * FROM reminders WHERE seq > ? ORDER BY seq LIMIT ?", after, limit)
      .toArray();
  }
}
