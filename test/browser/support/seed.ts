// The data the browser tests see, made through the real admin and /v1 APIs (and a real signed webhook).
import { readFileSync } from "node:fs";
import { type Api, type Merchant, uniqueId, want } from "./api";

/** The README's quick start, request for request: merchant acme "Acme Traders", INV-1001 partly paid. */
export async function seedQuickStart(api: Api) {
  const acme = await api.createMerchant("acme", "Acme Traders");
  await api.putInvoice(acme.key, "INV-1001", {
    currency: "INR",
    total: 479030,
    due_date: "2026-12-15",
    number: "1001",
    customer: { name: "Gaurav Kumar", email: "gaurav@example.com" },
  });
  await api.pay(
    acme.key,
    "INV-1001",
    { amount: 200000, tds: 10000, method: "cheque", reference: "000123" },
    "cheque-000123",
  );
  const invoice = await api.invoice(acme.key, "INV-1001");
  if (invoice.amount_paid !== 210000 || invoice.amount_due !== 269030 || invoice.status !== "partially_paid")
    throw new Error(`the quick start does not answer as the README shows: ${JSON.stringify(invoice)}`);
  await api.waitIndexed(acme.key, "INV-1001");
  return { id: acme.id, key: acme.key, invoiceId: "INV-1001" };
}

/** The secret a merchant's Razorpay dashboard shows, and one it does not (a delivery signed with it fails). */
export const RAZORPAY_SECRET = "rzp-browser-secret-current";
export const WRONG_SECRET = "rzp-browser-secret-stale";

const sample = JSON.parse(
  readFileSync(new URL("../../fixtures/razorpay/invoice.partially_paid.json", import.meta.url), "utf8"),
);

/**
 * A Razorpay invoice.partially_paid event (shaped like the published sample) for one of our invoices. Razorpay's
 * invoice facts replace ours (README, Razorpay), so the event carries the invoice's own number, due date and
 * customer, and only the figures differ.
 */
export function razorpayPayment(o: {
  invoiceId: string;
  paymentId: string;
  amount: number;
  total: number;
  paid: number;
  number?: string;
}) {
  const e = structuredClone(sample);
  e.payload.payment.entity = {
    ...e.payload.payment.entity,
    id: o.paymentId,
    amount: o.amount,
    invoice_id: o.invoiceId,
  };
  e.payload.invoice.entity = {
    ...e.payload.invoice.entity,
    id: o.invoiceId,
    invoice_number: o.number ?? null,
    customer_details: { ...e.payload.invoice.entity.customer_details, ...CUSTOMER_DETAILS },
    expire_by: Date.parse("2027-02-15T00:00:00Z") / 1000,
    amount: o.total,
    amount_paid: o.paid,
    amount_due: o.total - o.paid,
    status: "partially_paid",
  };
  return e;
}

const CUSTOMER = { name: "Priya Sharma", email: "priya@example.com" };
const CUSTOMER_DETAILS = { ...CUSTOMER, contact: "9000090001" };

export interface Portfolio {
  merchant: Merchant;
  /** Partly paid through the API: INR 1,000.00 total, 400.00 paid. */
  partly: string;
  /** Unpaid. */
  open: string;
  /** Paid in part by Razorpay, whose own figures disagree with the ledger (a provider mismatch). */
  mismatch: string;
}

/**
 * A merchant of its own for one test: Razorpay configured, a partly paid invoice, an open one, and one whose
 * provider reports other figures than the ledger. Each test that changes data makes its own.
 */
export async function seedPortfolio(api: Api, name = "Globex Supplies"): Promise<Portfolio> {
  const merchant = await api.createMerchant(uniqueId("globex"), name, {
    providers: { razorpay: { webhook_secrets: [RAZORPAY_SECRET] } },
  });
  const customer = CUSTOMER;
  const partly = "GX-2001";
  const open = "GX-2002";
  const mismatch = "inv_GX2003";
  await api.putInvoice(merchant.key, partly, {
    currency: "INR",
    total: 100000,
    due_date: "2026-12-20",
    number: "2001",
    customer,
  });
  await api.pay(merchant.key, partly, { amount: 40000, method: "bank_transfer", reference: "NEFT-77" });
  await api.putInvoice(merchant.key, open, {
    currency: "INR",
    total: 250000,
    due_date: "2027-01-10",
    number: "2002",
    customer,
  });
  await api.putInvoice(merchant.key, mismatch, { currency: "INR", total: 300000, number: "2003", customer });
  // Razorpay says 150.00 of 3,000.00 is paid after its 100.00 payment: not what the ledger holds.
  const event = razorpayPayment({
    invoiceId: mismatch,
    paymentId: uniqueId("pay"),
    amount: 10000,
    total: 300000,
    paid: 15000,
    number: "2003",
  });
  const delivered = await api.razorpay(merchant.id, event, RAZORPAY_SECRET);
  want(delivered, [200], "razorpay delivery");
  for (const id of [partly, open, mismatch]) await api.waitIndexed(merchant.key, id);
  return { merchant, partly, open, mismatch };
}
