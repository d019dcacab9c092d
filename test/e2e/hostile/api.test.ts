// Hostile input against the merchant API (/v1) and the admin API (/admin): every refusal is a 4xx with
// {"error": {code, message}} and changes nothing.
import { describe } from "vitest";
import { authCases, jsonBodyCases, type Route } from "./bodies";
import { admin, bearer, type Case, newIds, runCases, useWorld, type World } from "./world";

const ids = newIds();
const world = useWorld(ids);

const KIB64 = 64 * 1024;
const inv = `/v1/invoices/${ids.invoiceId}`;
const json = { "content-type": "application/json" };

/** A reminder of the world's invoice (skipped: its merchant has no notifications configured). */
const reminderOf = (w: World) =>
  (w.baseline as { reminders: { data: Array<{ id: string }> } }).reminders.data[0]?.id ?? "rem_none";
const resendPath = (w: World) => `${inv}/reminders/${reminderOf(w)}/resend`;

const routes: Route[] = [
  {
    label: "PUT invoice",
    method: "PUT",
    path: inv,
    base: { currency: "INR", total: 200000, due_date: "2030-02-28", number: "H-2" },
    auth: bearer,
    shape: "api",
    body: "required",
    schemaStatus: 422,
    limit: KIB64,
  },
  {
    label: "PATCH invoice",
    method: "PATCH",
    path: inv,
    base: { number: "H-1" },
    auth: bearer,
    shape: "api",
    body: "required",
    schemaStatus: 422,
    limit: KIB64,
  },
  {
    label: "POST resend",
    method: "POST",
    path: resendPath,
    base: {},
    auth: bearer,
    shape: "api",
    body: "none",
    schemaStatus: 422,
    limit: KIB64,
  },
  {
    label: "POST payment",
    method: "POST",
    path: `${inv}/payments`,
    base: { amount: 100 },
    auth: bearer,
    shape: "api",
    body: "required",
    schemaStatus: 422,
    limit: KIB64,
  },
  {
    label: "POST reverse",
    method: "POST",
    path: (w) => `${inv}/payments/${w.paymentId}/reverse`,
    base: { reason: "bounced" },
    auth: bearer,
    shape: "api",
    body: "optional",
    schemaStatus: 422,
    limit: KIB64,
  },
  {
    label: "POST write-off",
    method: "POST",
    path: `${inv}/write-offs`,
    base: { amount: 100, reason: "bank charge" },
    auth: bearer,
    shape: "api",
    body: "required",
    schemaStatus: 422,
    limit: KIB64,
  },
  {
    label: "POST adjustment",
    method: "POST",
    path: `${inv}/adjustments`,
    base: { amount: -100, reason: "recorded too high" },
    auth: bearer,
    shape: "api",
    body: "required",
    schemaStatus: 422,
    limit: KIB64,
  },
  {
    label: "POST void",
    method: "POST",
    path: `${inv}/void`,
    base: {},
    auth: bearer,
    shape: "api",
    body: "none",
    schemaStatus: 422,
    limit: KIB64,
  },
  {
    label: "PUT merchant",
    method: "PUT",
    path: `/admin/merchants/${ids.merchantId}`,
    base: { name: "Renamed" },
    auth: admin,
    shape: "api",
    body: "required",
    schemaStatus: 422,
    limit: KIB64,
  },
  {
    label: "PATCH merchant",
    method: "PATCH",
    path: `/admin/merchants/${ids.merchantId}`,
    base: { name: "Patched" },
    auth: admin,
    shape: "api",
    body: "required",
    schemaStatus: 422,
    limit: KIB64,
  },
  {
    label: "DELETE merchant",
    method: "DELETE",
    path: `/admin/merchants/${ids.merchantId}`,
    base: {},
    auth: admin,
    shape: "api",
    body: "none",
    schemaStatus: 422,
    limit: KIB64,
  },
  {
    label: "POST api-key",
    method: "POST",
    path: `/admin/merchants/${ids.merchantId}/api-keys`,
    base: {},
    auth: admin,
    shape: "api",
    body: "none",
    schemaStatus: 422,
    limit: KIB64,
  },
  {
    label: "DELETE api-key",
    method: "DELETE",
    path: (w) => `/admin/merchants/${ids.merchantId}/api-keys/${w.keyId}`,
    base: {},
    auth: admin,
    shape: "api",
    body: "none",
    schemaStatus: 422,
    limit: KIB64,
  },
];

/** Field-level cases: a valid body with one field made hostile. */
function fieldCases(
  label: string,
  method: string,
  path: Case["path"],
  base: object,
  auth: Case["auth"],
  rows: Array<[string, Record<string, unknown>, number]>,
): Case[] {
  return rows.map(([name, over, status]) => ({
    name: `${label}: ${name}`,
    method,
    path,
    // "-0" cannot come out of JSON.stringify, so a sentinel is swapped for the raw token.
    raw: JSON.stringify({ ...base, ...over })
      .replaceAll('"__RAW_MINUS_ZERO__"', "-0")
      .replaceAll('"__RAW_HUGE__"', "1e400"),
    headers: json,
    auth,
    status,
  }));
}

const M0 = "__RAW_MINUS_ZERO__";
const HUGE = "__RAW_HUGE__";
const NUL = "\u0000";
const RLO = "\u202e";

/** What no minor-units field takes: -0, a float, 1e400, 2^53, a string, a negative, null. */
const badMinorUnits = (field: string): Array<[string, Record<string, unknown>, number]> =>
  (
    [
      ["-0", M0],
      ["float", 1000.5],
      ["1e400", HUGE],
      ["2^53", 2 ** 53],
      ["as a string", "100"],
      ["negative", -1],
      ["null", null],
      ["boolean", true],
    ] as const
  ).map(([name, value]) => [`${field} ${name}`, { [field]: value }, 422]);

/** What no id, number or reference takes: controls, bidirectional formatting, over `max`, empty. */
const badIdentifier = (field: string, max: number): Array<[string, Record<string, unknown>, number]> =>
  (
    [
      ["with NUL", `A${NUL}1`],
      ["with ESC", "A\u001b1"],
      ["with DEL", "A\u007f1"],
      ["with a C1 control", "A\u00851"],
      ["with RTL override", `A-${RLO}1`],
      ["with LRM", "A\u200e1"],
      ["with an isolate", "A\u20661"],
      ["with ALM", "A\u061c1"],
      [`over ${max} characters`, "N".repeat(max + 1)],
      ["empty", ""],
    ] as const
  ).map(([name, value]) => [`${field} ${name}`, { [field]: value }, 422]);

/** Currencies no schema takes: lowercase, XXX, XAU (no minor unit), four letters, a number. */
const badCurrency = (): Array<[string, Record<string, unknown>, number]> =>
  (
    [
      ["lowercase", "inr"],
      ["XXX", "XXX"],
      ["XAU (no minor unit)", "XAU"],
      ["four letters", "INRR"],
      ["as a number", 356],
    ] as const
  ).map(([name, value]) => [`currency ${name}`, { currency: value }, 422]);

const invoiceBase = { currency: "INR", total: 200000, due_date: "2030-02-28", number: "H-2" };
const invoiceFields = fieldCases("PUT invoice", "PUT", inv, invoiceBase, bearer, [
  ...badMinorUnits("total"),
  ...badCurrency(),
  ["currency change once lines exist", { currency: "USD" }, 409],
  ["due_date month 13", { due_date: "2030-13-01" }, 422],
  ["due_date 30 February", { due_date: "2030-02-30" }, 422],
  ["due_date day-first", { due_date: "28/02/2030" }, 422],
  ["due_date with a time", { due_date: "2030-02-28T00:00:00Z" }, 422],
  ["due_date empty", { due_date: "" }, 422],
  ...badIdentifier("number", 64),
  ["customer name with NUL", { customer: { name: `A${NUL}` } }, 422],
  ["customer name over 200 characters", { customer: { name: "a".repeat(201) } }, 422],
  ["customer email invalid", { customer: { email: "not-an-email" } }, 422],
  ["customer phone with letters", { customer: { phone: "call me" } }, 422],
  ["customer unknown field", { customer: { name: "A", vip: true } }, 422],
  ["customer as an array", { customer: [] }, 422],
  ["customer constructor", { customer: JSON.parse('{"constructor":{}}') }, 422],
]);

const patchFields = fieldCases("PATCH invoice", "PATCH", inv, { number: "H-1" }, bearer, [
  ...badMinorUnits("total"),
  ...badCurrency(),
  ["currency change once lines exist", { currency: "USD" }, 409],
  ["currency change with a pause", { currency: "USD", reminders: "paused" }, 409],
  ["currency null", { currency: null }, 422],
  ["due_date 30 February", { due_date: "2030-02-30" }, 422],
  ["due_date with a time", { due_date: "2030-02-28T00:00:00Z" }, 422],
  ...badIdentifier("number", 64),
  ["customer name with NUL", { customer: { name: `A${NUL}` } }, 422],
  ["customer email invalid", { customer: { email: "not-an-email" } }, 422],
  ["customer unknown field", { customer: { vip: true } }, 422],
  ["customer null", { customer: null }, 422],
  ["reminders unknown value", { reminders: "stopped" }, 422],
  ["reminders null", { reminders: null }, 422],
  ["reminders as a boolean", { reminders: false }, 422],
]);
const patchOther: Case[] = [
  {
    name: "PATCH invoice: empty patch",
    method: "PATCH",
    path: inv,
    raw: "{}",
    headers: json,
    auth: bearer,
    status: 422,
  },
  {
    name: "PATCH invoice: unknown invoice (PATCH never creates)",
    method: "PATCH",
    path: "/v1/invoices/inv-hostile-missing",
    raw: JSON.stringify({ currency: "INR", total: 100 }),
    headers: json,
    auth: bearer,
    status: 404,
  },
];

const resendCases: Case[] = [
  ["a skipped reminder", resendPath, 409],
  ["reminder id without its prefix", `${inv}/reminders/abc/resend`, 422],
  ["reminder id with RTL override", `${inv}/reminders/rem_${encodeURIComponent(RLO)}1/resend`, 422],
  ["reminder id over 64 characters", `${inv}/reminders/rem_${"x".repeat(65)}/resend`, 422],
  ["unknown reminder id", `${inv}/reminders/rem_doesnotexist/resend`, 404],
  ["unknown invoice", "/v1/invoices/inv-hostile-missing/reminders/rem_x1/resend", 404],
].map(([name, path, status]) => ({
  name: `POST resend: ${name}`,
  method: "POST",
  path: path as Case["path"],
  auth: bearer,
  status: status as number,
}));

const paymentFields = fieldCases("POST payment", "POST", `${inv}/payments`, { amount: 100 }, bearer, [
  ...badMinorUnits("amount"),
  ...badMinorUnits("tds"),
  ...badMinorUnits("transaction_charge"),
  ["amount over the due", { amount: 10_000_000 }, 422],
  ["currency of another invoice", { currency: "USD" }, 422],
  ...badCurrency(),
  ["method unknown", { method: "bitcoin" }, 422],
  ["paid_at not a date", { paid_at: "yesterday" }, 422],
  ["paid_at 30 February", { paid_at: "2030-02-30T10:00:00Z" }, 422],
  ["paid_at date only", { paid_at: "2030-02-01" }, 422],
  ["paid_at without offset", { paid_at: "2030-02-01T10:00:00" }, 422],
  ...badIdentifier("reference", 128),
  ["notes with NUL", { notes: `n${NUL}` }, 422],
  ["notes over 2000 characters", { notes: "n".repeat(2001) }, 422],
  ["allow_overpayment as a string", { allow_overpayment: "yes" }, 422],
]);

const badReason = (): Array<[string, Record<string, unknown>, number]> => [
  ["reason missing", { reason: undefined }, 422],
  ["reason blank", { reason: "  " }, 422],
  ["reason with NUL", { reason: `a${NUL}` }, 422],
  ["reason over 500 characters", { reason: "r".repeat(501) }, 422],
  ["reason as a number", { reason: 5 }, 422],
];

const writeOffFields = fieldCases(
  "POST write-off",
  "POST",
  `${inv}/write-offs`,
  { amount: 100, reason: "bank charge" },
  bearer,
  [
    ...badMinorUnits("amount"),
    ["amount zero", { amount: 0 }, 422],
    ["amount over the due", { amount: 10_000_000 }, 422],
    ["currency of another invoice", { currency: "USD" }, 422],
    ...badCurrency(),
    ...badReason(),
  ],
);

const adjustmentFields = fieldCases(
  "POST adjustment",
  "POST",
  `${inv}/adjustments`,
  { amount: -100, reason: "recorded too high" },
  bearer,
  [
    ["amount -0", { amount: M0 }, 422],
    ["amount zero", { amount: 0 }, 422],
    ["amount float", { amount: -1.5 }, 422],
    ["amount 1e400", { amount: HUGE }, 422],
    ["amount -2^53", { amount: -(2 ** 53) }, 422],
    ["amount as a string", { amount: "-100" }, 422],
    ["amount missing", { amount: undefined }, 422],
    ["amount over the due", { amount: 10_000_000 }, 422],
    ["amount below what is credited", { amount: -10_000_000 }, 422],
    ["currency of another invoice", { currency: "USD" }, 422],
    ...badCurrency(),
    ...badReason(),
  ],
);

const idempotencyCases: Case[] = [
  ["with a space", "key one"],
  ["over 255 characters", "k".repeat(256)],
  ["non-ASCII", "clé"],
].map(([name, key]) => ({
  name: `POST payment: Idempotency-Key ${name}`,
  method: "POST",
  path: `${inv}/payments`,
  raw: JSON.stringify({ amount: 100 }),
  headers: { ...json, "idempotency-key": key as string },
  auth: bearer,
  status: 422,
}));

const reverseFields: Case[] = [
  ...fieldCases(
    "POST reverse",
    "POST",
    (w) => `${inv}/payments/${w.paymentId}/reverse`,
    { reason: "bounced" },
    bearer,
    [
      ["reason with NUL", { reason: `a${NUL}` }, 422],
      ["reason over 500 characters", { reason: "r".repeat(501) }, 422],
      ["reason as a number", { reason: 5 }, 422],
    ],
  ),
  ...[
    ["payment id with RTL override", `pay_${encodeURIComponent(RLO)}1`, 422],
    ["payment id with NUL", "pay_%001", 422],
    ["payment id over 64 characters", `pay_${"x".repeat(64)}`, 422],
    ["unknown payment id", "pay_doesnotexist", 404],
  ].map(([name, id, status]) => ({
    name: `POST reverse: ${name}`,
    method: "POST",
    path: `${inv}/payments/${id}/reverse`,
    auth: bearer,
    status: status as number,
  })),
];

const badInvoiceIds: Array<[string, string]> = [
  ["invoice id with RTL override", `inv${encodeURIComponent(RLO)}1`],
  ["invoice id with NUL", "inv%001"],
  ["invoice id over 128 characters", `i${"n".repeat(128)}`],
  ["invoice id starting with a dot", ".inv"],
  ["invoice id with a space", "inv%201"],
];
const pathCases: Case[] = badInvoiceIds.flatMap(([name, id]) => [
  { name: `GET invoice: ${name}`, method: "GET", path: `/v1/invoices/${id}`, auth: bearer, status: 422 },
  {
    name: `PUT invoice: ${name}`,
    method: "PUT",
    path: `/v1/invoices/${id}`,
    raw: JSON.stringify(invoiceBase),
    headers: json,
    auth: bearer,
    status: 422,
  },
  {
    name: `POST payment: ${name}`,
    method: "POST",
    path: `/v1/invoices/${id}/payments`,
    raw: JSON.stringify({ amount: 100 }),
    headers: json,
    auth: bearer,
    status: 422,
  },
]);

const LISTS = {
  lines: "payments",
  events: "events",
  anomalies: "anomalies",
  reminders: "reminders",
} as const;
const listCases: Case[] = Object.entries(LISTS).flatMap(([list, segment]) => {
  const path = (query: string) => `${inv}/${segment}?${query}`;
  const rows: Array<[string, Case["path"]]> = [
    ["garbage cursor", path("cursor=garbage")],
    ["cursor with symbols", path("cursor=%21%21")],
    ["cursor over 512 characters", path(`cursor=${"a".repeat(513)}`)],
    ["empty cursor", path("cursor=")],
    ["the ledger's raw cursor", path(`cursor=${btoa("seq:1").replace(/=+$/, "")}`)],
    ["cursor of another invoice", (w) => path(`cursor=${w.cursors.otherInvoiceLines}`)],
    ["cursor of another merchant", (w) => path(`cursor=${w.cursors.otherMerchantLines}`)],
    [
      "cursor of another list",
      (w) => path(`cursor=${list === "lines" ? w.cursors.events : w.cursors.lines}`),
    ],
    ["limit 0", path("limit=0")],
    ["limit 201", path("limit=201")],
    ["limit -1", path("limit=-1")],
    ["limit 1e2", path("limit=1e2")],
    ["limit 0x10", path("limit=0x10")],
    ["limit with a space", path("limit=%205")],
    ["limit +5", path("limit=%2B5")],
    ["limit 5.0", path("limit=5.0")],
    ["limit abc", path("limit=abc")],
    ["limit empty", path("limit=")],
    ["limit 05", path("limit=05")],
  ];
  return rows.map(([name, p]) => ({
    name: `GET ${list}: ${name}`,
    method: "GET",
    path: p,
    auth: bearer,
    status: 422,
  }));
});

const adminFields = fieldCases(
  "PUT merchant",
  "PUT",
  `/admin/merchants/${ids.merchantId}`,
  { name: "Renamed" },
  admin,
  [
    ["name with NUL", { name: `A${NUL}` }, 422],
    ["name with a C1 control", { name: "A\u0090" }, 422],
    ["name empty", { name: "" }, 422],
    ["name over 200 characters", { name: "a".repeat(201) }, 422],
    ["name as a number", { name: 7 }, 422],
    ["unknown provider", { providers: { paypal: {} } }, 422],
    ["razorpay without secrets", { providers: { razorpay: { webhook_secrets: [] } } }, 422],
    [
      "the redacted placeholder as a secret",
      { providers: { razorpay: { webhook_secrets: ["[redacted]"] } } },
      422,
    ],
    ["standard secret not whsec_", { providers: { standard: { secrets: ["plain"] } } }, 422],
    ["provider __proto__", { providers: JSON.parse('{"__proto__":{"razorpay":{}}}') }, 422],
    ["notifications enabled without url", { notifications: { enabled: true } }, 422],
    ["cadence_days float", { notifications: { cadence_days: [1.5] } }, 422],
    ["cadence_days out of range", { notifications: { cadence_days: [400] } }, 422],
    ["max_attempts 0", { notifications: { max_attempts: 0 } }, 422],
    ["notifications url not http", { notifications: { url: "ftp://x.example" } }, 422],
  ],
);

const merchantPatchFields = fieldCases(
  "PATCH merchant",
  "PATCH",
  `/admin/merchants/${ids.merchantId}`,
  { name: "Patched" },
  admin,
  [
    ["name null", { name: null }, 422],
    ["name with NUL", { name: `A${NUL}` }, 422],
    ["unknown provider", { providers: { paypal: { add_secrets: ["x"] } } }, 422],
    ["provider __proto__", { providers: JSON.parse('{"__proto__":{"add_secrets":["x"]}}') }, 422],
    ["provider as an array", { providers: { razorpay: [] } }, 422],
    ["providers as an array", { providers: [] }, 422],
    ["unknown secret id", { providers: { standard: { remove_secrets: ["sec_000000000000"] } } }, 422],
    ["secret id not a string", { providers: { standard: { remove_secrets: [7] } } }, 422],
    ["add_secrets not a list", { providers: { razorpay: { add_secrets: "new-secret" } } }, 422],
    ["add_secrets empty", { providers: { razorpay: { add_secrets: [] } } }, 422],
    [
      "add_secrets over 5",
      { providers: { razorpay: { add_secrets: ["a1234567", "b", "c", "d", "e", "f"] } } },
      422,
    ],
    ["a secret too short", { providers: { razorpay: { add_secrets: ["short"] } } }, 422],
    ["the placeholder as a new secret", { providers: { razorpay: { add_secrets: ["[redacted]"] } } }, 422],
    [
      "a secret past the provider's maximum",
      {
        providers: {
          razorpay: { add_secrets: ["s2345678", "s3456789", "s4567890", "s5678901", "s6789012"] },
        },
      },
      422,
    ],
    ["add_secrets on a provider without secrets", { providers: { highlevel: { add_secrets: ["x"] } } }, 422],
    ["standard secret not whsec_", { providers: { standard: { add_secrets: ["plain"] } } }, 422],
    [
      "chargebee pair without password",
      { providers: { chargebee: { add_secrets: [{ username: "u" }] } } },
      422,
    ],
    ["unknown provider field", { providers: { razorpay: { colour: "red" } } }, 422],
    ["notifications placeholder secret", { notifications: { secret: "[redacted]" } }, 422],
    ["notifications url removed while enabled", { notifications: { enabled: true, url: null } }, 422],
    ["notifications as an array", { notifications: [] }, 422],
    ["notifications cadence float", { notifications: { cadence_days: [1.5] } }, 422],
  ],
);

const listQueryCases: Case[] = [
  ["garbage cursor", "cursor=%21%21"],
  ["cursor not ours", `cursor=${btoa("x").replace(/=+$/, "")}`],
  ["cursor over 2048 characters", `cursor=${"a".repeat(2049)}`],
  ["limit 0", "limit=0"],
  ["limit 201", "limit=201"],
  ["limit 1e2", "limit=1e2"],
].map(([name, q]) => ({
  name: `GET merchants: ${name}`,
  method: "GET",
  path: `/admin/merchants?${q}`,
  auth: admin,
  status: 422,
}));

const adminPaths: Case[] = [
  ["merchant id uppercase", "ACME"],
  ["merchant id over 63 characters", `m${"x".repeat(63)}`],
  ["merchant id with RTL override", `m${encodeURIComponent(RLO)}x`],
  ["merchant id with NUL", "m%00x"],
].flatMap(([name, id]) => [
  {
    name: `PUT merchant: ${name}`,
    method: "PUT",
    path: `/admin/merchants/${id}`,
    raw: JSON.stringify({ name: "X" }),
    headers: json,
    auth: admin,
    status: 422,
  },
  { name: `GET merchant: ${name}`, method: "GET", path: `/admin/merchants/${id}`, auth: admin, status: 422 },
  {
    name: `PATCH merchant: ${name}`,
    method: "PATCH",
    path: `/admin/merchants/${id}`,
    raw: JSON.stringify({ name: "X" }),
    headers: json,
    auth: admin,
    status: 422,
  },
  {
    name: `DELETE merchant: ${name}`,
    method: "DELETE",
    path: `/admin/merchants/${id}`,
    auth: admin,
    status: 422,
  },
]);
const keyPaths: Case[] = [
  ["key id with RTL override", `key${encodeURIComponent(RLO)}`, 422],
  ["key id over 64 characters", "k".repeat(65), 422],
  ["unknown key id", "key_unknown", 404],
].map(([name, id, status]) => ({
  name: `DELETE api-key: ${name}`,
  method: "DELETE",
  path: `/admin/merchants/${ids.merchantId}/api-keys/${id}`,
  auth: admin,
  status: status as number,
}));

const auth: Case[] = [
  ...routes.flatMap((r) => authCases(r)),
  { name: "GET invoice: no credentials", method: "GET", path: inv, status: 401 },
  {
    name: "GET lines: wrong key",
    method: "GET",
    path: `${inv}/payments`,
    headers: { authorization: "Bearer ilk_x" },
    status: 401,
  },
  {
    name: "GET merchant: an API key is not the admin token",
    method: "GET",
    path: `/admin/merchants/${ids.merchantId}`,
    auth: bearer,
    status: 401,
  },
  { name: "GET merchants: no credentials", method: "GET", path: "/admin/merchants", status: 401 },
  {
    name: "GET merchants: an API key is not the admin token",
    method: "GET",
    path: "/admin/merchants",
    auth: bearer,
    status: 401,
  },
  {
    name: "PUT merchant: only a name would erase its secrets",
    method: "PUT",
    path: `/admin/merchants/${ids.merchantId}`,
    raw: JSON.stringify({ name: "X" }),
    headers: json,
    auth: admin,
    status: 409,
  },
  {
    name: "PUT merchant: an API key is not the admin token",
    method: "PUT",
    path: `/admin/merchants/${ids.merchantId}`,
    raw: JSON.stringify({ name: "X" }),
    headers: json,
    auth: bearer,
    status: 401,
  },
  {
    name: "POST payment: the admin token is not an API key",
    method: "POST",
    path: `${inv}/payments`,
    raw: JSON.stringify({ amount: 100 }),
    headers: json,
    auth: admin,
    status: 401,
  },
];

// The reference page takes no input: anything but GET of its own files is 404 in our shape, and no other
// file of swagger-ui-dist (source maps, the unbundled build) nor a path out of /docs is served.
const docsCases: Case[] = [
  ["POST", "/docs"],
  ["PUT", "/docs/init.js"],
  ["DELETE", "/docs/swagger-ui.css"],
  ["GET", "/docs/swagger-ui-bundle.js.map"],
  ["GET", "/docs/swagger-ui.js"],
  ["GET", "/docs/index.html"],
  ["GET", "/docs/..%2Fopenapi.json"],
].map(([method = "GET", path = "/docs"]) => ({
  name: `reference page: ${method} ${path}`,
  method,
  path,
  status: 404,
  shape: "api" as const,
}));

describe("hostile input: merchant and admin API", () => {
  runCases(
    [
      ...routes.flatMap(jsonBodyCases),
      ...invoiceFields,
      ...patchFields,
      ...patchOther,
      ...resendCases,
      ...paymentFields,
      ...writeOffFields,
      ...adjustmentFields,
      ...idempotencyCases,
      ...reverseFields,
      ...pathCases,
      ...listCases,
      ...adminFields,
      ...merchantPatchFields,
      ...listQueryCases,
      ...docsCases,
      ...adminPaths,
      ...keyPaths,
      ...auth,
    ],
    world,
  );
});
