import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../bindings";
import { migrate } from "../ledger/schema";
import { randomId } from "../lib/crypto";
import { deliveryLogSchema } from "./migrations";
import {
  CAPS,
  type DeliveryEntry,
  type DeliveryFilter,
  type DeliveryOrder,
  type DeliveryPage,
  type DeliveryRecord,
  type StoredDelivery,
} from "./types";

type Row = {
  seq: number;
  id: string;
  provider: string;
  received_at: number;
  ip: string | null;
  size: number;
  sha256: string | null;
  status: number;
  outcome: DeliveryRecord["outcome"];
  reason: string | null;
  event_id: string | null;
  invoices: string;
  retry_of: string | null;
  header_names: string;
  body_kept: number;
  body_expires_at: number | null;
};

const COLUMNS = `seq, id, provider, received_at, ip, size, sha256, status, outcome, reason, event_id, invoices,
  retry_of, header_names, body IS NOT NULL AS body_kept, body_expires_at`;

const toRecord = (r: Row): DeliveryRecord => ({
  id: r.id,
  provider: r.provider,
  receivedAt: r.received_at,
  ip: r.ip,
  size: r.size,
  sha256: r.sha256,
  status: r.status,
  outcome: r.outcome,
  reason: r.reason,
  eventId: r.event_id,
  invoiceIds: JSON.parse(r.invoices) as string[],
  retryOf: r.retry_of,
  headerNames: JSON.parse(r.header_names) as string[],
  bodyKept: r.body_kept === 1,
  bodyExpiresAt: r.body_kept === 1 ? r.body_expires_at : null,
});

const MINUTE_MS = 60_000;

/**
 * One webhook delivery log per merchant (keyed by merchant id), so no merchant's traffic funnels through
 * another's object. Written after a delivery's outcome is known; it holds no money, only what happened.
 * Its alarm drops refused bodies after 7 days and rows after 30.
 */
export class MerchantDeliveries extends DurableObject<Bindings> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.storage.transactionSync(() => migrate(this.sql, [deliveryLogSchema]));
  }

  /**
   * Records one delivery; null when a refusal was over this minute's cap (then only counted). Accepted
   * deliveries are always recorded: only verified traffic reaches them, and its volume is the provider's.
   */
  async record(entry: DeliveryEntry): Promise<DeliveryRecord | null> {
    const id = this.insert(entry);
    if (entry.outcome === "refused") await this.armAlarm();
    return id === null ? null : this.find(id);
  }

  /**
   * Records one delivery and answers nothing: what the edge calls after every delivery, which never reads
   * the row back (record() reads it back and sends it over RPC, for the retry's answer).
   */
  async note(entry: DeliveryEntry): Promise<void> {
    this.insert(entry);
    if (entry.outcome === "refused") await this.armAlarm();
  }

  /** The row's id, or null when a refusal was over this minute's cap. */
  private insert(entry: DeliveryEntry): string | null {
    const refused = entry.outcome === "refused";
    return this.ctx.storage.transactionSync(() => {
      if (refused && entry.retryOf === null && !this.admitRefusal(entry.receivedAt)) return null;
      const keepBody = refused && entry.body !== null && entry.retryOf === null;
      const id = randomId("whd");
      const { seq } = this.sql
        .exec<{ seq: number }>(
          `INSERT INTO deliveries (id, provider, received_at, ip, size, sha256, status, outcome, reason, event_id,
             invoices, retry_of, header_names, body, replay, body_expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
          id,
          entry.provider,
          entry.receivedAt,
          entry.ip,
          entry.size,
          entry.sha256,
          entry.status,
          entry.outcome,
          entry.reason,
          entry.eventId,
          JSON.stringify(entry.invoiceIds),
          entry.retryOf,
          JSON.stringify(keepBody && entry.replay ? Object.keys(entry.replay.headers) : []),
          keepBody ? entry.body : null,
          keepBody && entry.replay ? JSON.stringify(entry.replay) : null,
          keepBody ? entry.receivedAt + CAPS.bodyTtlMs : null,
        )
        .one();
      this.enforceCaps(seq, keepBody);
      return id;
    });
  }

  /**
   * One page in log order (`asc`, the order rows were recorded) or newest first (`desc`), keyset on seq:
   * `fromSeq` is the last seq of the previous page, 0 for the first page (seq starts at 1).
   */
  async list(
    filter: DeliveryFilter,
    fromSeq: number,
    limit: number,
    order: DeliveryOrder = "asc",
  ): Promise<DeliveryPage> {
    const desc = order === "desc";
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (clause: string, value: string | number) => {
      where.push(clause);
      args.push(value);
    };
    if (!desc) add("seq > ?", fromSeq);
    else if (fromSeq > 0) add("seq < ?", fromSeq);
    if (filter.outcome) add("outcome = ?", filter.outcome);
    if (filter.provider) add("provider = ?", filter.provider);
    if (filter.since !== undefined) add("received_at >= ?", filter.since);
    const cursor = this.sql.exec<Row>(
      `SELECT ${COLUMNS} FROM deliveries ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY seq ${desc ? "DESC" : "ASC"} LIMIT ?`,
      ...args,
      limit + 1,
    );
    const rows = cursor.toArray();
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    const since = Math.floor((filter.since ?? 0) / MINUTE_MS);
    const counted = this.sql
      .exec<{ n: number | null }>("SELECT SUM(counted) AS n FROM refusal_minutes WHERE minute >= ?", since)
      .one().n;
    return {
      items: page.map(toRecord),
      nextSeq: more ? (page.at(-1)?.seq ?? null) : null,
      refusedNotKept: filter.outcome && filter.outcome !== "refused" ? 0 : (counted ?? 0),
      rowsRead: cursor.rowsRead,
    };
  }

  async get(id: string): Promise<DeliveryRecord | null> {
    return this.find(id);
  }

  /** A refused delivery with what a retry needs; null when unknown. Body and replay null once purged. */
  async stored(id: string): Promise<StoredDelivery | null> {
    const record = this.find(id);
    if (!record) return null;
    const row = this.sql
      .exec<{ body: ArrayBuffer | null; replay: string | null }>(
        "SELECT body, replay FROM deliveries WHERE id = ?",
        id,
      )
      .one();
    return {
      record,
      body: row.body ? new Uint8Array(row.body) : null,
      replay: row.replay ? JSON.parse(row.replay) : null,
    };
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        "UPDATE deliveries SET body = NULL, replay = NULL, body_expires_at = NULL WHERE body_expires_at <= ?",
        now,
      );
      this.sql.exec("DELETE FROM deliveries WHERE received_at < ?", now - CAPS.rowTtlMs);
      this.sql.exec(
        "DELETE FROM refusal_minutes WHERE minute < ?",
        Math.floor((now - CAPS.rowTtlMs) / MINUTE_MS),
      );
    });
    await this.armAlarm();
  }

  private find(id: string): DeliveryRecord | null {
    const row = this.sql.exec<Row>(`SELECT ${COLUMNS} FROM deliveries WHERE id = ?`, id).toArray()[0];
    return row ? toRecord(row) : null;
  }

  /** Whether this minute may keep one more refusal; counts it either way. */
  private admitRefusal(at: number): boolean {
    const minute = Math.floor(at / MINUTE_MS);
    const row = this.sql
      .exec<{ kept: number }>("SELECT kept FROM refusal_minutes WHERE minute = ?", minute)
      .toArray()[0];
    const admit = (row?.kept ?? 0) < CAPS.refusedKeptPerMinute;
    this.sql.exec(
      `INSERT INTO refusal_minutes (minute, kept, counted) VALUES (?, ?, ?)
       ON CONFLICT (minute) DO UPDATE SET kept = kept + excluded.kept, counted = counted + excluded.counted`,
      minute,
      admit ? 1 : 0,
      admit ? 0 : 1,
    );
    return admit;
  }

  /**
   * Oldest rows beyond the row cap go; oldest bodies beyond the byte cap go (their rows stay). The bytes
   * only grow when a body is kept, so only then are they summed: that sum reads every row holding a body,
   * which on every accepted delivery was up to CAPS.maxRows rows read (SQLite rows are billed:
   * https://developers.cloudflare.com/durable-objects/platform/pricing/).
   */
  private enforceCaps(seq: number, keptBody: boolean): void {
    this.sql.exec("DELETE FROM deliveries WHERE seq <= ?", seq - CAPS.maxRows);
    if (!keptBody) return;
    let bytes =
      this.sql
        .exec<{ n: number | null }>("SELECT SUM(LENGTH(body)) AS n FROM deliveries WHERE body IS NOT NULL")
        .one().n ?? 0;
    while (bytes > CAPS.maxBodyBytes) {
      const oldest = this.sql
        .exec<{ seq: number; n: number }>(
          "SELECT seq, LENGTH(body) AS n FROM deliveries WHERE body IS NOT NULL ORDER BY seq LIMIT 1",
        )
        .one();
      this.sql.exec(
        "UPDATE deliveries SET body = NULL, replay = NULL, body_expires_at = NULL WHERE seq = ?",
        oldest.seq,
      );
      bytes -= oldest.n;
    }
  }

  /** The next body expiry, or a daily sweep while rows remain. */
  private async armAlarm(): Promise<void> {
    const next = this.sql
      .exec<{ at: number | null }>("SELECT MIN(body_expires_at) AS at FROM deliveries")
      .one().at;
    const any = this.sql.exec("SELECT 1 FROM deliveries LIMIT 1").toArray().length > 0;
    const at = next ?? (any ? Date.now() + 24 * 3600 * 1000 : null);
    if (at === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }
}
