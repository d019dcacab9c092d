// A signed Standard Webhooks payment for an invoice the ledger may not know yet (total unknown).
import { Webhook } from "standardwebhooks";
import { call, uid } from "../helpers";

export const STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

export async function deliverStandardPayment(merchantId: string, invoiceId: string, amount = 1000) {
  const body = JSON.stringify({
    type: "payment.recorded",
    timestamp: new Date().toISOString(),
    data: { invoice_id: invoiceId, payment_id: "utr-1", amount, currency: "INR" },
  });
  const msgId = uid("msg");
  const now = new Date();
  return call("POST", `/webhooks/standard/${merchantId}`, {
    raw: body,
    headers: {
      "content-type": "application/json",
      "webhook-id": msgId,
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": new Webhook(STANDARD_SECRET).sign(msgId, now, body),
    },
  });
}
