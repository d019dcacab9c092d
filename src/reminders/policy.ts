// Reminders deliver under the shared outbound policy (src/outbound/policy.ts), which merchant events use too.
export {
  attemptLimit,
  backoffSeconds,
  classifyStatus,
  MAX_DELAY_SECONDS,
  parseRetryAfter,
  QUEUE_MAX_RETRIES,
  type Verdict,
} from "../outbound/policy";
