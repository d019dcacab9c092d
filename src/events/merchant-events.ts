import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../bindings";
import { migrate } from "../ledger/schema";
import { oneAtATime } from "../lib/one-at-a-time";
import { deliverySettings } from "../outbound/settings";
import type { InvoiceChange } from "../portfolio/change";
import { eventsSchema } from "./migrations";
import { eventBody, eventId } from "./payload";
import { type DeliveryFilter, DeliveryStore, type NewDelivery, toDelivery } from "./store";
import {
  EVENT_OF,
  type EventClaim,
  type EventDelivery,
  type EventDeliveryStatus,
  type EventMessage,
  type EventOutcome,
  type EventType,
} from "./types";

/** When the alarm hands a delivery over if the hand-over right after commit has not. */
const HANDOVER_GRACE_MS = 10_000;
/** Next try after the queue refused a hand-over. */
const HANDOVER_RETRY_MS = 30_000;
/** sendBatch takes at most 100 messages: https://developers.cloudflare.com/queues/platform/limits/ */
const SEND_BATCH_MAX = 100;
/** Storage bounds, per merchant: finished deliveries are kept 30 days, and at most 10,000 rows. */
export const EVENT_BOUNDS = { maxAgeMs: 30 * 24 * 3600 * 1000, maxRows: 10_000 };
const DAY_MS = 24 * 3600 * 1000;

/** What the changes consumer passes: the merchant's enabled endpoints and what each subscribes to. */
export interface Subscription {
  id: string;
  events: readonly EventType[];
}

/**
 * One merchant's events (keyed by merchant id): derived from the change feed, recorded with their outbox,
 * handed to the `invoice-ledger-merchant-events` queue, and the state of every delivery. Its own class rather
 * than a table of MerchantIndex: the index is a view that a repair may overwrite whole and that a listing
 * reads hard, while events are a record of what was promised to the merchant's systems, with its own
 * alarm (hand-over, retention); apart, neither waits on the other's single thread.
 */
export class MerchantEvents extends DurableObject<Bindings> {
  private readonly store: DeliveryStore;
  private retryAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.store = new DeliveryStore(ctx.storage.sql);
    ctx.storage.transactionSync(() => migrate(ctx.storage.sql, [eventsSchema]));
  }

  /**
   * A batch of one merchant's changes, in one transaction: one delivery per (change kind with an event,
   * subscribed endpoint), unless the change asked for none (Chargebee's skip header). Ids are derived, so a
   * change heard again, in any order, records nothing twice.
   */
  async record(
    merchantId: string,
    changes: InvoiceChange[],
    endpoints: Subscription[],
  ): Promise<{ recorded: number; duplicates: number }> {
    const rows: NewDelivery[] = [];
    for (const c of changes) {
      if (c.merchantEvents === false) continue;
      for (const kind of c.kinds) {
        const type = EVENT_OF[kind];
        if (!type) continue;
        for (const e of endpoints) {
          if (!e.events.includes(type)) continue;
          rows.push({
            id: await eventId(c.invoiceId, c.version, type, e.id),
            endpointId: e.id,
            type,
            invoiceId: c.invoiceId,
            version: c.version,
            payload: JSON.stringify(eventBody(type, merchantId, c)),
          });
        }
      }
    }
    if (rows.length === 0) return { recorded: 0, duplicates: 0 };
    const now = Date.now();
    const recorded = this.ctx.storage.transactionSync(() => {
      this.ctx.storage.sql.exec(
        "INSERT INTO events_meta (singleton, merchant_id) VALUES (1, ?) ON CONFLICT DO NOTHING",
        merchantId,
      );
      return rows.filter((r) => this.store.insert(r, now, now + HANDOVER_GRACE_MS)).length;
    });
    await this.rearm();
    if (recorded > 0) this.ctx.waitUntil(this.handOver());
    return { recorded, duplicates: rows.length - recorded };
  }

  /** `limits`: max_attempts of each enabled endpoint; an endpoint not in it is disabled or removed. */
  async claim(id: string, limits: Record<string, number>): Promise<EventClaim> {
    const settings = deliverySettings(this.env);
    const claim = this.ctx.storage.transactionSync(() => {
      const row = this.store.get(id);
      const max = row ? (limits[row.endpoint_id] ?? null) : null;
      return this.store.claim(
        id,
        max,
        {
          timeoutMs: settings.timeoutMs,
          leaseMs: settings.handoverLeaseSeconds * 1000,
        },
        Date.now(),
      );
    });
    await this.rearm();
    return claim;
  }

  async finish(
    id: string,
    attempt: number,
    outcome: EventOutcome,
    httpStatus: number | null,
  ): Promise<EventDeliveryStatus | null> {
    const leaseMs = deliverySettings(this.env).handoverLeaseSeconds * 1000;
    const status = this.ctx.storage.transactionSync(() => {
      const row = this.store.get(id);
      if (!row) return null;
      const now = Date.now();
      // A delivery waiting for the consumer's retry is not lost: its lease runs from when the retry is due.
      const waits = outcome.kind === "retry" && outcome.retryInSeconds > 0;
      const retryAt = now + (waits && outcome.kind === "retry" ? outcome.retryInSeconds * 1000 : 0);
      const times = { handoverAt: retryAt + leaseMs, nextAttemptAt: waits ? retryAt : null };
      return this.store.finish(row, attempt, outcome, now, times, httpStatus);
    });
    await this.rearm();
    return status;
  }

  async deadLetter(id: string, note: string): Promise<EventDeliveryStatus | null> {
    const status = this.ctx.storage.transactionSync(() => this.store.deadLetter(id, note, Date.now()));
    await this.rearm();
    return status;
  }

  /** A merchant's resend of a failed delivery; null when unknown, the status when it is not failed. */
  async resend(
    id: string,
  ): Promise<{ ok: true; delivery: EventDelivery } | { ok: false; status: string } | null> {
    const result = this.ctx.storage.transactionSync(() => {
      const row = this.store.get(id);
      if (!row) return null;
      if (row.status !== "failed") return { ok: false as const, status: row.status };
      const now = Date.now();
      this.store.resend(id, now, now + HANDOVER_GRACE_MS);
      return { ok: true as const, delivery: toDelivery(this.store.get(id)!) };
    });
    await this.rearm();
    if (result?.ok) this.ctx.waitUntil(this.handOver());
    return result;
  }

  async get(id: string): Promise<EventDelivery | null> {
    const row = this.store.get(id);
    return row ? toDelivery(row) : null;
  }

  /** Oldest first, keyset by seq: a page reads rows close to its size. */
  async list(filter: DeliveryFilter, afterSeq: number, limit: number) {
    const rows = this.store.page(filter, afterSeq, limit + 1);
    const items = rows.slice(0, limit).map(toDelivery);
    return { items, nextSeq: rows.length > limit ? (items.at(-1)?.seq ?? null) : null };
  }

  /** The newest failures, however many older ones there are: rows read close to `limit`. */
  async newestFailed(limit: number): Promise<EventDelivery[]> {
    return this.store.newestFailed(limit).map(toDelivery);
  }

  override async alarm(): Promise<void> {
    this.retryAt = null;
    this.ctx.storage.transactionSync(() =>
      this.store.purge(Date.now() - EVENT_BOUNDS.maxAgeMs, EVENT_BOUNDS.maxRows),
    );
    await this.handOver();
    await this.rearm();
  }

  /** Serialized, so one delivery is not sent twice by two overlapping hand-overs. */
  private readonly handOver = oneAtATime(() => this.handOverAll());

  private async handOverAll(): Promise<void> {
    const merchantId = this.ctx.storage.sql
      .exec<{ merchant_id: string }>("SELECT merchant_id FROM events_meta")
      .toArray()[0]?.merchant_id;
    if (!merchantId) return;
    const leaseMs = deliverySettings(this.env).handoverLeaseSeconds * 1000;
    for (let round = 0; round < 10; round++) {
      const due = this.store.toHandOver(Date.now(), SEND_BATCH_MAX);
      if (due.length === 0) break;
      const ids = due.map((r) => r.id);
      try {
        await this.env.EVENTS_QUEUE.sendBatch(
          ids.map((deliveryId) => ({
            body: { v: 1, merchantId, deliveryId } satisfies EventMessage,
            contentType: "json" as const,
          })),
        );
      } catch (err) {
        this.retryAt = Date.now() + HANDOVER_RETRY_MS;
        this.ctx.storage.transactionSync(() => this.store.handOverLater(ids, this.retryAt!));
        console.warn(
          JSON.stringify({ level: "warn", message: "event hand-over failed", error: String(err) }),
        );
        break;
      }
      this.ctx.storage.transactionSync(() => {
        const now = Date.now();
        this.store.markHandedOver(ids, now, now + leaseMs);
      });
    }
    await this.rearm();
  }

  /** The earliest hand-over due, else a daily retention sweep while rows remain; none: no alarm. */
  private async rearm(): Promise<void> {
    const handover = this.store.nextHandOverAt();
    const at = handover ?? this.retryAt ?? (this.store.any() ? Date.now() + DAY_MS : null);
    if (at === null) return this.ctx.storage.deleteAlarm();
    const current = await this.ctx.storage.getAlarm();
    if (current === null || at < current || handover !== null) await this.ctx.storage.setAlarm(at);
  }
}
