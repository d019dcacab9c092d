import type { Capability } from "./host";

const APPLIED = "_capability_migrations";
const LEGACY = "_migrations";

/**
 * Objects written before each capability owned its migrations recorded the same steps by number in
 * `_migrations`; these are those steps under their owners' names, so such an object is adopted, not migrated
 * twice.
 */
const LEGACY_STEPS: Record<number, Array<[namespace: string, id: string]>> = {
  1: [
    ["book", "001-invoice-and-lines"],
    ["ingest", "001-events-anomalies-sources"],
    ["idempotency", "001-keys"],
  ],
  2: [["reminders", "001-outbox"]],
  3: [["book", "002-late-reversal-targets"]],
  4: [
    ["book", "003-reversal-caps"],
    ["idempotency", "002-scoped-keys"],
  ],
  5: [["reminders", "002-handover-leases"]],
};

/** Whether the object was ever written: a read of one that was not must find, and create, no tables. */
export function hasSchema(sql: SqlStorage): boolean {
  return (
    sql
      .exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name IN ('${APPLIED}', '${LEGACY}')`)
      .toArray().length > 0
  );
}

/** Applies, in the capabilities' order, every step not yet applied. Runs inside the caller's transaction. */
export function migrate(sql: SqlStorage, capabilities: readonly Capability[]): void {
  sql.exec(
    `CREATE TABLE IF NOT EXISTS ${APPLIED} (
       namespace TEXT NOT NULL, id TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (namespace, id))`,
  );
  adoptLegacy(sql);
  const applied = new Set(
    sql
      .exec<{ namespace: string; id: string }>(`SELECT namespace, id FROM ${APPLIED}`)
      .toArray()
      .map((r) => `${r.namespace}/${r.id}`),
  );
  for (const c of capabilities) {
    for (const m of c.migrations) {
      if (applied.has(`${c.namespace}/${m.id}`)) continue;
      sql.exec(m.sql);
      record(sql, c.namespace, m.id);
    }
  }
}

function adoptLegacy(sql: SqlStorage): void {
  const legacy = sql.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '${LEGACY}'`);
  if (legacy.toArray().length === 0) return;
  for (const { id } of sql.exec<{ id: number }>(`SELECT id FROM ${LEGACY}`).toArray()) {
    for (const [namespace, step] of LEGACY_STEPS[id] ?? []) record(sql, namespace, step);
  }
  sql.exec(`DROP TABLE ${LEGACY}`);
}

function record(sql: SqlStorage, namespace: string, id: string): void {
  sql.exec(
    `INSERT OR IGNORE INTO ${APPLIED} (namespace, id, applied_at) VALUES (?, ?, ?)`,
    namespace,
    id,
    new Date().toISOString(),
  );
}
