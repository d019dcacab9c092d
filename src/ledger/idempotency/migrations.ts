import type { Capability, Migration } from "../host";

const KEYS = `CREATE TABLE idempotency_keys (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (scope, key)
      )`;

// The idempotency capability's tables.
// Steps are never edited once released: a change is a new step.

export const MIGRATIONS: readonly Migration[] = [
  {
    id: "001-keys",
    sql: `
      CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        request_hash TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at TEXT NOT NULL
      );`,
  },
  {
    id: "002-scoped-keys",
    // Keys move into a namespace per request family (api, refrens, chargebee), so that no key a client
    // chooses can reach a stored result of another family; refusals are no longer kept.
    sql: `
      ${KEYS};
      INSERT OR IGNORE INTO idempotency_keys (scope, key, request_hash, result, created_at)
        SELECT
          CASE json_extract(result, '$.value.line.source')
            WHEN 'refrens' THEN 'refrens' WHEN 'chargebee' THEN 'chargebee' ELSE 'api' END,
          CASE json_extract(result, '$.value.line.source')
            WHEN 'refrens' THEN substr(key, 9) WHEN 'chargebee' THEN substr(key, 11) ELSE key END,
          request_hash, result, created_at
        FROM idempotency WHERE json_extract(result, '$.ok') = 1;
      DROP TABLE idempotency;`,
  },
];

export const BASELINE: Capability["baseline"] = { version: 2, sql: KEYS };
