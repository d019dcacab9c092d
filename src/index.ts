import { app } from "./app";
import type { Bindings } from "./bindings";

export { InvoiceLedger } from "./ledger/invoice-ledger";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Bindings>;
