// Hostile input against the portfolio: listing, aging, export and the index repair. Every bad filter,
// sort, limit or cursor is a 422 in our error shape and changes nothing.
import { describe } from "vitest";
import { authCases, jsonBodyCases, type Route } from "./bodies";
import { admin, bearer, type Case, newIds, runCases, useWorld } from "./world";

const ids = newIds();
const world = useWorld(ids);

const verify: Route = {
  label: "POST index verify",
  method: "POST",
  path: `/admin/merchants/${ids.merchantId}/index/verify`,
  base: { limit: 10 },
  auth: admin,
  shape: "api",
  body: "optional",
  schemaStatus: 422,
  limit: 64 * 1024,
};

const badFilters: Array<[string, string]> = [
  ["unknown status", "status=late"],
  ["empty status", "status="],
  ["status with an empty part", "status=open,,paid"],
  ["status in upper case", "status=OPEN"],
  ["currency in lower case", "currency=inr"],
  ["unknown currency", "currency=XXX"],
  ["due_before not a day", "due_before=2026-02-30"],
  ["due_after a word", "due_after=tomorrow"],
  ["due_before with a time", "due_before=2026-01-01T00:00:00Z"],
  ["updated_after a date only", "updated_after=2026-01-01"],
  ["updated_after garbage", "updated_after=yesterday"],
  ["customer_email not an email", "customer_email=nobody"],
  ["source with a space", "source=razor%20pay"],
  ["source in upper case", "source=API"],
  ["has_anomalies yes", "has_anomalies=yes"],
  ["provider_mismatch 1", "provider_mismatch=1"],
  ["reminders_failed yes", "reminders_failed=yes"],
  ["empty q", "q="],
  ["q with a space", "q=INV%201"],
  ["q over 128 characters", `q=${"a".repeat(129)}`],
  ["unknown sort", "sort=amount_due"],
  ["sort with SQL", "sort=due_date%3B%20DROP%20TABLE%20invoices"],
  ["repeated sort", "sort=due_date&sort=-due_date"],
];

const listOnly: Array<[string, Case["path"]]> = [
  ["limit 0", "/v1/invoices?limit=0"],
  ["limit 201", "/v1/invoices?limit=201"],
  ["limit 1e2", "/v1/invoices?limit=1e2"],
  ["garbage cursor", "/v1/invoices?cursor=garbage"],
  ["cursor over 512 characters", `/v1/invoices?cursor=${"a".repeat(513)}`],
  [
    "a forged cursor",
    `/v1/invoices?cursor=${btoa('p1.000000000000000000000000.["2030-01-31","x"]').replace(/=+$/, "")}`,
  ],
  ["a lines cursor", (w) => `/v1/invoices?cursor=${w.cursors.lines}`],
];

const cases: Case[] = [
  ...badFilters.flatMap(([name, query]): Case[] => [
    {
      name: `GET invoices: ${name}`,
      method: "GET",
      path: `/v1/invoices?${query}`,
      auth: bearer,
      status: 422,
    },
    {
      name: `GET invoices.csv: ${name}`,
      method: "GET",
      path: `/v1/exports/invoices.csv?${query}`,
      auth: bearer,
      status: 422,
    },
  ]),
  ...listOnly.map(
    ([name, path]): Case => ({
      name: `GET invoices: ${name}`,
      method: "GET",
      path,
      auth: bearer,
      status: 422,
    }),
  ),
  ...["2026-13-01", "yesterday", "2026-1-1", ""].map(
    (d): Case => ({
      name: `GET aging: as_of ${d || "empty"}`,
      method: "GET",
      path: `/v1/reports/aging?as_of=${d}`,
      auth: bearer,
      status: 422,
    }),
  ),
  { name: "GET invoices: no credentials", method: "GET", path: "/v1/invoices", status: 401 },
  {
    name: "GET aging: the admin token is not an API key",
    method: "GET",
    path: "/v1/reports/aging",
    auth: admin,
    status: 401,
  },
  {
    name: "GET invoices.csv: wrong key",
    method: "GET",
    path: "/v1/exports/invoices.csv",
    headers: { authorization: "Bearer ilk_x" },
    status: 401,
  },
  ...jsonBodyCases(verify),
  ...authCases(verify),
  {
    name: "POST index verify: an API key is not the admin token",
    method: "POST",
    path: verify.path,
    auth: bearer,
    status: 401,
  },
  ...[
    ["limit 0", { limit: 0 }],
    ["limit 501", { limit: 501 }],
    ["limit as text", { limit: "5" }],
    ["empty cursor", { cursor: "" }],
    ["invoice id with a slash", { invoice_ids: ["../x"] }],
    ["101 invoice ids", { invoice_ids: Array.from({ length: 101 }, (_, i) => `i${i}`) }],
  ].map(
    ([name, body]): Case => ({
      name: `POST index verify: ${name}`,
      method: "POST",
      path: verify.path,
      raw: JSON.stringify(body),
      headers: { "content-type": "application/json" },
      auth: admin,
      status: 422,
    }),
  ),
  {
    name: "POST index verify: merchant id in upper case",
    method: "POST",
    path: "/admin/merchants/ACME/index/verify",
    auth: admin,
    status: 422,
  },
];

describe("hostile input: portfolio", () => {
  runCases(cases, world);
});
