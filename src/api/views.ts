import type { Anomaly, InvoiceEvent, InvoiceState, Line, ListedLine } from "../ledger/types";

/** Our public JSON for an invoice: amounts are integers in minor units of `currency`. */
export function invoiceView(s: InvoiceState) {
  return {
    id: s.invoiceId,
    number: s.facts.number,
    currency: s.facts.currency,
    total: s.facts.total,
    amount_paid: s.balance.credited,
    amount_due: s.balance.amountDue,
    credit_balance: s.balance.creditBalance,
    written_off: s.balance.writtenOff,
    tds_withheld: s.totals.tds - s.totals.tdsReversed,
    transaction_charges: s.totals.fees,
    status: s.balance.status,
    due_date: s.facts.dueDate,
    customer: s.facts.customer,
    reminders: s.reminders,
    payments_count: s.totals.paymentsCount,
    anomalies_count: s.anomaliesCount,
    provider_reports: s.reports.map((r) => ({
      source: r.source,
      currency: r.currency,
      total: r.total,
      amount_paid: r.amountPaid,
      amount_due: r.amountDue,
      status: r.status,
      reported_at: r.reportedAt,
      mismatch: r.mismatch,
    })),
    voided_at: s.voidedAt,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}

export function lineView(l: Line) {
  return {
    id: l.id,
    kind: l.kind,
    source: l.source,
    external_id: l.externalId,
    amount: l.amount,
    tds: l.tds,
    transaction_charge: l.fee,
    currency: l.currency,
    method: l.method,
    reference: l.reference,
    notes: l.notes,
    paid_at: l.paidAt,
    reverses: l.reversesId,
    requested_amount: l.requestedAmount,
    duplicate_of: l.duplicateOf,
    idempotency_key: l.idempotencyKey,
    customer_reminder: l.remindCustomer,
    merchant_events: l.notifyMerchant,
    origin: l.origin,
    created_at: l.createdAt,
  };
}

/** A line of the invoice's lines list: a payment also says what reversals took back from it. */
export const listedLineView = (l: ListedLine) => ({ ...lineView(l), reversed_amount: l.reversed });

export const anomalyView = (a: Anomaly) => ({
  kind: a.kind,
  source: a.source,
  external_id: a.externalId,
  event_id: a.eventId,
  message: a.message,
  created_at: a.createdAt,
});

export const eventView = (e: InvoiceEvent) => ({
  source: e.source,
  event_id: e.eventId,
  event_type: e.eventType,
  verification: e.verification,
  outcome: e.outcome,
  detail: e.detail ? (JSON.parse(e.detail) as unknown) : null,
  raw_body: e.rawBody,
  received_at: e.receivedAt,
});
