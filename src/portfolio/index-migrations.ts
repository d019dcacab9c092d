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
    id: "002-reminder-failures",
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
];
