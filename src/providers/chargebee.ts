// Chargebee webhooks (shared/research/providers.md §4). Chargebee signs nothing: a webhook is protected
// by HTTP Basic credentials the merchant types into Chargebee, so those are what we verify.
import { z } from "zod";
import type { IngestCommand } from "../ledger/commands";
import { isInvoiceId } from "../ledger/invoice-id";
import type { LineInput } from "../ledger/types";
import { parseBasicAuth } from "../lib/basic-auth";
import { secretsEqual } from "../lib/crypto";
import { identifier, jsonObject, MAX_ID_LENGTH, minorUnits, reference, safeText } from "../lib/zod-atoms";
import { convertOrMalformed, supportedCurrency } from "./amounts";
import { chargebeeToMinor } from "./chargebee-amount";
import { type Delivery, MalformedPayload, type Normalized, type Provider, type Verification } from "./types";

export { chargebeeToMinor } from "./chargebee-amount";

const SOURCE = "chargebee";

// Printable, no colon in the user name: Basic credentials are split on the first colon (RFC 7617).
const Printable = /^\P{Cc}+$/u;
export const ChargebeeConfigSchema = z
  .object({
    /** Several pairs while rotating: Chargebee keeps one, so add the new pair, switch, then drop the old. */
    basic_auth: z
      .array(
        z
          .object({
            username: z
              .string()
              .min(1)
              .max(128)
              .regex(/^[^:\p{Cc}]+$/u, "must be printable and contain no colon"),
            password: z.string().min(12).max(256).regex(Printable, "must be printable"),
          })
          .strict(),
      )
      .min(1)
      .max(5),
  })
  .strict();

export type ChargebeeConfig = z.infer<typeof ChargebeeConfigSchema>;

/**
 * Every configured pair is compared in full (user name and password, no early exit), so that neither
 * which pair matched nor a credential's length shows in the timing.
 */
async function verify(delivery: Delivery, config: ChargebeeConfig): Promise<Verification> {
  const header = delivery.headers.get("authorization");
  if (!header) return { ok: false, reason: "missing_authorization" };
  const presented = parseBasicAuth(header);
  if (!presented) return { ok: false, reason: "malformed_authorization" };
  let match = -1;
  for (const [index, pair] of (config.basic_auth ?? []).entries()) {
    const userOk = await secretsEqual(presented.username, pair.username);
    const passOk = await secretsEqual(presented.password, pair.password);
    if (userOk && passOk && match === -1) match = index;
  }
  if (match < 0) return { ok: false, reason: "credentials_mismatch" };
  return { ok: true, method: `${SOURCE}:basic#${match}` };
}

// ---------------------------------------------------------------- payload shapes (only what we read)

const Id = identifier(200);
const Cents = minorUnits();
const Unix = z.number().int().min(0).max(253402300799);
/** Method, reference number, gateway id: they become the line's method and reference. */
const Text = reference(MAX_ID_LENGTH);

const EnvelopeSchema = z.object({
  id: Id,
  event_type: identifier(100),
  occurred_at: Unix,
  api_version: z.string().nullish(),
  content: jsonObject(),
});

const TransactionSchema = z.object({
  id: Id,
  type: safeText(50),
  status: safeText(50).nullish(),
  currency_code: z.string(),
  amount: Cents.nullish(),
  date: Unix.nullish(),
  payment_method: Text.nullish(),
  reference_number: Text.nullish(),
  id_at_gateway: Text.nullish(),
  refunded_txn_id: Id.nullish(),
  reference_transaction_id: Id.nullish(),
  linked_invoices: z
    .array(z.object({ invoice_id: Id, applied_amount: Cents }))
    .max(1000)
    .nullish(),
  linked_credit_notes: z
    .array(z.object({ cn_reference_invoice_id: Id.nullish(), applied_amount: Cents }))
    .max(1000)
    .nullish(),
});

const InvoiceSchema = z.object({
  id: Id,
  status: safeText(50).nullish(),
  currency_code: z.string(),
  total: Cents.nullish(),
  amount_paid: Cents.nullish(),
  amount_due: Cents.nullish(),
  due_date: Unix.nullish(),
  updated_at: Unix.nullish(),
  resource_version: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullish(),
  deleted: z.boolean().nullish(),
});

const CreditNoteSchema = z.object({ reference_invoice_id: Id.nullish() });

type Transaction = z.infer<typeof TransactionSchema>;
type Invoice = z.infer<typeof InvoiceSchema>;

const TRANSACTION_EVENTS = new Set([
  "payment_succeeded",
  "payment_refunded",
  "transaction_created",
  "transaction_updated",
]);
// invoice_generated carries the same invoice object as invoice_updated: it lets an unpaid invoice exist
// in the ledger (and get reminders) before its first payment.
const INVOICE_EVENTS = new Set(["invoice_generated", "invoice_updated", "invoice_deleted"]);

const METHODS: Record<string, string> = {
  cash: "cash",
  check: "cheque",
  bank_transfer: "bank_transfer",
  card: "card",
  upi: "upi",
};

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = [where, ...(issue?.path ?? [])].join(".");
  throw new MalformedPayload(`${path}: ${issue?.message ?? "invalid"}`);
}

const currencyOf = (code: string, where: string) => supportedCurrency(code, `${where}.currency_code`);

const minor = (cents: number, currency: string, where: string) =>
  convertOrMalformed(where, () => chargebeeToMinor(cents, currency));

/** Our invoice ids are what the merchant API can address; anything else could never be read back. */
function invoiceIdOf(id: string, where: string): string {
  if (!isInvoiceId(id)) {
    throw new MalformedPayload(`${where} ${JSON.stringify(id)} is not a usable invoice id`);
  }
  return id;
}

const isoOf = (unix: number) => new Date(unix * 1000).toISOString();

/** Sums cents per invoice, keeping first-seen order: one line per (transaction, invoice). */
function allocate(entries: Array<{ invoiceId: string; cents: number }>): Map<string, number> {
  const out = new Map<string, number>();
  for (const { invoiceId, cents } of entries) {
    const sum = (out.get(invoiceId) ?? 0) + cents;
    if (!Number.isSafeInteger(sum)) throw new MalformedPayload("applied amounts overflow");
    out.set(invoiceId, sum);
  }
  return out;
}

/** A successful payment's allocation to invoices, or a successful refund's (through its credit notes). */
function transactionLines(
  txn: Transaction,
  content: Record<string, unknown>,
  fallbackInvoiceId: string | null,
): Map<string, LineInput> {
  const lines = new Map<string, LineInput>();
  if (txn.status !== "success") return lines;
  const currency = currencyOf(txn.currency_code, "content.transaction");
  const common = {
    source: SOURCE,
    externalId: txn.id,
    currency,
    method: txn.payment_method ? (METHODS[txn.payment_method] ?? txn.payment_method) : null,
    reference: txn.reference_number ?? txn.id_at_gateway ?? null,
    paidAt: txn.date != null ? isoOf(txn.date) : null,
  };

  let allocation: Map<string, number>;
  let kind: "payment" | "reversal";
  if (txn.type === "payment") {
    kind = "payment";
    allocation = allocate(
      (txn.linked_invoices ?? []).map((li) => ({ invoiceId: li.invoice_id, cents: li.applied_amount })),
    );
  } else if (txn.type === "refund" || txn.type === "payment_reversal") {
    kind = "reversal";
    // A refund is tied to invoices through credit notes (linked_credit_notes[].cn_reference_invoice_id);
    // payment_refunded also carries the credit note and the invoice, which name it when the link does not.
    const creditNote = content.credit_note
      ? parse(CreditNoteSchema, content.credit_note, "content.credit_note")
      : null;
    const defaultInvoice = creditNote?.reference_invoice_id ?? fallbackInvoiceId;
    const viaCreditNotes = (txn.linked_credit_notes ?? []).map((cn) => {
      const invoiceId = cn.cn_reference_invoice_id ?? defaultInvoice;
      if (!invoiceId) throw new MalformedPayload("a refund's credit note names no invoice");
      return { invoiceId, cents: cn.applied_amount };
    });
    const viaInvoices = (txn.linked_invoices ?? []).map((li) => ({
      invoiceId: li.invoice_id,
      cents: li.applied_amount,
    }));
    if (viaCreditNotes.length > 0) allocation = allocate(viaCreditNotes);
    else if (viaInvoices.length > 0) allocation = allocate(viaInvoices);
    else if (defaultInvoice && txn.amount != null)
      allocation = allocate([{ invoiceId: defaultInvoice, cents: txn.amount }]);
    else allocation = new Map();
  } else {
    return lines;
  }

  // refunded_txn_id names the refunded payment; reference_transaction_id the offline one refunded or reversed.
  const target = txn.refunded_txn_id ?? txn.reference_transaction_id ?? null;
  for (const [rawId, cents] of allocation) {
    if (cents === 0) continue;
    const invoiceId = invoiceIdOf(rawId, "linked invoice id");
    lines.set(invoiceId, {
      ...common,
      kind,
      amount: minor(cents, currency, "content.transaction amount"),
      ...(kind === "reversal" && target ? { reverses: { source: SOURCE, externalId: target } } : {}),
    });
  }
  return lines;
}

/** The invoice as Chargebee reports it: facts and a report, both ordered by resource_version. */
function invoiceCommand(
  inv: Invoice,
  eventType: string,
  occurredAt: number,
): Omit<IngestCommand, "event" | "lines"> {
  const currency = currencyOf(inv.currency_code, "content.invoice");
  const cents = (v: number | null | undefined, field: string) =>
    v == null ? null : minor(v, currency, `content.invoice.${field}`);
  const total = cents(inv.total, "total");
  // resource_version is Chargebee's ordering key (ms); updated_at (s) only when it is missing.
  const version = inv.resource_version ?? (inv.updated_at ?? occurredAt) * 1000;
  return {
    facts: {
      currency,
      number: inv.id,
      ...(total !== null ? { total } : {}),
      ...(inv.due_date != null ? { dueDate: isoOf(inv.due_date).slice(0, 10) } : {}),
    },
    factsVersion: version,
    report: {
      currency,
      total,
      amountPaid: cents(inv.amount_paid, "amount_paid"),
      amountDue: cents(inv.amount_due, "amount_due"),
      status: inv.status ?? null,
      reportedAt: isoOf(inv.updated_at ?? occurredAt),
      version,
    },
    ...(eventType === "invoice_deleted" || inv.status === "voided" || inv.deleted === true
      ? { void: true }
      : {}),
  };
}

function normalize(body: unknown): Normalized {
  const ev = parse(EnvelopeSchema, body, "event");
  const { content } = ev;
  const known = TRANSACTION_EVENTS.has(ev.event_type) || INVOICE_EVENTS.has(ev.event_type);
  const rawInvoiceId =
    content.invoice && typeof content.invoice === "object"
      ? (content.invoice as { id?: unknown }).id
      : undefined;
  const ignored = (reason: string): Normalized => ({
    kind: "ignored",
    eventId: ev.id,
    eventType: ev.event_type,
    reason,
    ...(isInvoiceId(rawInvoiceId) ? { invoiceId: rawInvoiceId } : {}),
  });
  if (!known) return ignored(`Chargebee ${ev.event_type} events do not change the ledger`);

  const invoice = content.invoice ? parse(InvoiceSchema, content.invoice, "content.invoice") : null;
  const invoiceId = invoice ? invoiceIdOf(invoice.id, "content.invoice.id") : null;
  const commands = new Map<string, Omit<IngestCommand, "event">>();

  if (TRANSACTION_EVENTS.has(ev.event_type)) {
    if (!content.transaction) throw new MalformedPayload(`${ev.event_type} without content.transaction`);
    const txn = parse(TransactionSchema, content.transaction, "content.transaction");
    for (const [id, line] of transactionLines(txn, content, invoiceId)) commands.set(id, { lines: [line] });
  }
  if (invoice && invoiceId) {
    commands.set(invoiceId, {
      ...invoiceCommand(invoice, ev.event_type, ev.occurred_at),
      ...commands.get(invoiceId),
    });
  }
  if (commands.size === 0) {
    return ignored(`${ev.event_type}: no successful payment or refund applied to an invoice`);
  }
  return {
    kind: "events",
    eventId: ev.id,
    eventType: ev.event_type,
    invoices: [...commands].map(([id, command]) => ({ invoiceId: id, command })),
  };
}

export const chargebee: Provider<ChargebeeConfig> = {
  name: SOURCE,
  configSchema: ChargebeeConfigSchema,
  verify,
  normalize,
};
