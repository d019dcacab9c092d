// The invoice page's forms. Each runs exactly what the API's handler runs: the same validated body (the API's
// zod schemas), the same ledger command on the invoice's object, the same Idempotency-Key scope ("api") bound to
// the same operation and body, the same refusal codes and statuses (unwrap). Then POST/redirect/GET with a flash.
import type { Context, Hono } from "hono";
import { WriteOffCreateSchema } from "../../api/corrections/corrections.routes";
import { unwrap } from "../../api/ledger-client";
import { paymentCommand } from "../../api/payments/payments.handlers";
import { PaymentCreateSchema, ReverseSchema } from "../../api/payments/payments.routes";
import { idempotency, ledgerFor } from "../../ledger/client";
import { ApiError, notFound } from "../../lib/errors";
import { settleOutcome } from "../../lib/replay";
import { parseAmountInput } from "../amount-input";
import { type FlashCode, withFlash } from "../flash";
import { renderInvoice } from "../pages/invoice";
import type { DashEnv } from "../types";
import { type Form, firstIssue, idempotencyKeyOf, text } from "./form-fields";

const invoicePath = (id: string) => `/dashboard/invoices/${encodeURIComponent(id)}`;
const refuse = (message: string) => new ApiError(422, "validation_failed", message);

type Action = (ctx: {
  c: Context<DashEnv>;
  invoiceId: string;
  merchantId: string;
  form: Form;
}) => Promise<FlashCode>;

/** Runs an action; a refusal re-renders the invoice page with the API's message and status, the form kept. */
const handle = (action: Action) => async (c: Context<DashEnv>) => {
  const invoiceId = c.req.param("invoiceId") ?? "";
  const form = (await c.req.parseBody()) as Form;
  try {
    const code = await action({ c, invoiceId, merchantId: c.get("merchantId")!, form });
    return c.redirect(withFlash(invoicePath(invoiceId), code), 303);
  } catch (err) {
    if (!(err instanceof ApiError) || err.code === "not_found") throw err;
    c.set("outcome", `rejected:${err.code}`);
    return renderInvoice(c, invoiceId, { error: err.message, status: err.status, form });
  }
};

const recordPayment: Action = async ({ c, invoiceId, merchantId, form }) => {
  const ledger = ledgerFor(c.env, merchantId, invoiceId);
  const state = await ledger.getInvoice();
  if (!state) throw notFound("Invoice");
  // An invoice without a total yet has no currency to read the amount in; the ledger refuses it (409) below.
  const currency = state.facts.currency ?? "XXX";
  const amount = state.facts.currency
    ? parseAmountInput("Amount", text(form, "amount"), currency)
    : { ok: true as const, minor: undefined };
  if (!amount.ok) throw refuse(amount.message);
  const tds = state.facts.currency
    ? parseAmountInput("TDS withheld", text(form, "tds"), currency)
    : { ok: true as const, minor: undefined };
  if (!tds.ok) throw refuse(tds.message);
  const parsed = PaymentCreateSchema.safeParse({
    ...(amount.minor === undefined ? {} : { amount: amount.minor }),
    ...(tds.minor === undefined ? {} : { tds: tds.minor }),
    method: text(form, "method") || undefined,
    reference: text(form, "reference").trim() || null,
  });
  if (!parsed.success) throw refuse(firstIssue(parsed.error));
  const body = parsed.data;
  const idem = await idempotency("api", idempotencyKeyOf(form), `payment ${invoiceId}`, body);
  const { replayed } = unwrap(await ledger.recordPayment(paymentCommand(body), idem));
  settleOutcome(c, replayed, "applied");
  return "payment_recorded";
};

const reversePayment: Action = async ({ c, invoiceId, merchantId, form }) => {
  const paymentId = c.req.param("paymentId") ?? "";
  const body = ReverseSchema.parse({ reason: null });
  const idem = await idempotency("api", idempotencyKeyOf(form), `reverse ${invoiceId} ${paymentId}`, body);
  const { replayed } = unwrap(
    await ledgerFor(c.env, merchantId, invoiceId).reversePayment(
      paymentId,
      { source: "api", reason: body.reason },
      idem,
    ),
  );
  settleOutcome(c, replayed, "reversed");
  return "payment_reversed";
};

const writeOff: Action = async ({ c, invoiceId, merchantId, form }) => {
  const parsed = WriteOffCreateSchema.safeParse({ reason: text(form, "reason") });
  if (!parsed.success) throw refuse(firstIssue(parsed.error).replace(/^reason/, "Reason"));
  const body = parsed.data;
  const idem = await idempotency("api", idempotencyKeyOf(form), `write_off ${invoiceId}`, body);
  const { replayed } = unwrap(
    await ledgerFor(c.env, merchantId, invoiceId).writeOff(
      { source: "api", amount: body.amount, currency: body.currency, reason: body.reason },
      idem,
    ),
  );
  settleOutcome(c, replayed, "applied");
  return "written_off";
};

const voidInvoice: Action = async ({ c, invoiceId, merchantId }) => {
  unwrap(await ledgerFor(c.env, merchantId, invoiceId).voidInvoice());
  c.set("outcome", "voided");
  return "voided";
};

const setReminders =
  (state: "paused" | "active"): Action =>
  async ({ c, invoiceId, merchantId }) => {
    unwrap(await ledgerFor(c.env, merchantId, invoiceId).patchInvoice({ merchantId, invoiceId }, {}, state));
    c.set("outcome", "updated");
    return state === "paused" ? "reminders_paused" : "reminders_resumed";
  };

const resendReminder: Action = async ({ c, invoiceId, merchantId, form }) => {
  const reminderId = c.req.param("reminderId") ?? "";
  const idem = await idempotency("api", idempotencyKeyOf(form), `resend ${invoiceId} ${reminderId}`, {});
  const { replayed } = unwrap(await ledgerFor(c.env, merchantId, invoiceId).resendReminder(reminderId, idem));
  settleOutcome(c, replayed, "resent");
  return "reminder_resent";
};

export function invoiceActions(app: Hono<DashEnv>) {
  app.post("/invoices/:invoiceId/payments", handle(recordPayment));
  app.post("/invoices/:invoiceId/payments/:paymentId/reverse", handle(reversePayment));
  app.post("/invoices/:invoiceId/write-offs", handle(writeOff));
  app.post("/invoices/:invoiceId/void", handle(voidInvoice));
  app.post("/invoices/:invoiceId/reminders/pause", handle(setReminders("paused")));
  app.post("/invoices/:invoiceId/reminders/resume", handle(setReminders("active")));
  app.post("/invoices/:invoiceId/reminders/:reminderId/resend", handle(resendReminder));
}
