import { app } from "./app";
import type { Bindings } from "./bindings";
import { CHANGES_QUEUE, consumeChanges } from "./portfolio/consumer";
import { handleQueue } from "./reminders/consumer";

export { MerchantDeliveries } from "./deliveries/merchant-deliveries";
export { InvoiceLedger } from "./ledger/invoice-ledger";
export { MerchantIndex } from "./portfolio/merchant-index";

export default {
  fetch: app.fetch,
  // Reminders, their dead letters and the change feed: producers and consumers live in this one Worker.
  queue: (batch, env) =>
    batch.queue === CHANGES_QUEUE ? consumeChanges(batch, env) : handleQueue(batch, env),
} satisfies ExportedHandler<Bindings>;
