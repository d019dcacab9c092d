// The invoices page's GET form read with GET /v1/invoices' own schema (ListQuerySchema), so every filter,
// its validation and its messages are the API's. A form sends empty fields as ""; those mean "not set".
import { ListQuerySchema } from "../api/portfolio/portfolio.schemas";

export type ListingQuery = ReturnType<typeof ListQuerySchema.parse>;

export const FILTER_NAMES = [
  "status",
  "currency",
  "due_after",
  "due_before",
  "updated_after",
  "customer_email",
  "source",
  "q",
  "sort",
  "has_anomalies",
  "provider_mismatch",
  "reminders_failed",
] as const;

export type RawQuery = Partial<Record<(typeof FILTER_NAMES)[number] | "cursor" | "limit", string>>;

/** The form's fields that were filled in, and nothing else (unknown parameters are ignored, as links carry them). */
export function rawQuery(all: Record<string, string>): RawQuery {
  const out: RawQuery = {};
  for (const name of [...FILTER_NAMES, "cursor", "limit"] as const) {
    const value = all[name]?.trim();
    if (value) out[name] = value;
  }
  return out;
}

export function parseListing(
  raw: RawQuery,
): { ok: true; query: ListingQuery } | { ok: false; messages: string[] } {
  const parsed = ListQuerySchema.safeParse({ limit: "25", ...raw });
  if (parsed.success) return { ok: true, query: parsed.data };
  return {
    ok: false,
    messages: parsed.error.issues.map(
      (i) => `${LABELS[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`,
    ),
  };
}

/** The visible label of each field, for error messages that name what the merchant sees. */
export const LABELS: Record<string, string> = {
  status: "Status",
  currency: "Currency",
  due_after: "Due after",
  due_before: "Due before",
  updated_after: "Updated after",
  customer_email: "Customer email",
  source: "Source",
  q: "Search",
  sort: "Sort",
  has_anomalies: "Has anomalies",
  provider_mismatch: "Provider mismatch",
  reminders_failed: "Failed reminders",
  cursor: "Page",
  limit: "Page size",
};

/** The same filters as a query string (for the next page and the CSV link); the cursor is added separately. */
export const filtersQueryString = (raw: RawQuery) =>
  new URLSearchParams(
    Object.entries(raw).filter(([k, v]) => v !== undefined && k !== "cursor" && k !== "limit") as [
      string,
      string,
    ][],
  ).toString();
