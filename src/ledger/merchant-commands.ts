// The merchant's own commands (REST API and dialects): strict where providers are not. A command the
// rules refuse changes nothing and says why in a domain code; the edge turns codes into statuses.
import { randomId } from "../lib/crypto";
import { isPayable } from "./balance";
import type { Book } from "./book/book";
import {
  type AdjustmentCommand,
  type CommandResult,
  type InvoiceFacts,
  type InvoicePatch,
  type PaymentCommand,
  refuse,
  type WriteOffCommand,
} from "./commands";
import type { Note } from "./host";
import type { Balance, InvoiceRef, Line, LineInput } from "./types";

export function upsertInvoice(book: Book, ref: InvoiceRef, facts: InvoiceFacts): CommandResult<null> {
  const existing = book.row();
  if (existing && existing.lines_count > 0 && existing.currency !== facts.currency) {
    return refuse("currency_locked", `Invoice has lines in ${existing.currency}; its currency cannot change`);
  }
  book.writeFacts(ref, facts);
  return { ok: true, value: null, created: !existing };
}

/**
 * Changes only the facts sent (null clears due date, number or a customer field), then applies the
 * result under PUT's rules: the currency is locked once the invoice has lines.
 */
export function patchInvoice(book: Book, ref: InvoiceRef, patch: InvoicePatch): CommandResult<null> {
  const s = book.state();
  if (!s) return refuse("not_found", "Invoice not found");
  const f = s.facts;
  const currency = patch.currency ?? f.currency;
  const total = patch.total ?? f.total;
  if (currency === null || total === null) {
    return refuse(
      "invoice_total_unknown",
      "The invoice's currency and total are not known yet; send both (or PUT the whole invoice)",
    );
  }
  return upsertInvoice(book, ref, {
    currency,
    total,
    dueDate: patch.dueDate === undefined ? f.dueDate : patch.dueDate,
    number: patch.number === undefined ? f.number : patch.number,
    customer: { ...f.customer, ...patch.customer },
  });
}

/** The invoice a merchant's money command acts on: known, with a total and a currency, and what it owes. */
function knownInvoice(
  book: Book,
  currency: string | undefined,
  /** What a paid or overpaid invoice refuses ("accepts no payments"); absent: only void refuses. */
  unlessOwing?: string,
):
  | { ok: true; currency: string; balance: Balance; due: number }
  | Extract<CommandResult<never>, { ok: false }> {
  const row = book.row();
  if (!row) return refuse("not_found", "Invoice not found");
  if (row.total === null || row.currency === null) {
    // Known only through a provider's payment: "how much is due" has no answer yet.
    return refuse("invoice_total_unknown", "The invoice's total is not known yet; set it with PUT first");
  }
  const balance = book.state()!.balance;
  if (unlessOwing !== undefined && !isPayable(balance)) {
    return refuse("invoice_not_payable", `Invoice is ${balance.status}: ${unlessOwing}`);
  }
  if (balance.status === "void")
    return refuse("invoice_not_payable", "Invoice is void and takes no new lines");
  if (currency && currency !== row.currency) {
    return refuse("currency_mismatch", `Amount in ${currency} on an invoice in ${row.currency}`);
  }
  return { ok: true, currency: row.currency, balance, due: balance.amountDue ?? 0 };
}

/** Writes one line of the merchant's own: its id is always ours, so no key a client chooses can collide. */
function applyOwnLine(
  book: Book,
  input: Omit<LineInput, "externalId" | "currency">,
  currency: string,
  note: Note,
): CommandResult<Line> {
  // A client's key lives in its own table and is shown beside the line, never as its id.
  const outcome = book.applyLine({ ...input, externalId: randomId("req"), currency }, null, note);
  if (outcome.outcome === "conflict") return refuse("amount_out_of_range", outcome.reason);
  if (outcome.outcome !== "applied") throw new Error("a fresh request id was already recorded");
  return { ok: true, value: outcome.line };
}

export function recordPayment(
  book: Book,
  cmd: PaymentCommand,
  idempotencyKey: string | null,
  note: Note,
): CommandResult<Line> {
  const known = knownInvoice(book, cmd.currency, "it accepts no payments");
  if (!known.ok) return known;
  const { due } = known;
  const tds = cmd.tds ?? 0;
  const amount = cmd.amount ?? due - tds;
  if (amount < 0 || amount + tds <= 0)
    return refuse("invalid_amount", "The payment must credit a positive amount");
  if (amount + tds > due && !cmd.allowOverpayment) {
    return refuse(
      "amount_exceeds_due",
      `Payment of ${amount + tds} exceeds the ${due} due; send allow_overpayment: true to record it anyway`,
    );
  }
  const line = {
    kind: "payment" as const,
    source: cmd.source,
    idempotencyKey,
    amount,
    tds,
    fee: cmd.fee ?? 0,
    method: cmd.method ?? null,
    reference: cmd.reference ?? null,
    notes: cmd.notes ?? null,
    paidAt: cmd.paidAt ?? null,
    remindCustomer: cmd.remindCustomer ?? true,
    notifyMerchant: cmd.notifyMerchant ?? true,
    origin: cmd.origin ?? null,
  };
  return applyOwnLine(book, line, known.currency, note);
}

/**
 * Writes off part or all of what is still due: it stops being owed without being credited. Only an
 * invoice with something due takes one, and never for more than is due.
 */
export function writeOff(
  book: Book,
  cmd: WriteOffCommand,
  idempotencyKey: string | null,
  note: Note,
): CommandResult<Line> {
  const known = knownInvoice(book, cmd.currency, "nothing is due to write off");
  if (!known.ok) return known;
  const { due } = known;
  const amount = cmd.amount ?? due;
  if (amount <= 0) return refuse("invalid_amount", "A write-off must be a positive amount");
  if (amount > due) return refuse("amount_exceeds_due", `Write-off of ${amount} exceeds the ${due} due`);
  const line = { kind: "write_off" as const, source: cmd.source, idempotencyKey, amount, notes: cmd.reason };
  return applyOwnLine(book, line, known.currency, note);
}

/**
 * A signed correction of what the invoice has been credited. Positive: credits at most what is due (an
 * overpayment is a payment's decision, with allow_overpayment). Negative: takes back at most what is
 * credited, so credited never goes below zero; it may reopen a paid invoice.
 */
export function adjust(
  book: Book,
  cmd: AdjustmentCommand,
  idempotencyKey: string | null,
  note: Note,
): CommandResult<Line> {
  const known = knownInvoice(book, cmd.currency);
  if (!known.ok) return known;
  const { balance, due } = known;
  if (!Number.isSafeInteger(cmd.amount) || cmd.amount === 0) {
    return refuse("invalid_amount", "An adjustment is a non-zero whole number of minor units");
  }
  if (cmd.amount > due) {
    return refuse("amount_exceeds_due", `Adjustment of ${cmd.amount} exceeds the ${due} due`);
  }
  if (balance.credited + cmd.amount < 0) {
    return refuse(
      "amount_exceeds_credited",
      `Adjustment of ${cmd.amount} takes back more than the ${balance.credited} credited`,
    );
  }
  const line = {
    kind: "adjustment" as const,
    source: cmd.source,
    idempotencyKey,
    amount: cmd.amount,
    notes: cmd.reason,
  };
  return applyOwnLine(book, line, known.currency, note);
}

/**
 * Takes back what is left of a payment after every reversal so far, from any source (a partial refund the
 * provider reported, say); once nothing is left, already_reversed.
 */
export function reversePayment(
  book: Book,
  lineId: string,
  input: { source: string; reason?: string | null },
  note: Note,
): CommandResult<Line> {
  if (!book.row()) return refuse("not_found", "Invoice not found");
  const target = book.lineById(lineId);
  if (target?.kind !== "payment") return refuse("not_found", "Payment not found");
  const standing = book.standingOf(target);
  if (standing <= 0) return refuse("already_reversed", "This payment has already been reversed");
  const outcome = book.applyLine(
    {
      kind: "reversal",
      source: input.source,
      // Ours alone: client keys never become line ids. The API reverses a payment at most once, since
      // that reversal takes back everything left.
      externalId: `reversal:${lineId}`,
      amount: standing,
      currency: target.currency,
      method: target.method,
      reference: target.reference,
      notes: input.reason ?? null,
      reverses: { lineId },
    },
    null,
    note,
  );
  if (outcome.outcome !== "applied")
    return refuse("already_reversed", "This payment has already been reversed");
  return { ok: true, value: outcome.line };
}

export function voidInvoice(book: Book): CommandResult<null> {
  const row = book.row();
  if (!row) return refuse("not_found", "Invoice not found");
  book.void(new Date().toISOString());
  return { ok: true, value: null };
}
