// Our own canonical webhook format, signed per Standard Webhooks (standardwebhooks.com): any system
// that can sign `${webhook-id}.${webhook-timestamp}.${body}` with a whsec_ secret can drive the ledger.
//
// Envelope (the spec's recommended shape), one event per delivery:
//   { "type": "<event type>", "timestamp": "<ISO 8601 with offset>", "data": { ... } }
// Amounts are integers in minor units of `currency` (INR 1,234.50 is 123450). Ids are 1-255 printable
// ASCII characters; invoice ids 1-128 of A-Z a-z 0-9 . _ : - (as in /v1/invoices/{id}).
//
//   invoice.upserted    { invoice_id, currency, total, due_date?: "YYYY-MM-DD", number?,
//                         customer?: { name?, email?, phone? }, version?: integer }
//                       Creates or updates the invoice's facts. Absent or null fields leave the stored value.
//                       `version` orders snapshots (default: `timestamp` in Unix ms); an older one is ignored.
//   payment.recorded    { invoice_id, payment_id, amount, currency, tds?, transaction_charge?, method?,
//                         paid_at?: ISO 8601, reference?, notes? }
//                       One payment; payment_id is unique per invoice: a repeat is a no-op, a repeat
//                       with other figures is kept as an anomaly and never replaces the recorded line.
//                       amount + tds is credited; transaction_charge is recorded, never credited.
//   payment.reversed    { invoice_id, reversal_id, payment_id, amount, currency, reason? }
//                       Takes back `amount` of the payment `payment_id` (which may arrive later).
//   invoice.written_off { invoice_id, write_off_id, amount, currency, reason? }
//   invoice.voided      { invoice_id }
// Any other type is acknowledged (200) and ignored. Unknown fields are refused (400).
import { z } from "zod";
import type { IngestCommand } from "../ledger/commands";
import { INVOICE_ID } from "../ledger/invoice-id";
import type { LineInput, LineKind } from "../ledger/types";
import { verifyStandardWebhook, WhsecSchema } from "../lib/standard-webhooks";
import {
  currencyCode,
  emailAddress,
  freeText,
  identifier,
  jsonObject,
  minorUnits,
  phoneNumber,
  safeText,
} from "../lib/zod-atoms";
import {
  type Delivery,
  MalformedPayload,
  type Normalized,
  type Provider,
  parsePayload,
  type Verification,
} from "./types";

const SOURCE = "standard";

export interface StandardConfig {
  /** whsec_ secrets; several during a rotation. */
  secrets: string[];
}

const StandardConfigSchema: z.ZodType<StandardConfig> = z
  .object({ secrets: z.array(WhsecSchema).min(1).max(5) })
  .strict();

async function verify(delivery: Delivery, config: StandardConfig): Promise<Verification> {
  const result = await verifyStandardWebhook(
    config.secrets,
    {
      id: delivery.headers.get("webhook-id"),
      timestamp: delivery.headers.get("webhook-timestamp"),
      signature: delivery.headers.get("webhook-signature"),
    },
    delivery.raw,
    delivery.now,
  );
  return result.ok ? { ok: true, method: `${SOURCE}:v1:secret#${result.secretIndex}` } : result;
}

// ------------------------------------------------------------------ events

const Minor = minorUnits();
const Positive = Minor.min(1);
const Currency = currencyCode();
const InvoiceId = z.string().regex(INVOICE_ID, "is not a valid invoice id");
const ExternalId = z.string().regex(/^[\x21-\x7e]{1,255}$/, "ids are 1-255 printable ASCII characters");
const Reason = freeText(2000).nullish();

const Envelope = z
  .object({
    type: identifier(100),
    timestamp: z.iso.datetime({ offset: true }),
    data: jsonObject(),
  })
  .strict();

const EVENTS = {
  "invoice.upserted": z
    .object({
      invoice_id: InvoiceId,
      currency: Currency,
      total: Minor,
      due_date: z.iso.date().nullish(),
      number: identifier(64).nullish(),
      customer: z
        .object({
          name: safeText(200).nullish(),
          email: emailAddress().nullish(),
          phone: phoneNumber().nullish(),
        })
        .strict()
        .nullish(),
      version: Minor.optional(),
    })
    .strict(),
  "payment.recorded": z
    .object({
      invoice_id: InvoiceId,
      payment_id: ExternalId,
      amount: Minor,
      currency: Currency,
      tds: Minor.nullish(),
      transaction_charge: Minor.nullish(),
      method: z
        .string()
        .regex(/^[a-z0-9_]{1,32}$/, "is 1-32 of a-z 0-9 _")
        .nullish(),
      paid_at: z.iso.datetime({ offset: true }).nullish(),
      reference: identifier(128).nullish(),
      notes: freeText(2000).nullish(),
    })
    .strict()
    .refine((p) => p.amount + (p.tds ?? 0) > 0, {
      message: "amount + tds must be positive",
      path: ["amount"],
    }),
  "payment.reversed": z
    .object({
      invoice_id: InvoiceId,
      reversal_id: ExternalId,
      payment_id: ExternalId,
      amount: Positive,
      currency: Currency,
      reason: Reason,
    })
    .strict(),
  "invoice.written_off": z
    .object({
      invoice_id: InvoiceId,
      write_off_id: ExternalId,
      amount: Positive,
      currency: Currency,
      reason: Reason,
    })
    .strict(),
  "invoice.voided": z.object({ invoice_id: InvoiceId }).strict(),
} as const;

export type StandardEventType = keyof typeof EVENTS;
export type StandardEvent = { [K in StandardEventType]: z.infer<(typeof EVENTS)[K]> };

const parse = <T>(schema: z.ZodType<T>, value: unknown, what: string): T =>
  parsePayload(schema, value, `Standard webhook ${what}`);

const isoOrNull = (value: string | null | undefined) => (value ? new Date(value).toISOString() : null);

type Command = Omit<IngestCommand, "event">;

/** The money events each carry one line, under the event's own id, in the amount and currency sent. */
const oneLine = (
  kind: LineKind,
  externalId: string,
  d: { amount: number; currency: string },
  more: Partial<LineInput>,
): Command => ({
  lines: [{ kind, source: SOURCE, externalId, amount: d.amount, currency: d.currency, ...more }],
});

function commandFor(type: StandardEventType, data: unknown, timestamp: string): Command {
  switch (type) {
    case "invoice.upserted": {
      const d = parse(EVENTS[type], data, type);
      const c = d.customer;
      return {
        facts: {
          currency: d.currency,
          total: d.total,
          ...(d.due_date ? { dueDate: d.due_date } : {}),
          ...(d.number ? { number: d.number } : {}),
          customer: { name: c?.name ?? null, email: c?.email ?? null, phone: c?.phone ?? null },
        },
        factsVersion: d.version ?? Date.parse(timestamp),
      };
    }
    case "payment.recorded": {
      const d = parse(EVENTS[type], data, type);
      return oneLine("payment", d.payment_id, d, {
        tds: d.tds ?? 0,
        fee: d.transaction_charge ?? 0,
        method: d.method ?? null,
        paidAt: isoOrNull(d.paid_at),
        reference: d.reference ?? null,
        notes: d.notes ?? null,
      });
    }
    case "payment.reversed": {
      const d = parse(EVENTS[type], data, type);
      return oneLine("reversal", d.reversal_id, d, {
        notes: d.reason ?? null,
        reverses: { source: SOURCE, externalId: d.payment_id },
      });
    }
    case "invoice.written_off": {
      const d = parse(EVENTS[type], data, type);
      return oneLine("write_off", d.write_off_id, d, { notes: d.reason ?? null });
    }
    case "invoice.voided":
      parse(EVENTS[type], data, type);
      return { void: true };
  }
}

const isKnown = (type: string): type is StandardEventType => Object.hasOwn(EVENTS, type);

function normalize(body: unknown, delivery: Delivery): Normalized {
  // The id is part of the signed content, so unlike an unsigned header it cannot be swapped by a replayer.
  const eventId = delivery.headers.get("webhook-id");
  if (!eventId || !/^[\x21-\x7e]{1,255}$/.test(eventId)) {
    throw new MalformedPayload("webhook-id must be 1-255 printable ASCII characters");
  }
  const envelope = parse(Envelope, body, "envelope");
  const eventType = envelope.type;
  const invoiceId = envelope.data.invoice_id;
  if (!isKnown(eventType)) {
    const known = typeof invoiceId === "string" && InvoiceId.safeParse(invoiceId).success;
    return {
      kind: "ignored",
      eventId,
      eventType,
      reason: `Unknown event type ${eventType}`,
      ...(known ? { invoiceId } : {}),
    };
  }
  const command = commandFor(eventType, envelope.data, envelope.timestamp);
  return { kind: "events", eventId, eventType, invoices: [{ invoiceId: invoiceId as string, command }] };
}

export const standard: Provider<StandardConfig> = {
  name: SOURCE,
  configSchema: StandardConfigSchema,
  verify,
  normalize,
};
