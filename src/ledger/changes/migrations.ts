import type { Migration } from "../host";

// The change feed capability's table, in the invoice's object. Steps are never edited once released.
export const MIGRATIONS: readonly Migration[] = [
  {
    id: "001-change-outbox",
    // The outbox of committed changes. version is the invoice's version (1, 2, ...); the newest row is kept
    // after hand-over, so the next change reads its version and previous summary from one row by primary key.
    // handover_at: when the alarm hands the change over unless the hand-over after commit did; null: handed.
    sql: `
      CREATE TABLE change_outbox (
        version INTEGER PRIMARY KEY,
        body TEXT NOT NULL,
        handover_at INTEGER
      );`,
  },
];
