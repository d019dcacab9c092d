import type { InvoiceSnapshot } from "../ledger/types";
import { formatMoney } from "../money/amount";
import type { ReminderReason } from "./types";

/** The JSON body POSTed to the merchant, in the Standard Webhooks envelope ({type, timestamp, data}). */
export interface ReminderPayload {
  type: "invoice.reminder";
  timestamp: string;
  data: {
    reminder_id: string;
    /** A merchant's resend: the reminder it sends again; null otherwise. */
    resend_of: string | null;
    reason: ReminderReason;
    day: string;
    merchant_id: string;
    invoice: {
      id: string;
      number: string | null;
      status: string;
      currency: string;
      total: number;
      amount_paid: number;
      amount_paid_formatted: string;
      amount_due: number;
      amount_due_formatted: string;
      due_date: string | null;
    };
    customer: { name: string | null; email: string | null; phone: string | null };
  };
}

/**
 * Built from the ledger when the first delivery attempt starts, not when the reminder was recorded: a
 * payment that arrives in between is reflected, and a reminder for an invoice paid in the meantime is
 * cancelled instead of sent. Retries reuse the stored bytes, so one webhook-id always means one message.
 */
export function buildReminderPayload(
  reminder: { id: string; reason: ReminderReason; day: string; resend_of: string | null },
  s: InvoiceSnapshot,
  now: number,
): ReminderPayload {
  const currency = s.facts.currency;
  const total = s.facts.total;
  const due = s.balance.amountDue;
  if (currency === null || total === null || due === null) {
    throw new Error("A reminder needs an invoice with a currency and a total");
  }
  return {
    type: "invoice.reminder",
    timestamp: new Date(now).toISOString(),
    data: {
      reminder_id: reminder.id,
      resend_of: reminder.resend_of,
      reason: reminder.reason,
      day: reminder.day,
      merchant_id: s.merchantId,
      invoice: {
        id: s.invoiceId,
        number: s.facts.number,
        status: s.balance.status,
        currency,
        total,
        amount_paid: s.balance.credited,
        amount_paid_formatted: formatMoney(s.balance.credited, currency),
        amount_due: due,
        amount_due_formatted: formatMoney(due, currency),
        due_date: s.facts.dueDate,
      },
      customer: { ...s.facts.customer },
    },
  };
}

/** Something is still owed and can be asked for: open or partially paid, with a positive amount due. */
export function isOwing(s: InvoiceSnapshot): boolean {
  const { status, amountDue } = s.balance;
  const known = s.facts.currency !== null && amountDue !== null;
  return known && (status === "open" || status === "partially_paid") && (amountDue ?? 0) > 0;
}
