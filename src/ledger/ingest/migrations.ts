import { ifNotExists } from "../ddl";
import type { Capability, Migration } from "../host";
import { handOver } from "../schema";

// The ingest (event log, provider state) capability's tables, and its lazy anomalies capability's.
// Steps are never edited once released: a change is a new step. Each table's text below is exactly what
// step 001 ran, so the baseline and the anomalies capability make what the released step made.

const ANOMALIES = `CREATE TABLE anomalies (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        source TEXT NOT NULL,
        external_id TEXT,
        event_id TEXT,
        message TEXT NOT NULL,
        created_at TEXT NOT NULL
      )`;
const SOURCE_STATE = `CREATE TABLE source_state (
        source TEXT PRIMARY KEY,
        facts_version INTEGER,
        report TEXT,
        report_version INTEGER,
        cumulative_version INTEGER,
        cumulative_paid INTEGER
      )`;
const EVENTS = `CREATE TABLE events (
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
      )`;

export const MIGRATIONS: readonly Migration[] = [
  {
    id: "001-events-anomalies-sources",
    // Every applied or ignored provider delivery, what could not be applied cleanly, and per source its
    // ordering versions, newest report and cumulative amount paid.
    sql: `
      ${ANOMALIES};
      ${SOURCE_STATE};
      ${EVENTS};`,
  },
  {
    id: "002-anomalies-own-namespace",
    // anomalies moves to its own lazy capability (ANOMALY_MIGRATIONS), made by an invoice's first anomaly:
    // most invoices never have one. An object that has the table keeps it, recorded under that namespace.
    sql: handOver("anomalies", "anomalies", 1),
  },
];

/** A fresh object's ingest tables: those of step 001 but anomalies, which step 002 moved out. */
export const BASELINE: Capability["baseline"] = { version: 2, sql: [SOURCE_STATE, EVENTS].join(";\n") };

/** The anomalies capability (ingest/anomalies.ts), lazy: the first anomaly noted creates the table. */
export const ANOMALY_MIGRATIONS: readonly Migration[] = [
  { id: "001-anomalies", sql: ifNotExists(ANOMALIES) },
];
