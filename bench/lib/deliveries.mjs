// Builds correctly signed provider deliveries with node:crypto, the way each provider signs them, so the
// Worker verifies every request for real. The payloads themselves are in payloads.mjs (bench:rows uses them too).
import crypto from "node:crypto";
import { razorpayPartiallyPaid, standardPaymentRecorded } from "./payloads.mjs";

/** A fresh Standard Webhooks secret: whsec_ + base64 of 32 random bytes. */
export const newWhsec = () => `whsec_${crypto.randomBytes(32).toString("base64")}`;

/** `webhook-signature` for Standard Webhooks: v1,base64(HMAC-SHA256(base64-decoded secret, "id.ts.body")). */
export function signStandard(secret, id, timestamp, body) {
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const mac = crypto.createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest("base64");
  return `v1,${mac}`;
}

/** `X-Razorpay-Signature`: lowercase hex HMAC-SHA256 of the raw body, keyed by the webhook secret's bytes. */
export const signRazorpay = (secret, body) => crypto.createHmac("sha256", secret).update(body).digest("hex");

/** One `payment.recorded` delivery (our canonical Standard Webhooks format) on `invoiceId`. */
export function standardDelivery(secret, { invoiceId, paymentId, amount, currency = "INR", eventId }) {
  const now = new Date();
  const body = JSON.stringify(standardPaymentRecorded({ invoiceId, paymentId, amount, currency, now }));
  const ts = Math.floor(now.getTime() / 1000);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "webhook-id": eventId,
      "webhook-timestamp": String(ts),
      "webhook-signature": signStandard(secret, eventId, ts, body),
    },
  };
}

export function razorpayDelivery(secret, { invoiceId, paymentId, amount, eventId }) {
  const body = JSON.stringify(razorpayPartiallyPaid({ invoiceId, paymentId, amount }));
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-razorpay-event-id": eventId,
      "x-razorpay-signature": signRazorpay(secret, body),
    },
  };
}
