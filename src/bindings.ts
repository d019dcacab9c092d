import type { InvoiceLedger } from "./ledger/invoice-ledger";

/** The Worker's bindings, named for what they hold (see wrangler.toml). */
export interface Bindings {
  INVOICE_LEDGER: DurableObjectNamespace<InvoiceLedger>;
  MERCHANTS: KVNamespace;
  REMINDERS: Queue;
  ADMIN_TOKEN: string;
  /** "silent" turns request logs off (tests). */
  LOG_LEVEL?: string;
}

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {}
  }
}
