// Builds correctly signed provider deliveries with node:crypto, the way each provider signs them, so the
// Worker verifies every request for real.
import crypto from "node:crypto";

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
  const body = JSON.stringify({
    type: "payment.recorded",
    timestamp: now.toISOString(),
    data: {
      invoice_id: invoiceId,
      payment_id: paymentId,
      amount,
      currency,
      method: "bank_transfer",
      reference: `UTR${paymentId}`,
      paid_at: now.toISOString(),
    },
  });
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

/**
 * Razorpay's published `invoice.partially_paid` sample (providers.md §1.9), with the ids made unique so each
 * delivery lands on its own invoice as a new payment.
 */
export function razorpayPartiallyPaid({ invoiceId, paymentId, amount, total = 479030 }) {
  const created = Math.floor(Date.now() / 1000);
  const orderId = `order_${invoiceId.slice(4)}`;
  return {
    entity: "event",
    account_id: "acc_BFQ7uQEaa7j2z7",
    event: "invoice.partially_paid",
    contains: ["payment", "order", "invoice"],
    payload: {
      payment: {
        entity: {
          id: paymentId,
          entity: "payment",
          amount,
          currency: "INR",
          status: "captured",
          order_id: orderId,
          invoice_id: invoiceId,
          international: false,
          method: "netbanking",
          amount_refunded: 0,
          refund_status: null,
          captured: true,
          description: `Invoice #${invoiceId}`,
          card_id: null,
          bank: "HDFC",
          wallet: null,
          vpa: null,
          email: "gaurav.kumar@example.com",
          contact: "+919000090000",
          notes: [],
          fee: 236,
          tax: 36,
          error_code: null,
          error_description: null,
          created_at: created,
        },
      },
      order: {
        entity: {
          id: orderId,
          entity: "order",
          amount: total,
          amount_paid: amount,
          amount_due: total - amount,
          currency: "INR",
          receipt: "14",
          offer_id: null,
          status: "attempted",
          attempts: 1,
          notes: [],
          created_at: created - 120,
        },
      },
      invoice: {
        entity: {
          id: invoiceId,
          entity: "invoice",
          receipt: "14",
          invoice_number: "14",
          customer_id: "cust_BtQNqzmBlAXyTY",
          customer_details: {
            id: "cust_BtQNqzmBlAXyTY",
            name: "Gaurav Kumar",
            email: "gaurav.kumar@example.com",
            contact: "9000090000",
            gstin: "24AABCJ1087G1ZT",
            billing_address: {
              id: "addr_DEVxnrfJblan6u",
              type: "billing_address",
              primary: true,
              line1: "84th Floor, Millennium Tower, ",
              line2: "Corner of 1st and 1st",
              zipcode: "560096",
              city: "Bangalore",
              state: "Karnataka",
              country: "in",
            },
            shipping_address: {
              id: "addr_DEVzXQePDJFIQJ",
              type: "billing_address",
              primary: true,
              line1: "Warehouse 1194, Warehouse Lane",
              line2: "Warehouse District",
              zipcode: "560128",
              city: "Bangalore",
              state: "Karnataka",
              country: "in",
            },
            customer_name: "Gaurav Kumar",
            customer_email: "gaurav.kumar@example.com",
            customer_contact: "9000090000",
          },
          order_id: orderId,
          payment_id: paymentId,
          status: "partially_paid",
          expire_by: created + 30 * 86400,
          issued_at: created - 120,
          paid_at: null,
          cancelled_at: null,
          expired_at: null,
          sms_status: "sent",
          email_status: "sent",
          date: created - 3600,
          terms: "Terms and Conditions for Webhooks",
          partial_payment: true,
          gross_amount: 425000,
          tax_amount: 54030,
          taxable_amount: 425000,
          amount: total,
          amount_paid: amount,
          amount_due: total - amount,
          first_payment_min_amount: null,
          currency: "INR",
          description: "Invoice to Test Webhooks",
          notes: [],
          comment: "Customer Notes for Webhooks",
          short_url: "https://rzp.io/i/01ZsZNj",
          view_less: true,
          billing_start: null,
          billing_end: null,
          type: "invoice",
          group_taxes_discounts: false,
          supply_state_code: "29",
          user_id: "BFQ7uKsprYMg6p",
          created_at: created - 120,
          idempotency_key: null,
        },
      },
    },
    created_at: created,
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
