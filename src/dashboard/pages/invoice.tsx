// GET /dashboard/invoices/{id}: one invoice from its own ledger (exact, not the index): facts and balance, lines,
// provider reports, anomalies, events, reminders, and the forms that act on it.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { readPage } from "../../api/cursor";
import { ledgerFor } from "../../ledger/client";
import { INVOICE_ID } from "../../ledger/invoice-id";
import type { InvoiceState } from "../../ledger/types";
import { notFound } from "../../lib/errors";
import { frameOf, tokenFor, viewerOf } from "../context";
import { type Form, newIdempotencyKey } from "../forms/form-fields";
import { FormError, Page } from "../layout";
import { respond } from "../respond";
import type { DashEnv } from "../types";
import { InvoiceDetails } from "./invoice-details";
import { ButtonForm, PaymentForm, reversible, WriteOffForm } from "./invoice-forms";

/** Rows of each list shown on the page; the API pages through the rest. */
const LIST_LIMIT = 100;

export interface Rerender {
  error: string;
  status: ContentfulStatusCode;
  form: Form;
}

export const invoicePage = (c: Context<DashEnv>) => renderInvoice(c, c.req.param("invoiceId") ?? "");

export async function renderInvoice(c: Context<DashEnv>, invoiceId: string, rerender?: Rerender) {
  if (!INVOICE_ID.test(invoiceId)) throw notFound("Invoice");
  const v = viewerOf(c);
  const ledger = ledgerFor(c.env, v.merchantId, invoiceId);
  const state = await ledger.getInvoice();
  if (!state) throw notFound("Invoice");
  const page = { limit: LIST_LIMIT };
  const [lines, events, anomalies, reminders] = await Promise.all([
    readPage(c.env, v.merchantId, invoiceId, "lines", page),
    readPage(c.env, v.merchantId, invoiceId, "events", page),
    readPage(c.env, v.merchantId, invoiceId, "anomalies", page),
    readPage(c.env, v.merchantId, invoiceId, "reminders", page),
  ]);
  const base = `/dashboard/invoices/${encodeURIComponent(invoiceId)}`;
  const paths = {
    pay: `${base}/payments`,
    writeOff: `${base}/write-offs`,
    void: `${base}/void`,
    pause: `${base}/reminders/pause`,
    resume: `${base}/reminders/resume`,
  };
  const tok = (path: string) => tokenFor(c, path);
  const [payToken, writeOffToken, voidToken, pauseToken, resumeToken] = await Promise.all(
    [paths.pay, paths.writeOff, paths.void, paths.pause, paths.resume].map(tok),
  );
  const reversePath = (id: string) => `${base}/payments/${encodeURIComponent(id)}/reverse`;
  const resendPath = (id: string) => `${base}/reminders/${encodeURIComponent(id)}/resend`;
  const reverseTokens = new Map(
    await Promise.all(
      lines.items.filter(reversible).map(async (l) => [l.id, await tok(reversePath(l.id))] as const),
    ),
  );
  const resendTokens = new Map(
    await Promise.all(
      reminders.items
        .filter((r) => r.status === "failed")
        .map(async (r) => [r.id, await tok(resendPath(r.id))] as const),
    ),
  );
  const title = `Invoice ${state.facts.number ?? invoiceId}`;
  const frame = await frameOf(c, title, "Invoices");
  const payKey =
    rerender && typeof rerender.form.idempotency_key === "string" && rerender.form.idempotency_key
      ? rerender.form.idempotency_key
      : newIdempotencyKey();
  return respond(
    c,
    <Page {...frame}>
      <h1>{title}</h1>
      <FormError message={rerender?.error} />
      <InvoiceDetails
        s={state}
        v={v}
        lines={lines.items}
        events={events.items}
        anomalies={anomalies.items}
        reminders={reminders.items}
        more={{
          lines: lines.has_more,
          events: events.has_more,
          anomalies: anomalies.has_more,
          reminders: reminders.has_more,
        }}
        reverse={(l) => {
          const token = reverseTokens.get(l.id);
          return token ? (
            <ButtonForm
              path={reversePath(l.id)}
              token={token}
              label="Reverse payment"
              idemKey={newIdempotencyKey()}
            />
          ) : (
            <span class="muted">Fully reversed</span>
          );
        }}
        resend={(id) => {
          const token = resendTokens.get(id);
          return token ? (
            <ButtonForm path={resendPath(id)} token={token} label="Resend" idemKey={newIdempotencyKey()} />
          ) : null;
        }}
        reminderToggle={
          state.reminders === "paused" ? (
            <ButtonForm path={paths.resume} token={resumeToken!} label="Resume reminders" />
          ) : (
            <ButtonForm path={paths.pause} token={pauseToken!} label="Pause reminders" />
          )
        }
      />
      <h2>Actions</h2>
      <div class="forms">
        <PaymentForm s={state} path={paths.pay} token={payToken!} idemKey={payKey} form={rerender?.form} />
        <WriteOffForm path={paths.writeOff} token={writeOffToken!} idemKey={newIdempotencyKey()} />
        <div class="card">
          <h3>Void</h3>
          <p>A void invoice takes no further payments through the API and its reminders stop.</p>
          <ButtonForm path={paths.void} token={voidToken!} label="Void invoice" danger />
        </div>
      </div>
    </Page>,
    rerender?.status ?? 200,
  );
}

export type { InvoiceState };
