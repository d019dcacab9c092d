// The domain's answer to "which merchant events failed?", for any reader (the dashboard's settings page,
// the API): no HTTP, just the merchant's MerchantEvents object, newest failures last, a page at a time.
import type { Bindings } from "../bindings";
import { eventsFor } from "./consumer";
import type { EventDelivery } from "./types";

/**
 * The merchant's failed event deliveries (a final refusal, or dead-lettered after the endpoint's
 * max_attempts), oldest first; `endpointId` narrows to one endpoint. `after` is the `seq` of the last one
 * already shown (0 to start); `next` is the seq to pass for the next page, or null at the end.
 */
export async function listFailedMerchantEvents(
  env: Bindings,
  merchantId: string,
  opts: { endpointId?: string; after?: number; limit?: number } = {},
): Promise<{ items: EventDelivery[]; next: number | null }> {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  const page = await eventsFor(env, merchantId).list(
    { endpointId: opts.endpointId, status: "failed" },
    opts.after ?? 0,
    limit,
  );
  return { items: page.items, next: page.nextSeq };
}

/** The merchant's most recent failed event deliveries, newest first (by when the event was made). */
export async function newestFailedMerchantEvents(
  env: Bindings,
  merchantId: string,
  limit: number,
): Promise<EventDelivery[]> {
  return eventsFor(env, merchantId).newestFailed(Math.min(Math.max(limit, 1), 200));
}
