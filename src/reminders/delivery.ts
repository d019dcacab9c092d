// A reminder's POST: the shared signed POST (src/outbound/signed-post.ts) under the reminders' user agent.
import { type DeliveryResult, postSigned } from "../outbound/signed-post";

export type { DeliveryResult };

export const USER_AGENT = "invoice-ledger-reminders/1";

export const postSignedReminder = (opts: {
  url: string;
  secret: string;
  id: string;
  payload: string;
  timeoutMs: number;
  now?: number;
}): Promise<DeliveryResult> =>
  postSigned({ ...opts, secrets: [opts.secret], userAgent: USER_AGENT, secretName: "notification" });
