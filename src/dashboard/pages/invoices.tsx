// GET /dashboard/invoices: GET /v1/invoices as a page: the same filters (a GET form), keyset paging, CSV export.
import type { Context } from "hono";
import { decodeListCursor, encodeListCursor } from "../../api/portfolio/list-cursor";
import { filtersOf } from "../../api/portfolio/portfolio.export";
import { indexFor } from "../../portfolio/consumer";
import { type Position, SORTS, STATUSES } from "../../portfolio/index-query";
import type { IndexedInvoice } from "../../portfolio/index-rows";
import { frameOf, viewerOf } from "../context";
import { formatDay, formatMoney, STATUS_LABEL } from "../format";
import { Page } from "../layout";
import { filtersQueryString, parseListing, type RawQuery, rawQuery } from "../listing-query";
import { respond } from "../respond";
import { Select } from "../select";
import { Head } from "../table-head";
import type { DashEnv } from "../types";
import { InvoiceLink } from "./invoice-link";

const SORT_LABEL: Record<string, string> = {
  due_date: "Due date, soonest first",
  "-due_date": "Due date, latest first",
  "-updated_at": "Recently changed first",
  "-amount_due": "Largest amount due first",
};

function Field({
  name,
  label,
  raw,
  type = "text",
  hint,
}: {
  name: keyof RawQuery;
  label: string;
  raw: RawQuery;
  type?: string;
  hint?: string;
}) {
  return (
    <div>
      <label for={`f-${name}`}>{label}</label>
      <input id={`f-${name}`} name={name} type={type} value={raw[name] ?? ""} placeholder={hint} />
    </div>
  );
}

function Check({
  name,
  label,
  raw,
}: {
  name: "has_anomalies" | "provider_mismatch" | "reminders_failed";
  label: string;
  raw: RawQuery;
}) {
  return (
    <div class="check">
      <input id={`f-${name}`} name={name} type="checkbox" value="true" checked={raw[name] === "true"} />
      <label for={`f-${name}`}>{label}</label>
    </div>
  );
}

function Filters({ raw }: { raw: RawQuery }) {
  return (
    <form method="get" action="/dashboard/invoices" class="filters" aria-label="Filter invoices">
      <Select
        id="f-status"
        name="status"
        label="Status"
        options={[["", "Any"], ...STATUSES.map((st) => [st, STATUS_LABEL[st] ?? st] as const)]}
        selected={raw.status ?? ""}
      />
      <Field name="currency" label="Currency" raw={raw} hint="INR" />
      <Field name="due_after" label="Due after" raw={raw} type="date" />
      <Field name="due_before" label="Due before" raw={raw} type="date" />
      <Field name="updated_after" label="Updated after" raw={raw} hint="2026-12-01T00:00:00Z" />
      <Field name="customer_email" label="Customer email" raw={raw} type="email" />
      <Field name="source" label="Source" raw={raw} hint="api, razorpay, ..." />
      <Field name="q" label="Search" raw={raw} type="search" hint="Invoice id or number" />
      <Select
        id="f-sort"
        name="sort"
        label="Sort"
        options={SORTS.map((so) => [so, SORT_LABEL[so] ?? so] as const)}
        selected={raw.sort ?? "due_date"}
      />
      <Check name="has_anomalies" label="Has anomalies" raw={raw} />
      <Check name="provider_mismatch" label="Provider mismatch" raw={raw} />
      <Check name="reminders_failed" label="Failed reminders" raw={raw} />
      <div>
        <button type="submit">Apply filters</button>
      </div>
    </form>
  );
}

export async function invoicesPage(c: Context<DashEnv>) {
  const v = viewerOf(c);
  const raw = rawQuery(c.req.query());
  const parsed = parseListing(raw);
  const frame = await frameOf(c, "Invoices", "Invoices");
  let items: IndexedInvoice[] = [];
  let next: string | null = null;
  if (parsed.ok) {
    const page = await indexFor(c.env, v.merchantId).list({
      filters: filtersOf(parsed.query),
      sort: parsed.query.sort,
      limit: parsed.query.limit,
      after: await decodeListCursor(v.merchantId, parsed.query),
    });
    items = page.items;
    next = await encodeListCursor(page.next as Position | null, v.merchantId, parsed.query);
  }
  const qs = filtersQueryString(raw);
  const money = (minor: number | null, currency: string | null) => formatMoney(minor, currency, v.locale);
  return respond(
    c,
    <Page {...frame}>
      <h1>Invoices</h1>
      <Filters raw={raw} />
      {!parsed.ok && (
        <div role="alert" class="alert">
          <p>These filters could not be applied:</p>
          <ul>
            {parsed.messages.map((m) => (
              <li>{m}</li>
            ))}
          </ul>
        </div>
      )}
      <p>
        <a href={`/dashboard/invoices.csv${qs ? `?${qs}` : ""}`}>Export CSV</a>
      </p>
      {parsed.ok && items.length === 0 ? (
        <p class="empty">No invoice matches these filters.</p>
      ) : (
        <table>
          <Head
            cols={["Invoice", "Customer", "Status", "Due", "#Total", "#Paid", "#Due now", "#Anomalies"]}
          />
          <tbody>
            {items.map((i) => (
              <tr class={i.providerMismatch ? "mismatch" : undefined}>
                <td>
                  <InvoiceLink id={i.id} number={i.number} />
                </td>
                <td>{i.customer.name ?? i.customer.email ?? "—"}</td>
                <td>{STATUS_LABEL[i.status] ?? i.status}</td>
                <td>{formatDay(i.dueDate, v.locale)}</td>
                <td class="num">{money(i.total, i.currency)}</td>
                <td class="num">{money(i.amountPaid, i.currency)}</td>
                <td class="num">{money(i.amountDue, i.currency)}</td>
                <td class="num">{i.anomaliesCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <p>
          <a href={`/dashboard/invoices?${qs ? `${qs}&` : ""}cursor=${encodeURIComponent(next)}`}>
            Next page
          </a>
        </p>
      )}
    </Page>,
    parsed.ok ? 200 : 422,
  );
}
