import type { InvoiceLedger } from "./ledger/invoice-ledger";
import type { InvoiceChange } from "./portfolio/change";
import type { MerchantIndex } from "./portfolio/merchant-index";
import type { DeadLetterMessage } from "./reminders/types";

/** The Worker's bindings, named for what they hold (see wrangler.toml). */
export interface Bindings {
  INVOICE_LEDGER: DurableObjectNamespace<InvoiceLedger>;
  MERCHANTS: KVNamespace;
  /** One index per merchant, fed by the change feed: listing, aging and export read it. */
  MERCHANT_INDEX: DurableObjectNamespace<MerchantIndex>;
  /** Producer of the change feed: every invoice's object hands its committed changes over here. */
  CHANGES: Queue<InvoiceChange>;
  REMINDERS: Queue;
  /** Producer for the reminders' dead-letter queue: reminders that used up the merchant's attempts go there. */
  REMINDERS_DLQ: Queue<DeadLetterMessage>;
  /** Seconds before a reminder's first retry; doubles each attempt. Default 60. */
  REMINDER_RETRY_BASE_SECONDS?: string;
  /** Per-attempt timeout of the POST to the merchant, in ms. Default 10000. */
  REMINDER_TIMEOUT_MS?: string;
  /** Seconds a handed-over reminder may go unclaimed before it is handed over again. Default 3600. */
  REMINDER_HANDOVER_LEASE_SECONDS?: string;
  ADMIN_TOKEN: string;
  /** "silent" turns request logs off (tests). */
  LOG_LEVEL?: string;
}

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {}
  }
}
