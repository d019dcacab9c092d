import type { Migration } from "../host";

// The ingest (event log, anomalies, provider state) capability's tables.
// Steps are never edited once released: a change is a new step.

export const MIGRATIONS: readonly Migration[] = [
  {
    id: "001-events-anomalies-sources",
    // Every applied or ignored provider delivery, what could not be applied cleanly, and per source its
    // ordering versions, newest report and cumulative amount paid.
    sql: `
      CREATE TABLE anomalies (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        source TEXT NOT NULL,
        external_id TEXT,
        event_id TEXT,
        message TEXT NOT NULL,
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
      );`,
  },
];
