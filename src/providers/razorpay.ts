// Razorpay webhooks: `X-Razorpay-Signature` is the lowercase hex HMAC-SHA256 of the raw body keyed by the
// webhook secret (no timestamp, nothing else signed). Amounts are integer minor units already.
// See shared/research/providers.md §1.
import { z } from "zod";
import type { LineInput } from "../ledger/types";
import { hmacSha256, timingSafeEqual } from "../lib/crypto";
import { currencyCode, identifier, jsonObject, MAX_ID_LENGTH, minorUnits, safeText } from "../lib/zod-atoms";
import {
  type Authorization,
  type Delivery,
  MalformedPayload,
  type Normalized,
  objectOf,
  type Provider,
  parsePayload,
  type Verification,
} from "./types";

const SOURCE = "razorpay";

export const RazorpayConfigSchema = z
  .object({
    /** Several, so a secret can be rotated without downtime: Razorpay retries old events with the old one. */
    webhook_secrets: z.array(z.string().min(8).max(256)).min(1).max(5),
    /**
     * The merchant's Razorpay account ids (`acc_…`, the `account_id` of every event). Optional, because
     * the secret is the merchant's own; set it when one secret could sign for more than one account
     * (the same secret reused across accounts or merchants), so only this account's events are taken.
     */
    account_ids: z
      .array(z.string().regex(/^acc_[A-Za-z0-9]{1,64}$/, "must be a Razorpay account id (acc_...)"))
      .min(1)
      .max(10)
      .optional(),
  })
  .strict();

export type RazorpayConfig = z.infer<typeof RazorpayConfigSchema>;

const SIGNATURE = /^[0-9a-fA-F]{64}$/;

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

async function verify(delivery: Delivery, config: RazorpayConfig): Promise<Verification> {
  const header = delivery.headers.get("x-razorpay-signature");
  if (header === null) return { ok: false, reason: "missing_signature" };
  const signature = header.trim();
  if (!SIGNATURE.test(signature)) return { ok: false, reason: "malformed_signature" };
  const presented = hexBytes(signature);
  // Every secret is tried, without stopping at the first match, so timing does not tell which one matched.
  let matched = -1;
  for (const [index, secret] of config.webhook_secrets.entries()) {
    const expected = await hmacSha256(secret, delivery.raw);
    if (timingSafeEqual(expected, presented) && matched < 0) matched = index;
  }
  if (matched < 0) return { ok: false, reason: "signature_mismatch" };
  return { ok: true, method: `${SOURCE}:hmac-sha256:secret#${matched}` };
}

/**
 * With `account_ids` set, only events of those accounts are taken (`account_id`, on every event:
 * https://razorpay.com/docs/webhooks/payloads/invoices/). A body that is not a JSON object names no
 * account and nothing a ledger could act on: normalize answers it 400.
 */
function authorize(parsed: unknown, config: RazorpayConfig): Authorization {
  const body = objectOf(parsed);
  if (!config.account_ids || !body) return { ok: true };
  const account = body.account_id;
  return typeof account === "string" && config.account_ids.includes(account)
    ? { ok: true }
    : { ok: false, reason: "account_not_allowed" };
}

// ------------------------------------------------------------------ payloads (only the parts we use)

/** Unix seconds up to year 9999, so converting to a Date can never throw. */
const UnixSeconds = z.int().min(0).max(253_402_300_799);
const Minor = minorUnits();
const Currency = currencyCode();
/** Razorpay ids (`inv_…`, `pay_…`, `rfnd_…`); also the invoice ids our API can address. */
const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, "is not a Razorpay id");
// Descriptive fields (names, invoice number, method, status): capped far above Razorpay's own limits (an
// invoice_number is at most 40 characters, https://razorpay.com/docs/api/payments/invoices/create/), so a
// genuine payment is never held up, while control characters and unbounded text never reach the ledger.
const Text = safeText(MAX_ID_LENGTH).nullish();

const Envelope = z.object({
  event: identifier(100),
  payload: jsonObject(),
  created_at: UnixSeconds,
});

const PaymentEntity = z.object({
  id: Id,
  amount: Minor.min(1),
  currency: Currency,
  method: Text,
  fee: Minor.nullish(),
  invoice_id: Id.nullish(),
  created_at: UnixSeconds,
});

const InvoiceEntity = z.object({
  id: Id,
  amount: Minor,
  amount_paid: Minor.nullish(),
  amount_due: Minor.nullish(),
  currency: Currency,
  status: Text,
  expire_by: UnixSeconds.nullish(),
  invoice_number: Text,
  customer_details: z
    .object({
      name: Text,
      email: Text,
      contact: Text,
      customer_name: Text,
      customer_email: Text,
      customer_contact: Text,
    })
    .nullish(),
});

const InvoicePaymentPayload = z.object({
  payment: z.object({ entity: PaymentEntity }),
  invoice: z.object({ entity: InvoiceEntity }),
});

const RefundPayload = z.object({
  refund: z.object({
    entity: z.object({
      id: Id,
      amount: Minor.min(1),
      currency: Currency,
      payment_id: Id,
      status: Text,
      created_at: UnixSeconds.nullish(),
    }),
  }),
  payment: z.object({ entity: z.object({ id: Id, invoice_id: Id.nullish(), method: Text }) }).optional(),
});

/** Just enough to log an ignored event on its invoice; anything unexpected simply yields no invoice. */
const InvoiceHint = z.object({
  invoice: z.object({ entity: z.object({ id: Id }) }).optional(),
  payment: z.object({ entity: z.object({ invoice_id: Id.nullish() }) }).optional(),
});

const PAYMENT_EVENTS = new Set(["invoice.partially_paid", "invoice.paid"]);
const REFUND_EVENTS = new Set(["refund.processed", "refund.created", "payment.refunded"]);

const parse = <T>(schema: z.ZodType<T>, value: unknown, what: string): T =>
  parsePayload(schema, value, `Razorpay ${what} payload`);

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/**
 * The header is Razorpay's documented dedupe key. It is not signed, so the money itself is protected by
 * the (source, payment or refund id) uniqueness of lines, which comes from the signed body.
 */
function eventIdOf(delivery: Delivery): string {
  const header = delivery.headers.get("x-razorpay-event-id")?.trim();
  return header && /^[\x21-\x7e]{1,200}$/.test(header) ? header : `sha256:${delivery.sha256}`;
}

function normalize(body: unknown, delivery: Delivery): Normalized {
  const envelope = parse(Envelope, body, "event");
  const eventId = eventIdOf(delivery);
  const eventType = envelope.event;

  if (PAYMENT_EVENTS.has(eventType)) {
    const { payment, invoice } = parse(InvoicePaymentPayload, envelope.payload, eventType);
    const p = payment.entity;
    const inv = invoice.entity;
    const details = inv.customer_details;
    // `payload.invoice.entity.payment_id` may name an earlier payment (see the published samples): the
    // line is always the payment entity of this event; the invoice's figures are Razorpay's running totals.
    const line: LineInput = {
      kind: "payment",
      source: SOURCE,
      externalId: p.id,
      amount: p.amount,
      currency: p.currency,
      fee: p.fee ?? 0,
      method: p.method ?? null,
      paidAt: iso(p.created_at),
    };
    return {
      kind: "events",
      eventId,
      eventType,
      invoices: [
        {
          invoiceId: inv.id,
          command: {
            facts: {
              currency: inv.currency,
              total: inv.amount,
              ...(inv.expire_by ? { dueDate: iso(inv.expire_by).slice(0, 10) } : {}),
              ...(inv.invoice_number ? { number: inv.invoice_number } : {}),
              customer: {
                name: details?.name || details?.customer_name || null,
                email: details?.email || details?.customer_email || null,
                phone: details?.contact || details?.customer_contact || null,
              },
            },
            factsVersion: envelope.created_at,
            lines: [line],
            report: {
              currency: inv.currency,
              total: inv.amount,
              amountPaid: inv.amount_paid ?? null,
              amountDue: inv.amount_due ?? null,
              status: inv.status ?? null,
              reportedAt: iso(envelope.created_at),
              version: envelope.created_at,
            },
          },
        },
      ],
    };
  }

  if (REFUND_EVENTS.has(eventType)) {
    const { refund, payment } = parse(RefundPayload, envelope.payload, eventType);
    const r = refund.entity;
    if (payment && payment.entity.id !== r.payment_id) {
      throw new MalformedPayload(`Razorpay ${eventType} payload: refund and payment entities disagree`);
    }
    const invoiceId = payment?.entity.invoice_id ?? undefined;
    if (!invoiceId) {
      return {
        kind: "ignored",
        eventId,
        eventType,
        reason: "Refund of a payment not made against an invoice",
      };
    }
    // A refund only moves the ledger once it has been processed: a pending one may still fail, and a
    // failed refund leaves the money with the merchant. refund.processed itself always carries that news.
    if (eventType !== "refund.processed" && r.status !== "processed") {
      return {
        kind: "ignored",
        eventId,
        eventType,
        invoiceId,
        reason: `Refund ${r.id} is ${r.status ?? "not yet processed"}; it is applied on refund.processed`,
      };
    }
    const line: LineInput = {
      kind: "reversal",
      source: SOURCE,
      externalId: r.id,
      amount: r.amount,
      currency: r.currency,
      method: payment?.entity.method ?? null,
      paidAt: r.created_at ? iso(r.created_at) : null,
      notes: `Razorpay refund of ${r.payment_id}`,
      reverses: { source: SOURCE, externalId: r.payment_id },
    };
    return { kind: "events", eventId, eventType, invoices: [{ invoiceId, command: { lines: [line] } }] };
  }

  const hint = InvoiceHint.safeParse(envelope.payload);
  const invoiceId = hint.success
    ? (hint.data.invoice?.entity.id ?? hint.data.payment?.entity.invoice_id ?? undefined)
    : undefined;
  return {
    kind: "ignored",
    eventId,
    eventType,
    reason: `Razorpay ${eventType} events do not change the ledger`,
    ...(invoiceId ? { invoiceId } : {}),
  };
}

export const razorpay: Provider<RazorpayConfig> = {
  name: SOURCE,
  configSchema: RazorpayConfigSchema,
  verify,
  authorize,
  normalize,
};
