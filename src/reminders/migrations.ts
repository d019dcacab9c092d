import { addColumns, table } from "../ledger/ddl";
import type { Capability, Migration } from "../ledger/host";

// The reminders capability's tables, in the invoice's object. Steps are never edited once released; a fresh
// object starts from the baseline instead of replaying them (see src/ledger/book/migrations.ts for why).

const REMINDERS_V1 = [
  "seq INTEGER PRIMARY KEY AUTOINCREMENT",
  "id TEXT NOT NULL UNIQUE",
  "reason TEXT NOT NULL CHECK (reason IN ('partial_payment', 'due_soon', 'due_today', 'overdue'))",
  "day TEXT NOT NULL",
  "status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'delivered', 'failed', 'skipped', 'cancelled'))",
  "attempts INTEGER NOT NULL DEFAULT 0",
  "last_error TEXT",
  "payload TEXT",
  "lease_until INTEGER",
  "created_at TEXT NOT NULL",
  "sent_at TEXT",
  "last_attempt_at TEXT",
  "delivered_at TEXT",
  "failed_at TEXT",
  "dead_lettered_at TEXT",
  "updated_at TEXT NOT NULL",
];

const REMINDERS_OPEN =
  "CREATE INDEX reminders_open ON reminders (status) WHERE status IN ('pending', 'sent')";
const STATE_KEY = "singleton INTEGER PRIMARY KEY CHECK (singleton = 1)";

const REMINDERS_V3 = [...REMINDERS_V1, "handover_at INTEGER"];
const REMINDERS_V4 = [...REMINDERS_V3, "next_attempt_at INTEGER", "resend_of TEXT"];
const REMINDERS_V4_INDEXES = [
  "CREATE UNIQUE INDEX reminders_point ON reminders (reason, day) WHERE resend_of IS NULL",
  REMINDERS_OPEN,
  "CREATE INDEX reminders_resends ON reminders (resend_of) WHERE resend_of IS NOT NULL",
];
const STATE_V4 = ["paused_at TEXT", "quiet_until INTEGER", "payment_unreminded INTEGER NOT NULL DEFAULT 0"];
const V3_COLUMNS = REMINDERS_V3.map((c) => c.split(" ")[0]).join(", ");

export const MIGRATIONS: readonly Migration[] = [
  {
    id: "001-outbox",
    // The outbox of customer reminders. UNIQUE (reason, day): at most one reminder per invoice, reason and
    // day, however often alarms fire or messages are redelivered.
    sql: [
      table("reminders", REMINDERS_V1, ["UNIQUE (reason, day)"]),
      REMINDERS_OPEN,
      table("reminder_state", [STATE_KEY, "payment_seq INTEGER NOT NULL DEFAULT 0"]),
      "INSERT INTO reminder_state (singleton, payment_seq) VALUES (1, 0)",
    ].join(";\n"),
  },
  {
    id: "002-handover-leases",
    // A queue message can be lost (a local runtime's in-memory queue loses them on a crash):
    // reminders.handover_at is when the alarm hands an open reminder to the queue (again) unless a consumer
    // has claimed it by then; reminder_state.settle_at is the next cadence wake-up. Open reminders from
    // before this step are due at once, so one stranded by a lost message is handed over at the next wake-up.
    sql: `
      ALTER TABLE reminders ADD COLUMN handover_at INTEGER;
      UPDATE reminders SET handover_at = COALESCE(lease_until, 0) WHERE status IN ('pending', 'sent');
      ALTER TABLE reminder_state ADD COLUMN settle_at INTEGER;`,
  },
  {
    id: "003-told-of-payments",
    // The ledger now tells the reminders when a payment was applied; they no longer watch its lines.
    sql: "ALTER TABLE reminder_state DROP COLUMN payment_seq",
  },
  {
    id: "004-steering",
    // A merchant can resend a failed reminder (a new row, resend_of the original, with its own id and so
    // its own webhook-id), so (reason, day) is unique only among scheduled reminders: SQLite cannot drop a
    // table constraint, hence the rebuild (https://www.sqlite.org/lang_altertable.html#otheralter).
    // next_attempt_at: when a reminder waiting out its backoff is tried again. reminder_state gains the
    // pause, the end of the last pause (quiet_until: cadence points due by then are never sent), and a
    // payment recorded before the invoice's total was known, still owed its partial_payment reminder.
    sql: [
      table("reminders_v4", REMINDERS_V4),
      `INSERT INTO reminders_v4 (${V3_COLUMNS}) SELECT ${V3_COLUMNS} FROM reminders`,
      "DROP TABLE reminders",
      "ALTER TABLE reminders_v4 RENAME TO reminders",
      ...REMINDERS_V4_INDEXES,
      addColumns("reminder_state", STATE_V4),
    ].join(";\n"),
  },
];

export const BASELINE: Capability["baseline"] = {
  version: 4,
  sql: [
    table("reminders", REMINDERS_V4),
    ...REMINDERS_V4_INDEXES,
    table("reminder_state", [STATE_KEY, "settle_at INTEGER", ...STATE_V4]),
    "INSERT INTO reminder_state (singleton) VALUES (1)",
  ].join(";\n"),
};
