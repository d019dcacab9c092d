import type { Migration } from "../ledger/host";

// The per-merchant index's tables. Steps are never edited once released.
export const INDEX_MIGRATIONS: readonly Migration[] = [
  {
    id: "001-invoices",
    // One row per invoice, as of its `version`. Sort keys are never null, so keyset pagination compares plain
    // values: due_key is the due date or '9999-12-31' (no due date sorts last), amount_key the amount due or
    // -1 (unknown total sorts last). id_lc, number_lc and email_lc are lower-cased for case-insensitive search.
    sql: `
      CREATE TABLE invoices (
        invoice_id TEXT PRIMARY KEY,
        id_lc TEXT NOT NULL,
        number TEXT,
        number_lc TEXT,
        currency TEXT,
        total INTEGER,
        amount_paid INTEGER NOT NULL,
        amount_due INTEGER,
        amount_key INTEGER NOT NULL,
        credit_balance INTEGER NOT NULL,
        status TEXT NOT NULL,
        due_date TEXT,
        due_key TEXT NOT NULL,
        customer_name TEXT,
        customer_email TEXT,
        email_lc TEXT,
        anomalies_count INTEGER NOT NULL,
        provider_mismatch INTEGER NOT NULL,
        sources TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        voided_at TEXT,
        version INTEGER NOT NULL,
        indexed_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX invoices_due ON invoices (due_key, invoice_id);
      CREATE INDEX invoices_status_due ON invoices (status, due_key, invoice_id);
      CREATE INDEX invoices_updated ON invoices (updated_at, invoice_id);
      CREATE INDEX invoices_amount ON invoices (amount_key, invoice_id);
      CREATE INDEX invoices_id_lc ON invoices (id_lc);
      CREATE INDEX invoices_number ON invoices (number_lc) WHERE number_lc IS NOT NULL;
      CREATE INDEX invoices_email ON invoices (email_lc) WHERE email_lc IS NOT NULL;
      CREATE INDEX invoices_flagged ON invoices (due_key) WHERE anomalies_count > 0 OR provider_mismatch = 1;
      CREATE TABLE invoice_sources (
        source TEXT NOT NULL,
        invoice_id TEXT NOT NULL,
        PRIMARY KEY (source, invoice_id)
      ) WITHOUT ROWID;`,
  },
  {
    id: "002-filtered-sorts",
    // A filtered page in another order than the filter's index (status=partially_paid&sort=-amount_due,
    // currency with any sort, has_anomalies or provider_mismatch with any sort) read every matching invoice
    // and sorted them: 9,648 rows for one page at 20,000 invoices. With the filter's equality first and the
    // sort's key and the tie-break after it, SQLite walks one index range in the page's order and stops at
    // the page's end (https://www.sqlite.org/queryplanner.html, "Sorting By Index"). The flags are rare, so
    // they get partial indexes, one per sort, holding only flagged invoices
    // (https://www.sqlite.org/partialindex.html); the one flagged index they replace goes. Each costs a
    // write per changed row, so only the filters the listing offers with a sort are covered.
    sql: `
      CREATE INDEX invoices_status_updated ON invoices (status, updated_at, invoice_id);
      CREATE INDEX invoices_status_amount ON invoices (status, amount_key, invoice_id);
      CREATE INDEX invoices_currency_due ON invoices (currency, due_key, invoice_id);
      CREATE INDEX invoices_currency_updated ON invoices (currency, updated_at, invoice_id);
      CREATE INDEX invoices_currency_amount ON invoices (currency, amount_key, invoice_id);
      CREATE INDEX invoices_anomalies_due ON invoices (due_key, invoice_id) WHERE anomalies_count > 0;
      CREATE INDEX invoices_anomalies_updated ON invoices (updated_at, invoice_id) WHERE anomalies_count > 0;
      CREATE INDEX invoices_anomalies_amount ON invoices (amount_key, invoice_id) WHERE anomalies_count > 0;
      CREATE INDEX invoices_mismatch_due ON invoices (due_key, invoice_id) WHERE provider_mismatch = 1;
      CREATE INDEX invoices_mismatch_updated ON invoices (updated_at, invoice_id) WHERE provider_mismatch = 1;
      CREATE INDEX invoices_mismatch_amount ON invoices (amount_key, invoice_id) WHERE provider_mismatch = 1;
      DROP INDEX invoices_flagged;`,
  },
  {
    id: "003-reminder-failures",
    // The invoices whose customer reminder failed (the change feed's reminder_failed), newest failure per
    // invoice, so the dashboard's overview lists them without waking any invoice. A row says "a reminder of
    // this invoice failed at failed_at"; the invoice's own reminders list says which, and whether it was resent.
    sql: `
      CREATE TABLE reminder_failures (
        invoice_id TEXT PRIMARY KEY,
        failed_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX reminder_failures_at ON reminder_failures (failed_at);`,
  },
  {
    id: "004-reminder-failures-by-version",
    // reminder_failures only ever grew: a resend delivered, or the invoice paid or voided, never cleared its
    // row. The change feed's summary now says on every change how many of the invoice's reminders still
    // stand as failed and when the newest failed, so the invoice's row holds it, written by version like the
    // rest of the row (and rebuilt by the repair from the invoice's own state). Rows the old table held are
    // kept as one standing failure until the invoice's next change or a repair says otherwise. The partial
    // index holds only invoices with a standing failure, newest first for the overview
    // (https://www.sqlite.org/partialindex.html).
    sql: `
      ALTER TABLE invoices ADD COLUMN reminders_failed INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE invoices ADD COLUMN reminder_failed_at TEXT;
      UPDATE invoices SET reminders_failed = 1,
        reminder_failed_at = (SELECT f.failed_at FROM reminder_failures f WHERE f.invoice_id = invoices.invoice_id)
        WHERE invoice_id IN (SELECT invoice_id FROM reminder_failures);
      DROP TABLE reminder_failures;
      CREATE INDEX invoices_reminder_failed ON invoices (reminder_failed_at, invoice_id) WHERE reminders_failed > 0;`,
  },
];
