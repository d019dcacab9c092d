// The book's rows as SQLite returns them, and their mapping to the ledger's vocabulary.

import type { ChangeLine } from "../../portfolio/change";
import { deriveBalance } from "../balance";
import type { InvoiceSnapshot, Line, LineAmounts, LineOrigin, ListedLine, Totals } from "../types";

export interface InvoiceRow extends Record<string, SqlStorageValue> {
  merchant_id: string;
  invoice_id: string;
  currency: string | null;
  total: number | null;
  due_date: string | null;
  number: string | null;
  customer_name: string | null;
  customer_email: string | null;
  customer_phone: string | null;
  voided_at: string | null;
  paid: number;
  tds: number;
  reversed: number;
  tds_reversed: number;
  written_off: number;
  adjusted: number;
  fees: number;
  payments_count: number;
  lines_count: number;
  anomalies_count: number;
  created_at: string;
  updated_at: string;
}

export interface LineRow extends Record<string, SqlStorageValue>, LineAmounts {
  seq: number;
  id: string;
  kind: Line["kind"];
  source: string;
  external_id: string;
  paid_at: string | null;
  reverses_id: string | null;
  requested_amount: number | null;
  duplicate_amount: number;
  duplicate_of: string | null;
  idempotency_key: string | null;
  remind_customer: number;
  notify_merchant: number;
  origin: string | null;
  event_id: string | null;
  created_at: string;
}

export const toLine = (r: LineRow): Line => ({
  id: r.id,
  seq: r.seq,
  kind: r.kind,
  source: r.source,
  externalId: r.external_id,
  amount: r.amount,
  tds: r.tds,
  fee: r.fee,
  currency: r.currency,
  method: r.method,
  reference: r.reference,
  notes: r.notes,
  paidAt: r.paid_at,
  reversesId: r.reverses_id,
  requestedAmount: r.requested_amount ?? r.amount,
  duplicateAmount: r.duplicate_amount,
  duplicateOf: r.duplicate_of,
  idempotencyKey: r.idempotency_key,
  remindCustomer: r.remind_customer !== 0,
  notifyMerchant: r.notify_merchant !== 0,
  origin: r.origin === null ? null : (JSON.parse(r.origin) as LineOrigin),
  eventId: r.event_id,
  createdAt: r.created_at,
});

/**
 * A page of lines; each payment with what reversals took back from it (one indexed lookup per payment).
 * `allocated`: whether the allocations table exists; without it nothing was taken back.
 */
export function listedLines(sql: SqlStorage, after: number, limit: number, allocated: boolean): ListedLine[] {
  const taken = allocated
    ? "(SELECT COALESCE(SUM(a.applied), 0) FROM reversal_allocations a WHERE a.payment_id = l.id)"
    : "0";
  return sql
    .exec<LineRow & { reversed_total: number | null }>(
      `SELECT l.*, CASE WHEN l.kind = 'payment' THEN ${taken} END AS reversed_total
       FROM lines l WHERE l.seq > ? ORDER BY l.seq LIMIT ?`,
      after,
      limit,
    )
    .toArray()
    .map((r) => ({ ...toLine(r), reversed: r.reversed_total }));
}

export const totalsOf = (r: InvoiceRow): Totals => ({
  paid: r.paid,
  tds: r.tds,
  reversed: r.reversed,
  tdsReversed: r.tds_reversed,
  writtenOff: r.written_off,
  adjusted: r.adjusted,
  fees: r.fees,
  paymentsCount: r.payments_count,
  linesCount: r.lines_count,
});

/** The invoice as the book knows it: everything but the providers' reports, which ingest keeps. */
export type BookState = InvoiceSnapshot;

export function stateOf(r: InvoiceRow): BookState {
  const totals = totalsOf(r);
  return {
    merchantId: r.merchant_id,
    invoiceId: r.invoice_id,
    facts: {
      currency: r.currency,
      total: r.total,
      dueDate: r.due_date,
      number: r.number,
      customer: { name: r.customer_name, email: r.customer_email, phone: r.customer_phone },
    },
    voidedAt: r.voided_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    totals,
    balance: deriveBalance(r.total, totals, r.voided_at !== null),
    anomaliesCount: r.anomalies_count,
  };
}

/** Writes a line; `waitsFor`: the payment a reversal names that has not arrived yet. */
export function insertLine(
  sql: SqlStorage,
  l: Line,
  waitsFor: { source: string; externalId: string } | null,
): number {
  return sql
    .exec<{ seq: number }>(
      `INSERT INTO lines (id, kind, source, external_id, amount, tds, fee, currency, method, reference, notes,
         paid_at, reverses_id, reverses_source, reverses_external_id, requested_amount, duplicate_amount,
         duplicate_of, idempotency_key, remind_customer, notify_merchant, origin, event_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
      l.id,
      l.kind,
      l.source,
      l.externalId,
      l.amount,
      l.tds,
      l.fee,
      l.currency,
      l.method,
      l.reference,
      l.notes,
      l.paidAt,
      l.reversesId,
      waitsFor?.source ?? null,
      waitsFor?.externalId ?? null,
      l.amount === l.requestedAmount ? null : l.requestedAmount,
      l.duplicateAmount,
      l.duplicateOf,
      l.idempotencyKey,
      l.remindCustomer ? 1 : 0,
      l.notifyMerchant ? 1 : 0,
      l.origin ? JSON.stringify(l.origin) : null,
      l.eventId,
      l.createdAt,
    )
    .one().seq;
}

/** A line as the change record carries it (src/portfolio/change.ts). */
export const changeLine = (l: Line): ChangeLine => ({
  id: l.id,
  kind: l.kind,
  source: l.source,
  amount: l.amount,
  tds: l.tds,
  currency: l.currency,
  method: l.method,
  reference: l.reference,
  reverses: l.reversesId,
});
