// What the invoice page shows of the ledger: balance, lines, provider reports, anomalies, events, reminders.
import type { Child } from "hono/jsx";
import type { Anomaly, InvoiceEvent, InvoiceState, ListedLine } from "../../ledger/types";
import type { Reminder } from "../../reminders/types";
import type { Viewer } from "../context";
import { formatDay, formatInstant, formatMoney, STATUS_LABEL } from "../format";
import { Section } from "../layout";
import { Listing } from "../table-head";

interface Props {
  s: InvoiceState;
  v: Viewer;
  lines: ListedLine[];
  events: InvoiceEvent[];
  anomalies: Anomaly[];
  reminders: Reminder[];
  more: Record<"lines" | "events" | "anomalies" | "reminders", boolean>;
  reverse: (payment: ListedLine) => Child;
  resend: (reminderId: string) => Child;
  reminderToggle: Child;
}

const More = ({ shown, path }: { shown: boolean; path: string }) =>
  shown ? (
    <p class="muted">{`Only the first rows are shown here; the API lists them all (${path}).`}</p>
  ) : null;

const Empty = ({ children }: { children: string }) => <p class="empty">{children}</p>;

export function InvoiceDetails(p: Props) {
  const { s, v } = p;
  const cur = s.facts.currency;
  const money = (minor: number | null) => formatMoney(minor, cur, v.locale);
  const when = (iso: string | null) => formatInstant(iso, v.timeZone, v.locale);
  return (
    <>
      <Section id="balance" title="Balance">
        <dl class="balance">
          <dt>Total</dt>
          <dd>{money(s.facts.total)}</dd>
          <dt>Amount paid</dt>
          <dd>{money(s.balance.credited)}</dd>
          <dt>Amount due</dt>
          <dd>{money(s.balance.amountDue)}</dd>
          <dt>Credit balance</dt>
          <dd>{money(s.balance.creditBalance)}</dd>
          <dt>Status</dt>
          <dd>{STATUS_LABEL[s.balance.status] ?? s.balance.status}</dd>
          <dt>Written off</dt>
          <dd>{money(s.balance.writtenOff)}</dd>
          <dt>TDS withheld</dt>
          <dd>{money(s.totals.tds - s.totals.tdsReversed)}</dd>
          <dt>Due date</dt>
          <dd>{formatDay(s.facts.dueDate, v.locale)}</dd>
          <dt>Customer</dt>
          <dd>{[s.facts.customer?.name, s.facts.customer?.email].filter(Boolean).join(", ") || "—"}</dd>
          <dt>Invoice id</dt>
          <dd>{s.invoiceId}</dd>
        </dl>
      </Section>
      <Section id="lines" title="Lines">
        <Listing
          items={p.lines}
          cols={["Recorded", "Kind", "Source", "#Amount", "#TDS", "Method", "Reference / notes", "Action"]}
          empty="No payments or other lines yet."
          row={(l) => [
            when(l.createdAt),
            l.kind.replace("_", " "),
            l.source,
            formatMoney(l.amount, l.currency, v.locale),
            formatMoney(l.tds, l.currency, v.locale),
            l.method ?? "—",
            [l.reference, l.notes].filter(Boolean).join(" · ") || "—",
            l.kind === "payment" ? p.reverse(l) : null,
          ]}
        />
        <More shown={p.more.lines} path={`GET /v1/invoices/${s.invoiceId}/payments`} />
      </Section>
      <Section id="reports" title="Provider reports">
        <Listing
          items={s.reports}
          cols={["Provider", "#Total", "#Paid", "#Due", "Reported", "Agrees with the ledger"]}
          empty="No provider has reported its own figures for this invoice."
          row={(r) => [
            r.source,
            formatMoney(r.total, r.currency, v.locale),
            formatMoney(r.amountPaid, r.currency, v.locale),
            formatMoney(r.amountDue, r.currency, v.locale),
            when(r.reportedAt),
            r.mismatch ? <strong>No: mismatch</strong> : "Yes",
          ]}
          rowClass={(r) => (r.mismatch ? "mismatch" : undefined)}
        />
      </Section>
      <Section id="anomalies" title="Anomalies">
        <Listing
          items={p.anomalies}
          cols={["When", "Kind", "Source", "What happened"]}
          empty="No anomalies."
          row={(a) => [when(a.createdAt), a.kind, a.source, a.message]}
        />
        <More shown={p.more.anomalies} path={`GET /v1/invoices/${s.invoiceId}/anomalies`} />
      </Section>
      <Section id="events" title="Events">
        {p.events.length === 0 ? (
          <Empty>No provider event has reached this invoice.</Empty>
        ) : (
          <ul>
            {p.events.map((e) => (
              <li>
                <details>
                  <summary>{`${when(e.receivedAt)} · ${e.source} · ${e.eventType ?? "event"} · ${e.outcome}`}</summary>
                  <p>{`Verified by ${e.verification}; event id ${e.eventId}`}</p>
                  <pre>{e.rawBody}</pre>
                </details>
              </li>
            ))}
          </ul>
        )}
        <More shown={p.more.events} path={`GET /v1/invoices/${s.invoiceId}/events`} />
      </Section>
      <Section id="reminders" title="Reminders">
        <div>
          {`Reminders are ${s.reminders}. `}
          {p.reminderToggle}
        </div>
        <Listing
          items={p.reminders}
          cols={["Day", "Reason", "Status", "#Attempts", "Last error", "Action"]}
          empty="No reminder has been recorded for this invoice."
          row={(r) => [
            formatDay(r.day, v.locale),
            r.reason.replace(/_/g, " "),
            r.status,
            r.attempts,
            r.lastError ?? "—",
            r.status === "failed" ? p.resend(r.id) : null,
          ]}
        />
        <More shown={p.more.reminders} path={`GET /v1/invoices/${s.invoiceId}/reminders`} />
      </Section>
    </>
  );
}
