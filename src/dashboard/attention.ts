// What the overview reads, all from per-merchant objects (the index, the delivery log), never by waking the
// merchant's invoices one by one.
import type { Bindings } from "../bindings";
import { deliveryLogFor } from "../deliveries/log";
import type { DeliveryRecord } from "../deliveries/types";
import { newestFailedMerchantEvents } from "../events/failed";
import { assembleAging } from "../portfolio/aging";
import { indexFor } from "../portfolio/consumer";
import type { IndexedInvoice } from "../portfolio/index-rows";

const DAY_MS = 86_400_000;
/** Rows per overview section: the overview points at the problem; the listings page through all of it. */
export const SECTION_LIMIT = 20;

export async function agingOf(env: Bindings, merchantId: string, asOf: string) {
  const { rows } = await indexFor(env, merchantId).aging(asOf);
  return assembleAging(rows);
}

/** Invoices with anomalies or a provider whose figures disagree with the ledger, most recently changed first. */
export async function needsAttention(env: Bindings, merchantId: string): Promise<IndexedInvoice[]> {
  const index = indexFor(env, merchantId);
  const [anomalies, mismatches] = await Promise.all([
    index.list({ filters: { hasAnomalies: true }, sort: "-updated_at", limit: SECTION_LIMIT }),
    index.list({ filters: { providerMismatch: true }, sort: "-updated_at", limit: SECTION_LIMIT }),
  ]);
  const byId = new Map<string, IndexedInvoice>();
  for (const i of [...anomalies.items, ...mismatches.items]) byId.set(i.id, i);
  return [...byId.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).slice(0, SECTION_LIMIT);
}

/** The newest refusals of the last 24 hours (at most SECTION_LIMIT; the Deliveries page has the rest). */
export async function refusedLastDay(env: Bindings, merchantId: string, now = Date.now()) {
  const page = await deliveryLogFor(env, merchantId).list(
    { outcome: "refused", since: now - DAY_MS },
    0,
    SECTION_LIMIT,
    "desc",
  );
  return { items: page.items as DeliveryRecord[], more: page.nextSeq !== null };
}

/** How far back the overview lists invoices whose reminder failed. */
export const FAILED_REMINDERS_DAYS = 30;

/**
 * Invoices with a customer reminder still failing (no resend delivered, still owing) whose newest failure is
 * of the last 30 days, newest first: from the index, which the change feed's summary keeps exact.
 */
export async function failedReminders(env: Bindings, merchantId: string, now = Date.now()) {
  const since = new Date(now - FAILED_REMINDERS_DAYS * DAY_MS).toISOString();
  return indexFor(env, merchantId).reminderFailures(since, SECTION_LIMIT);
}

/** A merchant event whose delivery failed for good (a final refusal, or dead-lettered). */
export interface FailedMerchantEvent {
  id: string;
  type: string;
  endpoint: string;
  invoiceId: string;
  failedAt: string;
  reason: string | null;
}

/** The newest failed merchant-event deliveries, from the merchant's MerchantEvents object (never the invoices). */
export async function failedMerchantEvents(
  env: Bindings,
  merchantId: string,
): Promise<FailedMerchantEvent[]> {
  const failed = await newestFailedMerchantEvents(env, merchantId, SECTION_LIMIT);
  return failed.map((d) => ({
    id: d.id,
    type: d.type,
    endpoint: d.endpointId,
    invoiceId: d.invoiceId,
    failedAt: d.failedAt ?? d.deadLetteredAt ?? d.updatedAt,
    reason: d.lastError,
  }));
}
