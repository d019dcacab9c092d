// Where the change feed meets merchant events: the changes consumer hands each merchant's share of a batch
// here, after its index took it, in one call to the merchant's MerchantEvents object (never a global one).
import type { Bindings } from "../bindings";
import { getMerchant } from "../merchants/store";
import type { InvoiceChange } from "../portfolio/change";
import { eventsFor } from "./consumer";

/**
 * Subscriptions are read as the change is consumed: an endpoint added later does not receive older
 * changes, and a merchant with no enabled endpoint costs no call at all.
 */
export async function recordMerchantEvents(env: Bindings, merchantId: string, changes: InvoiceChange[]) {
  const merchant = await getMerchant(env.MERCHANTS, merchantId);
  const endpoints = (merchant?.webhooks ?? [])
    .filter((e) => e.enabled)
    .map((e) => ({ id: e.id, events: e.events }));
  if (endpoints.length === 0 || changes.every((c) => c.merchantEvents === false)) return;
  await eventsFor(env, merchantId).record(merchantId, changes, endpoints);
}
