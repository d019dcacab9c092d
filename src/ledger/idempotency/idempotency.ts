// Idempotency keys: a request's result stored under its key in the same transaction as the change it made.
// Keys live in their own table, namespaced by request family (api, refrens, chargebee): a key is never a
// line id and never reaches another family's results. Lazy: webhooks never send a key, so the table is made
// by the first request whose key is kept, and until then no key was ever stored.
import type { CommandResult, Idempotency as Key } from "../commands";
import { LazyCapability } from "../host";
import { BASELINE, MIGRATIONS } from "./migrations";

export class Idempotency extends LazyCapability {
  readonly namespace = "idempotency";
  readonly migrations = MIGRATIONS;
  readonly baseline = BASELINE;

  /**
   * Runs `work` once per key. Only what committed is kept: a refusal changed nothing, so the corrected
   * retry with the same key runs afresh instead of being told the key was reused (Stripe keeps refusals;
   * https://docs.stripe.com/api/idempotent_requests, and the README says why we do not).
   */
  run<T>(key: Key | undefined, work: () => CommandResult<T>): CommandResult<T> {
    if (!key) return work();
    if (this.stored()) {
      const prior = this.sql
        .exec<{ request_hash: string; result: string }>(
          "SELECT request_hash, result FROM idempotency_keys WHERE scope = ? AND key = ?",
          key.scope,
          key.key,
        )
        .toArray()[0];
      if (prior) {
        if (prior.request_hash !== key.requestHash) {
          return {
            ok: false,
            code: "idempotency_key_reused",
            message: "This Idempotency-Key was used with a different request",
          };
        }
        // Only results that committed are stored.
        return { ...(JSON.parse(prior.result) as Extract<CommandResult<T>, { ok: true }>), replayed: true };
      }
    }
    const result = work();
    if (result.ok) {
      this.ensure();
      this.sql.exec(
        "INSERT INTO idempotency_keys (scope, key, request_hash, result, created_at) VALUES (?, ?, ?, ?, ?)",
        key.scope,
        key.key,
        key.requestHash,
        JSON.stringify(result),
        new Date().toISOString(),
      );
    }
    return result;
  }
}
