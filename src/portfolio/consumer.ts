// The change feed's consumer: a batch grouped by merchant, each merchant's index updated in one call (one
// transaction), so an index takes one write transaction per batch, not one per payment; then the merchant's
// events derived and recorded, one call to its MerchantEvents object. The index applies by
// version, so a redelivered or reordered message changes nothing twice.
import type { Bindings } from "../bindings";
import { recordMerchantEvents } from "../events/from-changes";
import { MERCHANT_ID } from "../merchants/config";
import type { InvoiceChange } from "./change";

export const CHANGES_QUEUE = "invoice-ledger-changes";

export const indexFor = (env: Bindings, merchantId: string) => env.MERCHANT_INDEX.getByName(merchantId);

/** Messages come from our own objects; this only keeps a corrupted one from addressing any index. */
function isChange(body: unknown): body is InvoiceChange {
  const b = body as Partial<InvoiceChange> | null;
  return (
    !!b &&
    b.v === 1 &&
    typeof b.merchantId === "string" &&
    MERCHANT_ID.test(b.merchantId) &&
    typeof b.invoiceId === "string" &&
    Number.isSafeInteger(b.version) &&
    typeof b.invoice === "object" &&
    b.invoice?.id === b.invoiceId
  );
}

export async function consumeChanges(batch: MessageBatch, env: Bindings): Promise<void> {
  const byMerchant = new Map<string, Array<Message<unknown>>>();
  for (const msg of batch.messages) {
    if (!isChange(msg.body)) {
      console.error(
        JSON.stringify({ level: "error", message: "malformed change message dropped", id: msg.id }),
      );
      msg.ack();
      continue;
    }
    const list = byMerchant.get(msg.body.merchantId) ?? [];
    list.push(msg);
    byMerchant.set(msg.body.merchantId, list);
  }
  await Promise.all(
    [...byMerchant].map(async ([merchantId, msgs]) => {
      try {
        const changes = msgs.map((m) => m.body as InvoiceChange);
        await indexFor(env, merchantId).apply(changes);
        // Both apply by version or by derived id, so a group retried because the events failed changes
        // nothing twice in the index.
        await recordMerchantEvents(env, merchantId, changes);
        for (const m of msgs) m.ack();
      } catch (err) {
        // Retried as a group by the queue; past max_retries they go to the dead letter queue, and an index
        // repair (POST /admin/merchants/{id}/index/verify) puts the index right (events of changes lost so
        // are not recovered: see README, Merchant events).
        console.error(
          JSON.stringify({
            level: "error",
            message: "index or events update failed",
            merchantId,
            error: String(err),
          }),
        );
        for (const m of msgs) m.retry();
      }
    }),
  );
}
