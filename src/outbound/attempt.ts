// One delivery attempt's bookkeeping on the queue, shared by customer reminders and merchant events: what a
// claim means for the message, what an answer means for the delivery (retry after backoff, never sooner than
// Retry-After; dead-letter once out of attempts), and what then happens to the message.
import { backoffSeconds } from "./policy";
import type { DeliveryResult } from "./signed-post";

export type AttemptOutcome =
  | { kind: "delivered" }
  /** retryInSeconds: when the consumer tries again (its message's retry delay); 0 if it dead-letters instead. */
  | { kind: "retry"; error: string; retryInSeconds: number }
  | { kind: "failed"; error: string };

/** The claim kinds both objects answer before an attempt. */
export type Claim =
  | { kind: "unknown" }
  | { kind: "done" }
  | { kind: "busy"; retryInSeconds: number }
  | { kind: "exhausted"; attempts: number; lastError: string | null }
  | { kind: "deliver" };

/** Acts on a claim that is not a go-ahead; true when the caller should make the attempt. */
export async function settleClaim(
  msg: Message,
  claim: Claim,
  deadLetter: (attempts: number, lastError: string | null) => Promise<unknown>,
): Promise<boolean> {
  switch (claim.kind) {
    case "deliver":
      return true;
    case "busy":
      msg.retry({ delaySeconds: claim.retryInSeconds });
      return false;
    case "exhausted":
      await deadLetter(claim.attempts, claim.lastError);
      msg.ack();
      return false;
    default:
      msg.ack();
      return false;
  }
}

/** What attempt `attempt` of `maxAttempts` came to. */
export function outcomeOf(
  result: DeliveryResult,
  attempt: number,
  maxAttempts: number,
  retryBaseSeconds: number,
): { outcome: AttemptOutcome; exhausted: boolean } {
  const error = result.error ?? "unknown error";
  const exhausted = attempt >= maxAttempts;
  // The object learns when the retry is due, so that a delivery waiting for it is not handed over again.
  const outcome: AttemptOutcome =
    result.verdict === "delivered"
      ? { kind: "delivered" }
      : result.verdict === "failed"
        ? { kind: "failed", error }
        : {
            kind: "retry",
            error,
            retryInSeconds: exhausted
              ? 0
              : backoffSeconds(attempt, retryBaseSeconds, result.retryAfterSeconds),
          };
  return { outcome, exhausted };
}

/** After the object recorded the attempt (`status`): retry the message, dead-letter it, or ack it. */
export async function settleAttempt(
  msg: Message,
  o: { outcome: AttemptOutcome; exhausted: boolean },
  status: string | null,
  deadLetter: (error: string) => Promise<unknown>,
): Promise<void> {
  if (o.outcome.kind === "retry" && status === "sent") {
    if (o.exhausted) {
      await deadLetter(o.outcome.error);
      msg.ack();
    } else {
      msg.retry({ delaySeconds: o.outcome.retryInSeconds });
    }
    return;
  }
  msg.ack();
}
