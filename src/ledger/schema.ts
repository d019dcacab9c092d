import type { Capability } from "./host";

// Each capability's schema version is the number of its steps applied: one row per capability, so a new
// invoice writes 4 bookkeeping rows rather than one per step (bench:rows counts them).
const VERSIONS = "_schema";
/** Earlier ways the same steps were recorded: numbered for the whole object, then one row per step. */
const LEGACY = "_migrations";
const PER_STEP = "_capability_migrations";

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
      .exec(
        `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name IN ('${VERSIONS}', '${LEGACY}', '${PER_STEP}')`,
      )
      .toArray().length > 0
  );
}

/**
 * Brings every capability to its newest version, in the capabilities' order (later ones may name earlier
 * ones' tables), and answers each capability's version. The steps a capability still lacks run as one
 * statement batch. A lazy capability without a version has no tables yet and is left to LazyTables.ensure.
 * Runs inside the caller's transaction, so a failed step leaves nothing half-applied.
 */
export function migrate(sql: SqlStorage, capabilities: readonly Capability[]): Map<string, number> {
  sql.exec(`CREATE TABLE IF NOT EXISTS ${VERSIONS} (namespace TEXT PRIMARY KEY, version INTEGER NOT NULL)`);
  const versions = new Map(
    sql
      .exec<{ namespace: string; version: number }>(`SELECT namespace, version FROM ${VERSIONS}`)
      .toArray()
      .map((r) => [r.namespace, r.version]),
  );
  adoptEarlierRecords(sql, capabilities, versions);
  let upgraded = false;
  for (const c of capabilities) {
    const from = versions.get(c.namespace) ?? 0;
    if (from >= c.migrations.length || (from === 0 && c.lazy)) continue;
    upgraded ||= from > 0;
    bringUp(sql, c, from);
    versions.set(c.namespace, c.migrations.length);
  }
  // An older object's upgrade may hand a table its earlier steps created to a lazy capability (handOver
  // below records that capability's version): read the versions again, so the host knows that table is
  // there and that capability gets its own later steps. Once: the next pass finds nothing to upgrade.
  return upgraded ? migrate(sql, capabilities) : versions;
}

/** Runs a capability's steps after `from` (from 0: its baseline, if any, first) and records its version. */
export function bringUp(sql: SqlStorage, c: Capability, from: number): void {
  const statements: string[] = [];
  let next = from;
  if (next === 0 && c.baseline) {
    statements.push(c.baseline.sql);
    next = c.baseline.version;
  }
  for (const m of c.migrations.slice(next)) statements.push(m.sql);
  sql.exec(statements.map((s) => s.trim().replace(/;$/, "")).join(";\n"));
  sql.exec(
    `INSERT INTO ${VERSIONS} (namespace, version) VALUES (?, ?)
     ON CONFLICT (namespace) DO UPDATE SET version = excluded.version`,
    c.namespace,
    c.migrations.length,
  );
}

/**
 * The step by which a capability hands a table its earlier steps created eagerly to the lazy capability
 * `namespace` that owns it now: on an object that has the table, that capability is recorded at `version`
 * (the number of its own steps that make the table as it is). One sqlite_master lookup, run once per
 * object as the owner's step; a fresh object (whose owner's baseline no longer has the table) never runs it.
 */
export const handOver = (table: string, namespace: string, version: number): string =>
  `INSERT OR IGNORE INTO ${VERSIONS} (namespace, version)
   SELECT '${namespace}', ${version} FROM sqlite_master WHERE type = 'table' AND name = '${table}'`;

/** Turns the steps an object recorded the earlier ways into versions, once, and drops those records. */
function adoptEarlierRecords(
  sql: SqlStorage,
  capabilities: readonly Capability[],
  versions: Map<string, number>,
): void {
  const tables = sql
    .exec<{ name: string }>(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('${LEGACY}', '${PER_STEP}')`,
    )
    .toArray()
    .map((r) => r.name);
  if (tables.length === 0) return;
  const steps: Array<[string, string]> = [];
  if (tables.includes(LEGACY)) {
    for (const { id } of sql.exec<{ id: number }>(`SELECT id FROM ${LEGACY}`))
      steps.push(...(LEGACY_STEPS[id] ?? []));
  }
  if (tables.includes(PER_STEP)) {
    for (const r of sql.exec<{ namespace: string; id: string }>(`SELECT namespace, id FROM ${PER_STEP}`)) {
      steps.push([r.namespace, r.id]);
    }
  }
  for (const [namespace, id] of steps) {
    const index = capabilities
      .find((c) => c.namespace === namespace)
      ?.migrations.findIndex((m) => m.id === id);
    if (index === undefined || index < 0) continue;
    versions.set(namespace, Math.max(versions.get(namespace) ?? 0, index + 1));
  }
  for (const [namespace, version] of versions) {
    sql.exec(
      `INSERT INTO ${VERSIONS} (namespace, version) VALUES (?, ?)
       ON CONFLICT (namespace) DO UPDATE SET version = excluded.version`,
      namespace,
      version,
    );
  }
  for (const t of tables) sql.exec(`DROP TABLE ${t}`);
}
