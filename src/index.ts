import { app } from "./app";
import type { Bindings } from "./bindings";
import { handleQueue } from "./reminders/consumer";

export { MerchantDeliveries } from "./deliveries/merchant-deliveries";
export { InvoiceLedger } from "./ledger/invoice-ledger";

export default {
  fetch: app.fetch,
  // Reminders and their dead letters: producer and consumers live in this one Worker.
  queue: (batch, env) => handleQueue(batch, env),
} satisfies ExportedHandler<Bindings>;
