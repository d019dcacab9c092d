// One signed POST per Standard Webhooks (https://www.standardwebhooks.com/): webhook-id, webhook-timestamp,
// webhook-signature. Shared by customer reminders and merchant events, so both send, time out and classify
// answers the same way.
import { signStandardWebhook } from "../lib/standard-webhooks";
import { classifyStatus, parseRetryAfter, type Verdict } from "./policy";

export interface DeliveryResult {
  verdict: Verdict;
  status: number | null;
  /** What is recorded as the delivery's last error; null when delivered. */
  error: string | null;
  retryAfterSeconds: number | null;
}

export interface SignedPost {
  url: string;
  /**
   * The secrets to sign with: one, or the new and the old while a secret rotates. Standard Webhooks sends
   * one space-separated `v1,` entry per secret, and a receiver accepts any that matches.
   */
  secrets: readonly string[];
  id: string;
  payload: string;
  timeoutMs: number;
  userAgent: string;
  /** Names the secret in the error recorded when it cannot be used ("notification", "endpoint"). */
  secretName: string;
  now?: number;
}

/** The signature is made per attempt because receivers reject timestamps more than five minutes old. */
export async function postSigned(opts: SignedPost): Promise<DeliveryResult> {
  const now = opts.now ?? Date.now();
  const timestamp = Math.floor(now / 1000);
  let signature: string;
  try {
    const entries = await Promise.all(
      opts.secrets.map((s) => signStandardWebhook(s, opts.id, timestamp, opts.payload)),
    );
    if (entries.length === 0) throw new Error("no secret");
    signature = entries.join(" ");
  } catch {
    return {
      verdict: "failed",
      status: null,
      error: `the ${opts.secretName} secret is malformed`,
      retryAfterSeconds: null,
    };
  }
  try {
    const res = await fetch(opts.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": opts.userAgent,
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
