// Ledger state shaped like Chargebee's invoice and transaction objects (research §4.3), amounts in
// Chargebee cents. A figure Chargebee cannot express (a third KWD decimal) is left out, never rounded.
import type { InvoiceState, Line } from "../../ledger/types";
import { minorToChargebee } from "../../providers/chargebee-amount";
import type { RecordPaymentInput } from "./record-payment-form";

const unix = (iso: string) => Math.floor(Date.parse(iso) / 1000);

function status(s: InvoiceState): string {
  switch (s.balance.status) {
    case "paid":
    case "overpaid":
      return "paid";
    case "void":
      return "voided";
    default:
      return "payment_due";
  }
}

function cents(minor: number | null, currency: string | null): number | undefined {
  if (minor === null || currency === null) return undefined;
  return minorToChargebee(minor, currency) ?? undefined;
}

export function chargebeeInvoice(s: InvoiceState) {
  const currency = s.facts.currency;
  return {
    id: s.invoiceId,
    object: "invoice",
    status: status(s),
    currency_code: currency ?? undefined,
    total: cents(s.facts.total, currency),
    amount_paid: cents(s.balance.credited, currency),
    amount_due: cents(s.balance.amountDue, currency),
    due_date: s.facts.dueDate ? unix(`${s.facts.dueDate}T00:00:00Z`) : undefined,
    date: unix(s.createdAt),
    updated_at: unix(s.updatedAt),
    resource_version: Date.parse(s.updatedAt),
    deleted: false,
  };
}

export function chargebeeTransaction(line: Line, invoice: InvoiceState, input: RecordPaymentInput) {
  return {
    id: line.id,
    object: "transaction",
    type: "payment",
    payment_method: input.paymentMethod,
    reference_number: input.referenceNumber ?? undefined,
    custom_payment_method_id: input.customPaymentMethodId ?? undefined,
    id_at_gateway: input.idAtGateway ?? undefined,
    gateway: "not_applicable",
    status: "success",
    date: unix(line.paidAt ?? line.createdAt),
    currency_code: line.currency,
    amount: cents(line.amount, line.currency),
    amount_unused: 0,
    linked_invoices: [
      {
        invoice_id: invoice.invoiceId,
        applied_amount: cents(line.amount, line.currency),
        applied_at: unix(line.createdAt),
        invoice_date: unix(invoice.createdAt),
        invoice_total: cents(invoice.facts.total, invoice.facts.currency),
        invoice_status: status(invoice),
      },
    ],
    deleted: false,
  };
}
