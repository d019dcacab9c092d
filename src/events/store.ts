// The deliveries table of one merchant's MerchantEvents object. Every method is synchronous SQL, run inside
// the object's transactions; state changes are guarded by the current status, so a repeated message, alarm
// or report changes nothing twice (the same guards as the reminders' store, src/reminders/store.ts).
import { Outbox } from "../outbound/outbox";
import type { EventClaim, EventDelivery, EventDeliveryStatus, EventOutcome, EventType } from "./types";

export interface DeliveryRow extends Record<string, SqlStorageValue> {
  seq: number;
  id: string;
  endpoint_id: string;
  type: EventType;
  invoice_id: string;
  version: number;
  payload: string;
  status: EventDeliveryStatus;
  attempts: number;
  last_error: string | null;
  last_status: number | null;
  lease_until: number | null;
  handover_at: number | null;
  next_attempt_at: number | null;
  resends: number;
  created_at: number;
  last_attempt_at: number | null;
  delivered_at: number | null;
  failed_at: number | null;
  dead_lettered_at: number | null;
  updated_at: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const toDelivery = (r: DeliveryRow): EventDelivery => ({
  seq: r.seq,
  id: r.id,
  endpointId: r.endpoint_id,
  type: r.type,
  invoiceId: r.invoice_id,
  version: r.version,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  lastStatus: r.last_status,
  nextAttemptAt: iso(r.next_attempt_at),
  resends: r.resends,
  createdAt: iso(r.created_at)!,
  lastAttemptAt: iso(r.last_attempt_at),
  deliveredAt: iso(r.delivered_at),
  failedAt: iso(r.failed_at),
  deadLetteredAt: iso(r.dead_lettered_at),
  updatedAt: iso(r.updated_at)!,
});

export interface NewDelivery {
  id: string;
  endpointId: string;
  type: EventType;
  invoiceId: string;
  version: number;
  payload: string;
}

export interface DeliveryFilter {
  endpointId?: string | undefined;
  status?: EventDeliveryStatus | undefined;
}

/** Margin beyond the POST's own timeout before a claimed attempt counts as abandoned. */
const LEASE_MARGIN_MS = 30_000;

export class DeliveryStore extends Outbox<DeliveryRow> {
  constructor(sql: SqlStorage) {
    super(sql, "deliveries", { stamp: (ms) => ms });
  }

  get(id: string): DeliveryRow | undefined {
    return this.sql.exec<DeliveryRow>("SELECT * FROM deliveries WHERE id = ?", id).toArray()[0];
  }

  /** Records one delivery, pending, unless its id exists (a change heard again); true when inserted. */
  insert(d: NewDelivery, now: number, handoverAt: number): boolean {
    return (
      this.sql
        .exec(
          `INSERT INTO deliveries (id, endpoint_id, type, invoice_id, version, payload, status, handover_at,
             created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING id`,
          d.id,
          d.endpointId,
          d.type,
          d.invoiceId,
          d.version,
          d.payload,
          handoverAt,
          now,
          now,
        )
        .toArray().length > 0
    );
  }

  nextHandOverAt(): number | null {
    return this.sql
      .exec<{ at: number | null }>(
        "SELECT MIN(handover_at) AS at FROM deliveries WHERE handover_at IS NOT NULL",
      )
      .one().at;
  }

  /** A consumer asks to deliver `id` to an endpoint allowing `maxAttempts` (null: endpoint gone or off). */
  claim(id: string, maxAttempts: number | null, opts: { timeoutMs: number; leaseMs: number }, now: number) {
    const row = this.get(id);
    if (!row) return { kind: "unknown" } satisfies EventClaim;
    if (row.status !== "pending" && row.status !== "sent")
      return { kind: "done", status: row.status } as const;
    if (maxAttempts === null) {
      this.finish(
        row,
        row.attempts,
        { kind: "skipped", error: "the endpoint is disabled or removed" },
        now,
        null,
      );
      return { kind: "done", status: "skipped" } as const;
    }
    if (row.lease_until !== null && row.lease_until > now) {
      return { kind: "busy", retryInSeconds: Math.ceil((row.lease_until - now) / 1000) } as const;
    }
    if (row.attempts >= maxAttempts) {
      return { kind: "exhausted", attempts: row.attempts, lastError: row.last_error } as const;
    }
    const attempt = row.attempts + 1;
    const leaseUntil = now + opts.timeoutMs + LEASE_MARGIN_MS;
    // A consumer that dies mid-attempt may take its message with it: one hand-over lease after the
    // attempt's own lease, the alarm hands the delivery over again.
    this.sql.exec(
      `UPDATE deliveries SET status = 'sent', attempts = ?, lease_until = ?, handover_at = ?,
         next_attempt_at = NULL, last_attempt_at = ?, updated_at = ? WHERE id = ?`,
      attempt,
      leaseUntil,
      leaseUntil + opts.leaseMs,
      now,
      now,
      id,
    );
    return { kind: "deliver", attempt, payload: row.payload, endpointId: row.endpoint_id } as const;
  }

  /**
   * Applies attempt `attempt`'s result; only the attempt holding the claim counts (a repeated report is
   * ignored). Still open after a retry: handed over again at `handoverAt` unless the retry claims it first.
   */
  finish(
    row: DeliveryRow,
    attempt: number,
    o: EventOutcome,
    now: number,
    times: { handoverAt: number; nextAttemptAt: number | null } | null,
    httpStatus: number | null = null,
  ): EventDeliveryStatus {
    if (o.kind !== "skipped" && (row.attempts !== attempt || row.lease_until === null)) return row.status;
    const status: EventDeliveryStatus =
      o.kind === "delivered"
        ? "delivered"
        : o.kind === "failed"
          ? "failed"
          : o.kind === "skipped"
            ? "skipped"
            : row.status;
    const open = status === "pending" || status === "sent";
    this.sql.exec(
      `UPDATE deliveries SET status = ?, last_error = ?, last_status = ?, lease_until = NULL, handover_at = ?,
         next_attempt_at = ?, delivered_at = ?, failed_at = ?, updated_at = ? WHERE id = ?`,
      status,
      o.kind === "delivered" ? row.last_error : o.error,
      o.kind === "skipped" ? row.last_status : httpStatus,
      open ? (times?.handoverAt ?? null) : null,
      open ? (times?.nextAttemptAt ?? null) : null,
      status === "delivered" ? now : row.delivered_at,
      status === "failed" ? now : row.failed_at,
      now,
      row.id,
    );
    return status;
  }

  /** The dead-letter consumer's record: failed for good, keeping the last error seen. */
  deadLetter(id: string, note: string, now: number): EventDeliveryStatus | null {
    const row = this.get(id);
    if (!row) return null;
    if (row.status !== "pending" && row.status !== "sent") return row.status;
    const plural = row.attempts === 1 ? "" : "s";
    this.sql.exec(
      `UPDATE deliveries SET status = 'failed', failed_at = ?, dead_lettered_at = ?, lease_until = NULL,
         handover_at = NULL, next_attempt_at = NULL, last_error = ?, updated_at = ? WHERE id = ?`,
      now,
      now,
      `dead-lettered after ${row.attempts} attempt${plural}: ${row.last_error ?? note}`,
      now,
      id,
    );
    return "failed";
  }

  /** A merchant's resend: the same delivery (same id, same bytes) starts over with fresh attempts. */
  resend(id: string, now: number, handoverAt: number): void {
    this.sql.exec(
      `UPDATE deliveries SET status = 'pending', attempts = 0, resends = resends + 1, lease_until = NULL,
         handover_at = ?, next_attempt_at = NULL, failed_at = NULL, dead_lettered_at = NULL, updated_at = ?
       WHERE id = ?`,
      handoverAt,
      now,
      id,
    );
  }

  page(filter: DeliveryFilter, afterSeq: number, limit: number): DeliveryRow[] {
    const where = ["seq > ?"];
    const args: (string | number)[] = [afterSeq];
    if (filter.endpointId !== undefined) {
      where.push("endpoint_id = ?");
      args.push(filter.endpointId);
    }
    if (filter.status !== undefined) {
      where.push("status = ?");
      args.push(filter.status);
    }
    return this.sql
      .exec<DeliveryRow>(
        `SELECT * FROM deliveries WHERE ${where.join(" AND ")} ORDER BY seq LIMIT ?`,
        ...args,
        limit,
      )
      .toArray();
  }

  /** The newest failed deliveries first (seq descending on deliveries_status): what an overview shows. */
  newestFailed(limit: number): DeliveryRow[] {
    return this.sql
      .exec<DeliveryRow>("SELECT * FROM deliveries WHERE status = 'failed' ORDER BY seq DESC LIMIT ?", limit)
      .toArray();
  }

  /** Finished deliveries older than `before` go, then the oldest finished ones beyond `maxRows`. */
  purge(before: number, maxRows: number): void {
    this.sql.exec(
      "DELETE FROM deliveries WHERE status NOT IN ('pending', 'sent') AND updated_at < ?",
      before,
    );
    this.sql.exec(
      `DELETE FROM deliveries WHERE status NOT IN ('pending', 'sent') AND seq IN (
         SELECT seq FROM deliveries WHERE status NOT IN ('pending', 'sent') ORDER BY seq
         LIMIT MAX((SELECT COUNT(*) FROM deliveries) - ?, 0))`,
      maxRows,
    );
  }

  any(): boolean {
    return this.sql.exec("SELECT 1 FROM deliveries LIMIT 1").toArray().length > 0;
  }
}
