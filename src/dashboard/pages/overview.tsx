// GET /dashboard: what is outstanding and how old, what needs attention, what failed.
import type { Context } from "hono";
import {
  agingOf,
  FAILED_REMINDERS_DAYS,
  failedMerchantEvents,
  failedReminders,
  needsAttention,
  refusedLastDay,
} from "../attention";
import { AgingChart, BUCKETS } from "../chart";
import { frameOf, viewerOf } from "../context";
import { formatInstant, formatMoney, todayIn } from "../format";
import { Page, Section } from "../layout";
import { respond } from "../respond";
import { Listing } from "../table-head";
import type { DashEnv } from "../types";
import { InvoiceLink } from "./invoice-link";

const Empty = ({ children }: { children: string }) => <p class="empty">{children}</p>;

export async function overviewPage(c: Context<DashEnv>) {
  const v = viewerOf(c);
  const asOf = todayIn(v.timeZone);
  const [aging, attention, failed, refused, failedEvents, frame] = await Promise.all([
    agingOf(c.env, v.merchantId, asOf),
    needsAttention(c.env, v.merchantId),
    failedReminders(c.env, v.merchantId),
    refusedLastDay(c.env, v.merchantId),
    failedMerchantEvents(c.env, v.merchantId),
    frameOf(c, "Overview", "Overview"),
  ]);
  const money = (minor: number, currency: string) => formatMoney(minor, currency, v.locale);
  return respond(
    c,
    <Page {...frame}>
      <h1>Overview</h1>
      <Section id="outstanding" title="Outstanding">
        <Listing
          items={aging.currencies}
          cols={["Currency", "#Outstanding", "#Invoices owing", "#Credit balance"]}
          empty="No invoices yet."
          caption={`As of ${asOf} (${v.timeZone}); the listing may lag the ledgers by a few seconds.`}
          row={(a) => [
            a.currency,
            money(a.total_outstanding, a.currency),
            a.outstanding_count,
            money(a.total_credit_balance, a.currency),
          ]}
          rowHeader
        />
        {aging.unknownCurrencyCount > 0 && (
          <p>{`${aging.unknownCurrencyCount} invoice(s) first heard of through a payment have no total yet.`}</p>
        )}
      </Section>
      <Section id="aging" title="Aging">
        {aging.currencies.length === 0 ? (
          <Empty>Nothing is due.</Empty>
        ) : (
          aging.currencies.map((a) => (
            <div>
              <AgingChart aging={a} locale={v.locale} />
              <Listing
                items={[...BUCKETS]}
                cols={["Age", "#Amount due", "#Invoices"]}
                empty=""
                caption={`Aging in ${a.currency}`}
                rowHeader
                row={([k, label]) => [label, money(a.buckets[k].amount_due, a.currency), a.buckets[k].count]}
              />
            </div>
          ))
        )}
      </Section>
      <Section id="attention" title="Needs attention">
        <Listing
          items={attention}
          cols={["Invoice", "#Anomalies", "Provider mismatch", "Updated"]}
          empty="No invoice has anomalies or a provider mismatch."
          row={(i) => [
            <InvoiceLink id={i.id} number={i.number} />,
            i.anomaliesCount,
            i.providerMismatch ? "Yes" : "No",
            formatInstant(i.updatedAt, v.timeZone, v.locale),
          ]}
        />
      </Section>
      <Section id="failed-reminders" title="Failed reminders">
        <Listing
          items={failed}
          cols={["Last failed at", "Invoice", "Customer", "#Failed reminders", "#Amount due"]}
          empty={`No customer reminder that failed in the last ${FAILED_REMINDERS_DAYS} days is still failing.`}
          row={(f) => [
            formatInstant(f.failedAt, v.timeZone, v.locale),
            <InvoiceLink id={f.invoice.id} number={f.invoice.number} />,
            f.invoice.customer.name ?? f.invoice.customer.email ?? "—",
            f.invoice.remindersFailed,
            formatMoney(f.invoice.amountDue, f.invoice.currency, v.locale),
          ]}
        />
        <p class="muted">
          A failure is listed until a resend of it is delivered or the invoice owes nothing more. Each
          invoice's page lists its reminders, with Resend for failed ones.{" "}
          <a href="/dashboard/invoices?reminders_failed=true">Every invoice with a failed reminder</a>,
          whenever it failed.
        </p>
      </Section>
      <Section id="failed-events" title="Failed merchant events">
        <Listing
          items={failedEvents}
          cols={["Failed at", "Event", "Invoice", "Endpoint", "Reason"]}
          empty="No merchant event failed."
          row={(e) => [
            formatInstant(e.failedAt, v.timeZone, v.locale),
            e.type,
            <InvoiceLink id={e.invoiceId} number={null} />,
            e.endpoint,
            e.reason ?? "—",
          ]}
        />
      </Section>
      <Section id="refused" title="Refused deliveries (last 24 hours)">
        <Listing
          items={refused.items}
          cols={["Received", "Provider", "Reason", "#Status"]}
          empty="No webhook delivery was refused in the last 24 hours."
          row={(d) => [
            formatInstant(new Date(d.receivedAt).toISOString(), v.timeZone, v.locale),
            d.provider,
            d.reason ?? "—",
            d.status,
          ]}
        />
        <p>
          <a href="/dashboard/deliveries?outcome=refused">All refused deliveries</a>
        </p>
      </Section>
    </Page>,
  );
}
