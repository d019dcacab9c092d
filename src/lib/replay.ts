import type { Context } from "hono";
import type { AppEnv } from "./types";

/**
 * Names what a command did for the request log, and tells a client whose retry got the stored answer, as
 * Stripe does with `Idempotent-Replayed: true` (https://docs.stripe.com/api/idempotent_requests): one rule
 * for /v1 and both dialects.
 */
export function settleOutcome(c: Context<AppEnv>, replayed: boolean | undefined, outcome: string): void {
  c.set("outcome", replayed ? "replayed" : outcome);
  if (replayed) c.header("Idempotent-Replayed", "true");
}
