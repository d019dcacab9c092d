/**
 * What an invoice id may be, wherever it comes from (our API, a dialect, a provider): what names a ledger
 * must also be readable through GET /v1/invoices/{invoiceId}. Chargebee ids may start with "_" (__demo_inv__1).
 */
export const INVOICE_ID = /^[A-Za-z0-9_][A-Za-z0-9._:-]{0,127}$/;

export const isInvoiceId = (v: unknown): v is string => typeof v === "string" && INVOICE_ID.test(v);
