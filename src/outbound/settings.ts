// Timing of every signed POST this service sends (customer reminders and merchant events alike), from the
// Worker's optional settings (src/bindings.ts), with the defaults in code.
import type { Bindings } from "../bindings";

export interface DeliverySettings {
  /** Seconds before the first retry; doubles each attempt. */
  retryBaseSeconds: number;
  /** Per-attempt timeout of the POST, in ms. */
  timeoutMs: number;
  /** How long a handed-over delivery may go unclaimed before its object hands it over again. */
  handoverLeaseSeconds: number;
}

function positive(value: string | undefined, fallback: number, min: number, max: number): number {
  const n = value === undefined || value.trim() === "" ? Number.NaN : Number(value);
  return Number.isFinite(n) ? Math.min(Math.max(n, min), max) : fallback;
}

export function deliverySettings(env: Partial<Bindings>): DeliverySettings {
  return {
    retryBaseSeconds: positive(env.REMINDER_RETRY_BASE_SECONDS, 60, 0, 3600),
    timeoutMs: positive(env.REMINDER_TIMEOUT_MS, 10_000, 100, 60_000),
    handoverLeaseSeconds: positive(env.REMINDER_HANDOVER_LEASE_SECONDS, 3600, 1, 86_400),
  };
}
