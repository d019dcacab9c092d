import { app } from "./app";
import type { Bindings } from "./bindings";
import { consumeEvents, EVENTS_DLQ, EVENTS_QUEUE } from "./events/consumer";
import { CHANGES_QUEUE, consumeChanges } from "./portfolio/consumer";
import { handleQueue } from "./reminders/consumer";

export { MerchantDeliveries } from "./deliveries/merchant-deliveries";
export { MerchantEvents } from "./events/merchant-events";
export { InvoiceLedger } from "./ledger/invoice-ledger";
export { MerchantIndex } from "./portfolio/merchant-index";

const EVENT_QUEUES = new Set([EVENTS_QUEUE, EVENTS_DLQ]);

export default {
  fetch: app.fetch,
  // Reminders, merchant events, their dead letters and the change feed: producers and consumers live in this
  // one Worker.
  queue: (batch, env) =>
    batch.queue === CHANGES_QUEUE
      ? consumeChanges(batch, env)
      : EVENT_QUEUES.has(batch.queue)
        ? consumeEvents(batch, env)
        : handleQueue(batch, env),
} satisfies ExportedHandler<Bindings>;
