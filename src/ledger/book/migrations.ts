import { addColumns, ifNotExists, table } from "../ddl";
import type { Capability, Migration } from "../host";
import { handOver } from "../schema";

// The book (facts, lines, totals) capability's tables, and its lazy allocations capability's (since step 005).
// Steps are never edited once released: a change is a new step. A fresh object starts from the baseline
// (the tables as of the baseline's step) instead of replaying ALTERs, which cost most of a new invoice's
// SQLite rows (npm run bench:rows); the column lists below serve both, so they cannot drift apart.

const INVOICE_V1 = [
  "singleton INTEGER PRIMARY KEY CHECK (singleton = 1)",
  "merchant_id TEXT NOT NULL",
  "invoice_id TEXT NOT NULL",
  "currency TEXT",
  "total INTEGER",
  "due_date TEXT",
  "number TEXT",
  "customer_name TEXT",
  "customer_email TEXT",
  "customer_phone TEXT",
  "voided_at TEXT",
  "paid INTEGER NOT NULL DEFAULT 0",
  "tds INTEGER NOT NULL DEFAULT 0",
  "reversed INTEGER NOT NULL DEFAULT 0",
  "written_off INTEGER NOT NULL DEFAULT 0",
  "adjusted INTEGER NOT NULL DEFAULT 0",
  "fees INTEGER NOT NULL DEFAULT 0",
  "payments_count INTEGER NOT NULL DEFAULT 0",
  "lines_count INTEGER NOT NULL DEFAULT 0",
  "anomalies_count INTEGER NOT NULL DEFAULT 0",
  "created_at TEXT NOT NULL",
  "updated_at TEXT NOT NULL",
];
const INVOICE_V3 = ["tds_reversed INTEGER NOT NULL DEFAULT 0"];
const LINES_V1 = [
  "seq INTEGER PRIMARY KEY AUTOINCREMENT",
  "id TEXT NOT NULL UNIQUE",
  "kind TEXT NOT NULL CHECK (kind IN ('payment', 'reversal', 'write_off', 'adjustment'))",
  "source TEXT NOT NULL",
  "external_id TEXT NOT NULL",
  "amount INTEGER NOT NULL",
  "tds INTEGER NOT NULL DEFAULT 0",
  "fee INTEGER NOT NULL DEFAULT 0",
  "currency TEXT NOT NULL",
  "method TEXT",
  "reference TEXT",
  "notes TEXT",
  "paid_at TEXT",
  "reverses_id TEXT",
  "event_id TEXT",
  "created_at TEXT NOT NULL",
];
const LINES_V2 = ["reverses_source TEXT", "reverses_external_id TEXT"];
const LINES_V3 = [
  "requested_amount INTEGER",
  "duplicate_amount INTEGER NOT NULL DEFAULT 0",
  "duplicate_of TEXT",
  "idempotency_key TEXT",
];
const LINES_V4 = [
  "remind_customer INTEGER NOT NULL DEFAULT 1",
  "notify_merchant INTEGER NOT NULL DEFAULT 1",
  "origin TEXT",
];

const LINES_REVERSES = "CREATE INDEX lines_reverses ON lines (reverses_id) WHERE reverses_id IS NOT NULL";
const LINES_UNLINKED = `CREATE INDEX lines_unlinked_reversals ON lines (reverses_source, reverses_external_id)
  WHERE reverses_source IS NOT NULL`;
const ALLOCATIONS = `${table(
  "reversal_allocations",
  [
    "reversal_id TEXT NOT NULL",
    "payment_id TEXT NOT NULL",
    "applied INTEGER NOT NULL",
    "tds INTEGER NOT NULL DEFAULT 0",
    "duplicate INTEGER NOT NULL DEFAULT 0",
  ],
  ["PRIMARY KEY (reversal_id, payment_id)"],
)};
  CREATE INDEX reversal_allocations_payment ON reversal_allocations (payment_id)`;

export const MIGRATIONS: readonly Migration[] = [
  {
    id: "001-invoice-and-lines",
    // The invoice's facts and running totals (one row), and its append-only lines.
    sql: [
      table("invoice", INVOICE_V1),
      table("lines", LINES_V1, ["UNIQUE (source, external_id)"]),
      LINES_REVERSES,
    ].join(";\n"),
  },
  {
    id: "002-late-reversal-targets",
    // A provider may report a refund before the payment it refunds. The reversal keeps the target's
    // (source, external id) until that payment arrives and is linked to it.
    sql: [addColumns("lines", LINES_V2), LINES_UNLINKED].join(";\n"),
  },
  {
    id: "003-reversal-caps",
    // A reversal takes back at most what its payments still had standing: each reversal's allocation to a
    // payment (cash first, then TDS) and the part recognised as the same money as another source's reversal
    // are kept per payment. requested_amount is what the source asked for; amount stays what the line took
    // back, so the running sums still add up from the lines. idempotency_key shows a client's key beside our id.
    sql: [
      addColumns("lines", LINES_V3),
      addColumns("invoice", INVOICE_V3),
      ALLOCATIONS,
      `INSERT INTO reversal_allocations (reversal_id, payment_id, applied)
        SELECT id, reverses_id, amount FROM lines WHERE kind = 'reversal' AND reverses_id IS NOT NULL`,
    ].join(";\n"),
  },
  {
    id: "004-line-notices-and-origin",
    // A merchant may record a payment without the customer reminder it would trigger, or without the merchant
    // events a change feed will announce (Chargebee's chargebee-event-email / -webhook / -actions headers,
    // https://apidocs.chargebee.com/docs/api/invoices#record_an_invoice_payment). The choice is kept on the
    // line, so whatever announces the line later honours it. origin: the chargebee-request-origin-* headers
    // (who asked, from which device and address), as a JSON object.
    sql: addColumns("lines", LINES_V4),
  },
  {
    id: "005-allocations-own-namespace",
    // reversal_allocations moves to its own lazy capability (ALLOCATION_MIGRATIONS), made by an invoice's
    // first reversal: most invoices are never reversed, and the table and its two indexes were three of a
    // new invoice's SQLite pages. An object that has the table keeps it, recorded under that namespace.
    sql: handOver("reversal_allocations", "allocations", 1),
  },
];

/**
 * The allocations capability (book/allocations.ts): the table as step 003 made it, on objects that lack it.
 * Lazy: the first reversal that allocates creates it.
 */
export const ALLOCATION_MIGRATIONS: readonly Migration[] = [
  { id: "001-reversal-allocations", sql: ifNotExists(ALLOCATIONS) },
];

// Without reversal_allocations since step 005: a fresh object gets it from the allocations capability.
export const BASELINE: Capability["baseline"] = {
  version: 5,
  sql: [
    table("invoice", [...INVOICE_V1, ...INVOICE_V3]),
    table("lines", [...LINES_V1, ...LINES_V2, ...LINES_V3, ...LINES_V4], ["UNIQUE (source, external_id)"]),
    LINES_REVERSES,
    LINES_UNLINKED,
  ].join(";\n"),
};
