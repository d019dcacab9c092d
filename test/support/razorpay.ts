// Razorpay deliveries for tests: signed as Razorpay's SDK signs, shaped like the published samples.
import partiallyPaidSample from "../fixtures/razorpay/invoice.partially_paid.json";
import { call, createMerchant, uid } from "../helpers";

export const SECRET = "rzp-webhook-secret-current";
export const OLD_SECRET = "rzp-webhook-secret-previous";
export const encoder = new TextEncoder();

/** Independent of src/lib/crypto: what Razorpay's SDK computes, lowercase hex HMAC-SHA256 of the body. */
export async function razorpaySignature(secret: string, body: string | Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, bytes as Uint8Array<ArrayBuffer>));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export interface DeliverOptions {
  /** Secret to sign with; null sends no signature header. */
  secret?: string | null;
  /** Overrides the computed signature header. */
  signature?: string;
  /** null sends no x-razorpay-event-id header. */
  eventId?: string | null;
}

export async function deliver(merchantId: string, body: string, opts: DeliverOptions = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const signature =
    opts.signature ??
    (opts.secret === null ? undefined : await razorpaySignature(opts.secret ?? SECRET, body));
  if (signature !== undefined) headers["x-razorpay-signature"] = signature;
  if (opts.eventId !== null) headers["x-razorpay-event-id"] = opts.eventId ?? uid("evt");
  return call("POST", `/webhooks/razorpay/${merchantId}`, { raw: body, headers });
}

export const text = (event: unknown) => JSON.stringify(event, null, 2);

/** A made-up invoice payment event shaped like the published sample. */
export function invoiceEvent(o: {
  event?: "invoice.partially_paid" | "invoice.paid";
  invoiceId: string;
  paymentId: string;
  amount: number;
  at: number;
  total?: number;
  amountPaid: number;
  status?: string;
}) {
  const e = structuredClone(partiallyPaidSample);
  const total = o.total ?? e.payload.invoice.entity.amount;
  e.event = o.event ?? "invoice.partially_paid";
  e.created_at = o.at + 2;
  Object.assign(e.payload.payment.entity, {
    id: o.paymentId,
    amount: o.amount,
    invoice_id: o.invoiceId,
    created_at: o.at,
  });
  Object.assign(e.payload.invoice.entity, {
    id: o.invoiceId,
    amount: total,
    amount_paid: o.amountPaid,
    amount_due: total - o.amountPaid,
    status: o.status ?? (o.amountPaid >= total ? "paid" : "partially_paid"),
  });
  return e;
}

export function refundEvent(o: {
  event?: string;
  refundId: string;
  paymentId: string;
  amount: number;
  invoiceId: string | null;
  status?: string;
  currency?: string;
}) {
  return {
    entity: "event",
    account_id: "acc_BFQ7uQEaa7j2z7",
    event: o.event ?? "refund.processed",
    contains: ["refund", "payment"],
    payload: {
      refund: {
        entity: {
          id: o.refundId,
          entity: "refund",
          amount: o.amount,
          currency: o.currency ?? "INR",
          payment_id: o.paymentId,
          notes: [],
          receipt: null,
          acquirer_data: { arn: null },
          created_at: 1567690000,
          batch_id: null,
          status: o.status ?? "processed",
          speed_processed: "normal",
          speed_requested: "normal",
        },
      },
      payment: {
        entity: {
          id: o.paymentId,
          entity: "payment",
          amount: 100000,
          currency: "INR",
          status: "refunded",
          invoice_id: o.invoiceId,
          method: "upi",
          amount_refunded: o.amount,
          refund_status: "partial",
          captured: true,
          created_at: 1567686213,
        },
      },
    },
    created_at: 1567690001,
  };
}

export async function razorpayMerchant(secrets = [SECRET]) {
  return createMerchant({ providers: { razorpay: { webhook_secrets: secrets } } });
}
