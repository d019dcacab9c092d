// Schema migrations for the invoice ledger, applied in order and tracked in _migrations
// (PRAGMA user_version is not available in Durable Object SQLite).
export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: "ledger",
    sql: `
      CREATE TABLE invoice (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        merchant_id TEXT NOT NULL,
        invoice_id TEXT NOT NULL,
        currency TEXT,
        total INTEGER,
        due_date TEXT,
        number TEXT,
        customer_name TEXT,
        customer_email TEXT,
        customer_phone TEXT,
        voided_at TEXT,
        paid INTEGER NOT NULL DEFAULT 0,
        tds INTEGER NOT NULL DEFAULT 0,
        reversed INTEGER NOT NULL DEFAULT 0,
        written_off INTEGER NOT NULL DEFAULT 0,
        adjusted INTEGER NOT NULL DEFAULT 0,
        fees INTEGER NOT NULL DEFAULT 0,
        payments_count INTEGER NOT NULL DEFAULT 0,
        lines_count INTEGER NOT NULL DEFAULT 0,
        anomalies_count INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE lines (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('payment', 'reversal', 'write_off', 'adjustment')),
        source TEXT NOT NULL,
        external_id TEXT NOT NULL,
        amount INTEGER NOT NULL,
        tds INTEGER NOT NULL DEFAULT 0,
        fee INTEGER NOT NULL DEFAULT 0,
        currency TEXT NOT NULL,
        method TEXT,
        reference TEXT,
        notes TEXT,
        paid_at TEXT,
        reverses_id TEXT,
        event_id TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (source, external_id)
      );
      CREATE INDEX lines_reverses ON lines (reverses_id) WHERE reverses_id IS NOT NULL;
      CREATE TABLE anomalies (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        source TEXT NOT NULL,
        external_id TEXT,
        event_id TEXT,
        message TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        request_hash TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE source_state (
        source TEXT PRIMARY KEY,
        facts_version INTEGER,
        report TEXT,
        report_version INTEGER,
        cumulative_version INTEGER,
        cumulative_paid INTEGER
      );
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        source TEXT NOT NULL,
        event_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        verification TEXT NOT NULL,
        raw_body TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT,
        received_at TEXT NOT NULL,
        UNIQUE (source, event_id)
      );
    `,
  },
  {
    id: 2,
    name: "reminders",
    // The outbox of customer reminders. UNIQUE (reason, day): at most one reminder per invoice, reason and
    // day, however often alarms fire or messages are redelivered. reminder_state.payment_seq starts at the
    // newest existing line so that payments recorded before this migration trigger nothing.
    sql: `
      CREATE TABLE reminders (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        reason TEXT NOT NULL CHECK (reason IN ('partial_payment', 'due_soon', 'due_today', 'overdue')),
        day TEXT NOT NULL,
        status TEXT NOT NULL
          CHECK (status IN ('pending', 'sent', 'delivered', 'failed', 'skipped', 'cancelled')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        payload TEXT,
        lease_until INTEGER,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        last_attempt_at TEXT,
        delivered_at TEXT,
        failed_at TEXT,
        dead_lettered_at TEXT,
        updated_at TEXT NOT NULL,
        UNIQUE (reason, day)
      );
      CREATE INDEX reminders_open ON reminders (status) WHERE status IN ('pending', 'sent');
      CREATE TABLE reminder_state (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        payment_seq INTEGER NOT NULL DEFAULT 0
      );
      INSERT INTO reminder_state (singleton, payment_seq) SELECT 1, COALESCE(MAX(seq), 0) FROM lines;
    `,
  },
  {
    id: 3,
    name: "late reversal targets",
    // A provider may report a refund before the payment it refunds. The reversal keeps the target's
    // (source, external id) until that payment arrives and is linked to it.
    sql: `
      ALTER TABLE lines ADD COLUMN reverses_source TEXT;
      ALTER TABLE lines ADD COLUMN reverses_external_id TEXT;
      CREATE INDEX lines_unlinked_reversals ON lines (reverses_source, reverses_external_id)
        WHERE reverses_source IS NOT NULL;
    `,
  },
  {
    id: 4,
    name: "reversal caps and scoped idempotency",
    // A reversal takes back at most what its payment credited, whatever its source and order: each
    // reversal's allocation to a payment (cash first, then TDS) and the part recognised as the same money
    // as another source's reversal are kept per payment. requested_amount is what the source asked for;
    // amount stays what the line actually credits back, so the running sums still add up from the lines.
    // Idempotency keys move into a namespace per request family (api, refrens, chargebee), so that no key
    // a client chooses can reach a stored result or a line of another family; refusals are no longer kept.
    sql: `
      ALTER TABLE lines ADD COLUMN requested_amount INTEGER;
      ALTER TABLE lines ADD COLUMN duplicate_amount INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE lines ADD COLUMN duplicate_of TEXT;
      ALTER TABLE lines ADD COLUMN idempotency_key TEXT;
      ALTER TABLE invoice ADD COLUMN tds_reversed INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE reversal_allocations (
        reversal_id TEXT NOT NULL,
        payment_id TEXT NOT NULL,
        applied INTEGER NOT NULL,
        tds INTEGER NOT NULL DEFAULT 0,
        duplicate INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (reversal_id, payment_id)
      );
      CREATE INDEX reversal_allocations_payment ON reversal_allocations (payment_id);
      INSERT INTO reversal_allocations (reversal_id, payment_id, applied)
        SELECT id, reverses_id, amount FROM lines WHERE kind = 'reversal' AND reverses_id IS NOT NULL;
      CREATE TABLE idempotency_keys (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (scope, key)
      );
      INSERT OR IGNORE INTO idempotency_keys (scope, key, request_hash, result, created_at)
        SELECT
          CASE json_extract(result, '$.value.line.source')
            WHEN 'refrens' THEN 'refrens' WHEN 'chargebee' THEN 'chargebee' ELSE 'api' END,
          CASE json_extract(result, '$.value.line.source')
            WHEN 'refrens' THEN substr(key, 9) WHEN 'chargebee' THEN substr(key, 11) ELSE key END,
          request_hash, result, created_at
        FROM idempotency WHERE json_extract(result, '$.ok') = 1;
      DROP TABLE idempotency;
    `,
  },
  {
    id: 5,
    name: "reminder hand-over leases",
    // A queue message can be lost (a local runtime's in-memory queue loses messages on a crash): reminders.handover_at is when the
    // alarm hands an open reminder to the queue (again) unless a consumer has claimed it by then;
    // reminder_state.settle_at is the next cadence wake-up. Open reminders from before this migration
    // are due at once, so one stranded by a lost message is handed over at the object's next wake-up.
    sql: `
      ALTER TABLE reminders ADD COLUMN handover_at INTEGER;
      UPDATE reminders SET handover_at = COALESCE(lease_until, 0) WHERE status IN ('pending', 'sent');
      ALTER TABLE reminder_state ADD COLUMN settle_at INTEGER;
    `,
  },
];

export function migrate(sql: SqlStorage, migrations: Migration[] = MIGRATIONS): void {
  sql.exec(
    "CREATE TABLE IF NOT EXISTS _migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
  );
  const applied = new Set(
    sql
      .exec<{ id: number }>("SELECT id FROM _migrations")
      .toArray()
      .map((r) => r.id),
  );
  for (const m of migrations) {
    if (applied.has(m.id)) continue;
    sql.exec(m.sql);
    sql.exec(
      "INSERT INTO _migrations (id, name, applied_at) VALUES (?, ?, ?)",
      m.id,
      m.name,
      new Date().toISOString(),
    );
  }
}

/** Whether any migration ever ran: a read of an object that was never written must find no tables. */
export function hasSchema(sql: SqlStorage): boolean {
  return (
    sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'").toArray().length > 0
  );
}
