// The Worker's bindings come from `npm run types` (wrangler types, worker-configuration.d.ts, generated
// from wrangler.toml and .dev.vars.example as Cloudflare's templates do:
// https://developers.cloudflare.com/workers/languages/typescript/#generate-types). Here only what the
// configuration cannot say: optional settings with defaults in code, and the dead-letter queue's message type.
import type { EventMessage } from "./events/types";
import type { InvoiceChange } from "./portfolio/change";
import type { DeadLetterMessage } from "./reminders/types";

/** Settings read when set (as vars or secrets), absent from wrangler.toml because the code has defaults. */
interface OptionalSettings {
  /** Seconds before a reminder's or merchant event's first retry; doubles each attempt. Default 60. */
  REMINDER_RETRY_BASE_SECONDS?: string;
  /** Per-attempt timeout of a reminder's or merchant event's POST, in ms. Default 10000. */
  REMINDER_TIMEOUT_MS?: string;
  /** Seconds a handed-over reminder or event may go unclaimed before it is handed over again. Default 3600. */
  REMINDER_HANDOVER_LEASE_SECONDS?: string;
  /** "silent" turns request logs off (tests). */
  LOG_LEVEL?: string;
}

declare global {
  namespace Cloudflare {
    interface Env extends OptionalSettings {}
  }
}

/** The Worker's bindings, named for what they hold (see wrangler.toml). */
export interface Bindings
  extends Omit<Cloudflare.Env, "REMINDERS_DLQ" | "CHANGES" | "EVENTS_QUEUE" | "EVENTS_DLQ"> {
  /** Producer for the reminders' dead-letter queue: reminders that used up the merchant's attempts go there. */
  REMINDERS_DLQ: Queue<DeadLetterMessage>;
  /** Producer of the change feed: every invoice's object hands its committed changes over here. */
  CHANGES: Queue<InvoiceChange>;
  /** Producer of merchant events: each merchant's MerchantEvents object hands its deliveries over here. */
  EVENTS_QUEUE: Queue<EventMessage>;
  /** Merchant events that used up their endpoint's max_attempts go here. */
  EVENTS_DLQ: Queue<EventMessage>;
}
