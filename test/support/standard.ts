// Standard Webhooks deliveries for tests: the official vector, and events signed with the official
// `standardwebhooks` library, independent of src/lib/standard-webhooks.ts.
import { Webhook } from "standardwebhooks";
import { call, createMerchant, uid } from "../helpers";

// The official Standard Webhooks vector, shared by the libraries' tests:
// https://github.com/standard-webhooks/standard-webhooks/blob/main/libraries/javascript/src/webhook.test.ts
export const VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};
export const DECOY = "Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";

export const SECRET = VECTOR.secret;
export const NEW_SECRET = "whsec_c3RhbmRhcmQtd2ViaG9va3MtbmV3LXNlY3JldC0xMjM0NQ==";
export const encoder = new TextEncoder();

export interface DeliverOptions {
  secret?: string;
  id?: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  signature?: string;
  omit?: Array<"webhook-id" | "webhook-timestamp" | "webhook-signature">;
}

/** Signed with the official `standardwebhooks` library, independent of src/lib/standard-webhooks.ts. */
export async function deliver(merchantId: string, body: string, opts: DeliverOptions = {}) {
  const id = opts.id ?? uid("msg");
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature":
      opts.signature ?? new Webhook(opts.secret ?? SECRET).sign(id, new Date(timestamp * 1000), body),
  };
  for (const name of opts.omit ?? []) delete headers[name];
  return call("POST", `/webhooks/standard/${merchantId}`, { raw: body, headers });
}

export const event = (type: string, data: Record<string, unknown>, timestamp = "2026-11-20T10:00:00.000Z") =>
  JSON.stringify({ type, timestamp, data });

export const standardMerchant = (secrets = [SECRET]) =>
  createMerchant({ providers: { standard: { secrets } } });

export const upsert = (invoiceId: string, extra: Record<string, unknown> = {}) =>
  event("invoice.upserted", { invoice_id: invoiceId, currency: "INR", total: 100000, ...extra });
export const payment = (
  invoiceId: string,
  paymentId: string,
  amount: number,
  extra: Record<string, unknown> = {},
) =>
  event("payment.recorded", {
    invoice_id: invoiceId,
    payment_id: paymentId,
    amount,
    currency: "INR",
    ...extra,
  });
