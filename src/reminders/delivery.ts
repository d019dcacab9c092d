import { signStandardWebhook } from "../lib/standard-webhooks";
import { classifyStatus, parseRetryAfter, type Verdict } from "./policy";

export interface DeliveryResult {
  verdict: Verdict;
  status: number | null;
  /** What is recorded as the reminder's last error; null when delivered. */
  error: string | null;
  retryAfterSeconds: number | null;
}

export const USER_AGENT = "invoice-ledger-reminders/1";

/**
 * One signed POST (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature). The signature
 * is made per attempt because receivers reject timestamps more than five minutes old.
 */
export async function postSignedReminder(opts: {
  url: string;
  secret: string;
  id: string;
  payload: string;
  timeoutMs: number;
  now?: number;
}): Promise<DeliveryResult> {
  const now = opts.now ?? Date.now();
  const timestamp = Math.floor(now / 1000);
  let signature: string;
  try {
    signature = await signStandardWebhook(opts.secret, opts.id, timestamp, opts.payload);
  } catch {
    return {
      verdict: "failed",
      status: null,
      error: "the notification secret is malformed",
      retryAfterSeconds: null,
    };
  }
  try {
    const res = await fetch(opts.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": opts.id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signature,
      },
      body: opts.payload,
      // A redirect is a misconfigured URL, not a delivery: following it would replay the POST elsewhere.
      redirect: "manual",
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    await res.body?.cancel();
    const verdict = classifyStatus(res.status);
    return {
      verdict,
      status: res.status,
      // No reason phrase: HTTP/2 has none, and the status says it all.
      error: verdict === "delivered" ? null : `HTTP ${res.status}`,
      retryAfterSeconds: parseRetryAfter(res.headers.get("retry-after"), now),
    };
  } catch (err) {
    const name = err instanceof Error ? err.name : "";
    const timedOut = name === "TimeoutError" || name === "AbortError";
    return {
      verdict: "retry",
      status: null,
      error: timedOut
        ? `timed out after ${opts.timeoutMs} ms`
        : `network error: ${String(err).slice(0, 200)}`,
      retryAfterSeconds: null,
    };
  }
}
