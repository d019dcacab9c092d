// The delivery policy of every signed POST this service sends (customer reminders, merchant events): which
// HTTP answers are final, and how long to wait before the next attempt. One module, so both follow the same
// rules.

export type Verdict = "delivered" | "retry" | "failed";

/**
 * Keep equal to `max_retries` of the reminders and merchant-events consumers in wrangler.toml. It is only a
 * backstop: the configured attempts (at most 20) decide when a delivery is dead-lettered.
 */
export const QUEUE_MAX_RETRIES = 20;

/** Longest wait between attempts; a queue message can be delayed by at most 12 hours. */
export const MAX_DELAY_SECONDS = 6 * 3600;

/** 2xx is delivered; 408, 429 and 5xx are worth retrying; anything else (3xx, other 4xx) never will be. */
export function classifyStatus(status: number): Verdict {
  if (status >= 200 && status < 300) return "delivered";
  if (status === 408 || status === 429 || status >= 500) return "retry";
  return "failed";
}

/** Attempts allowed: the configured number, within what the queue itself will redeliver. */
export const attemptLimit = (maxAttempts: number): number =>
  Math.max(1, Math.min(maxAttempts, QUEUE_MAX_RETRIES + 1));

/**
 * Exponential backoff after attempt `attempt` (1-based): base, 2x base, 4x base... capped, and never
 * sooner than a receiver's Retry-After.
 */
export function backoffSeconds(
  attempt: number,
  baseSeconds: number,
  retryAfterSeconds?: number | null,
): number {
  const exponential = baseSeconds * 2 ** Math.max(attempt - 1, 0);
  return Math.min(Math.ceil(Math.max(exponential, retryAfterSeconds ?? 0)), MAX_DELAY_SECONDS);
}

/** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}
