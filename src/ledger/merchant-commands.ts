// The merchant's own commands (REST API and dialects): strict where providers are not. A command the
// rules refuse changes nothing and says why in a domain code; the edge turns codes into statuses.
import { randomId } from "../lib/crypto";
import { isPayable } from "./balance";
import type { Book } from "./book/book";
import {
  type CommandResult,
  type InvoiceFacts,
  type InvoicePatch,
  type PaymentCommand,
  refuse,
} from "./commands";
import type { Note } from "./host";
import type { InvoiceRef, Line } from "./types";

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

export function recordPayment(
  book: Book,
  cmd: PaymentCommand,
  idempotencyKey: string | null,
  note: Note,
): CommandResult<Line> {
  const row = book.row();
  if (!row) return refuse("not_found", "Invoice not found");
  if (row.total === null || row.currency === null) {
    // Known only through a provider's payment: "how much is due" has no answer yet.
    return refuse("invoice_total_unknown", "The invoice's total is not known yet; set it with PUT first");
  }
  const balance = book.state()!.balance;
  if (!isPayable(balance)) {
    return refuse("invoice_not_payable", `Invoice is ${balance.status} and accepts no payments`);
  }
  if (cmd.currency && cmd.currency !== row.currency) {
    return refuse("currency_mismatch", `Payment in ${cmd.currency} on an invoice in ${row.currency}`);
  }
  const tds = cmd.tds ?? 0;
  const due = balance.amountDue ?? 0;
  const amount = cmd.amount ?? due - tds;
  if (amount < 0 || amount + tds <= 0)
    return refuse("invalid_amount", "The payment must credit a positive amount");
  if (amount + tds > due && !cmd.allowOverpayment) {
    return refuse(
      "amount_exceeds_due",
      `Payment of ${amount + tds} exceeds the ${due} due; send allow_overpayment: true to record it anyway`,
    );
  }
  const outcome = book.applyLine(
    {
      kind: "payment",
      source: cmd.source,
      // Always an id of ours: a client's key lives in its own table, so no key a client chooses can
      // collide with a line's id. The key is shown beside it.
      externalId: randomId("req"),
      idempotencyKey,
      amount,
      currency: row.currency,
      tds,
      fee: cmd.fee ?? 0,
      method: cmd.method ?? null,
      reference: cmd.reference ?? null,
      notes: cmd.notes ?? null,
      paidAt: cmd.paidAt ?? null,
    },
    null,
    note,
  );
  if (outcome.outcome === "conflict") return refuse("amount_out_of_range", outcome.reason);
  if (outcome.outcome !== "applied") throw new Error("a fresh request id was already recorded");
  return { ok: true, value: outcome.line };
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
