// From an invoice's own state to the summary the change feed carries, and the kinds of a change.
import type { InvoiceState } from "../ledger/types";
import type { ReminderFailures } from "../reminders/types";
import { type ChangeKind, type ChangeLine, type InvoiceSummary, STATUS_KIND } from "./change";

export function summaryOf(
  s: InvoiceState,
  sources: readonly string[],
  failures: ReminderFailures,
): InvoiceSummary {
  return {
    id: s.invoiceId,
    number: s.facts.number,
    currency: s.facts.currency,
    total: s.facts.total,
    amountPaid: s.balance.credited,
    amountDue: s.balance.amountDue,
    creditBalance: s.balance.creditBalance,
    status: s.balance.status,
    dueDate: s.facts.dueDate,
    customer: { name: s.facts.customer.name, email: s.facts.customer.email },
    anomaliesCount: s.anomaliesCount,
    providerMismatch: s.reports.some((r) => r.mismatch),
    sources: [...new Set(sources)].sort(),
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    voidedAt: s.voidedAt,
    remindersFailed: failures.count,
    reminderFailedAt: failures.lastFailedAt,
  };
}

/** What the transaction did beyond what the two summaries show. */
export interface ChangeFacts {
  paymentsApplied: number;
  reversalsApplied: number;
  reminderFailed?: boolean;
  /**
   * False when every line this transaction wrote asked that the merchant not be told (Chargebee's
   * `chargebee-event-webhook: all-disabled`): the change still feeds the index, but sends no merchant event.
   */
  merchantEvents?: boolean;
  /** The lines written that the merchant may be told about. */
  lines?: readonly ChangeLine[];
}

export function kindsOf(prev: InvoiceSummary | null, next: InvoiceSummary, facts: ChangeFacts): ChangeKind[] {
  const kinds: ChangeKind[] = [];
  if (!prev) kinds.push("created");
  if (facts.paymentsApplied > 0) kinds.push("payment_recorded");
  if (facts.reversalsApplied > 0) kinds.push("payment_reversed");
  const statusKind = STATUS_KIND[next.status];
  if (statusKind && prev?.status !== next.status) kinds.push(statusKind);
  if (next.anomaliesCount > (prev?.anomaliesCount ?? 0)) kinds.push("anomaly_recorded");
  if (facts.reminderFailed) kinds.push("reminder_failed");
  return kinds.length > 0 ? kinds : ["updated"];
}

/** The balance fields every outward view of an invoice starts with (listing, CSV, merchant events). */
export const balanceView = (i: InvoiceSummary) => ({
  id: i.id,
  number: i.number,
  currency: i.currency,
  total: i.total,
  amount_paid: i.amountPaid,
  amount_due: i.amountDue,
  credit_balance: i.creditBalance,
  status: i.status,
  due_date: i.dueDate,
});
