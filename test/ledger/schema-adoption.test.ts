// Schema versions per capability: a fresh object gets every eager capability's steps, recorded as one
// version row each; an object written under the earlier numbered `_migrations` scheme is adopted step for
// step.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Capability } from "../../src/ledger/host";
import { bringUp, hasSchema, migrate } from "../../src/ledger/schema";
import { uid } from "../helpers";

const capabilitiesOf = (ledger: unknown) => (ledger as { capabilities: Capability[] }).capabilities;
const versions = (sql: SqlStorage) =>
  Object.fromEntries(
    sql
      .exec<{ namespace: string; version: number }>("SELECT namespace, version FROM _schema")
      .toArray()
      .map((r) => [r.namespace, r.version]),
  );
const columns = (sql: SqlStorage, table: string) =>
  sql
    .exec<{ name: string }>(`SELECT name FROM pragma_table_info('${table}')`)
    .toArray()
    .map((r) => r.name);

describe("schema versions", () => {
  it("a fresh object gets every step of every eager capability, one version row each", async () => {
    const stub = env.INVOICE_LEDGER.getByName(`schema:${uid("fresh")}`);
    await runInDurableObject(stub, (ledger, state) => {
      const sql = state.storage.sql;
      const caps = capabilitiesOf(ledger);
      expect(hasSchema(sql)).toBe(false);
      state.storage.transactionSync(() => migrate(sql, caps));
      // The lazy capabilities get theirs with their first write (test/ledger/lazy-tables.test.ts).
      const eager = caps.filter((c) => !c.lazy);
      expect(versions(sql)).toEqual(Object.fromEntries(eager.map((c) => [c.namespace, c.migrations.length])));
      // Running again changes nothing.
      state.storage.transactionSync(() => migrate(sql, caps));
      expect(sql.exec("SELECT COUNT(*) AS n FROM _schema").one().n).toBe(eager.length);
    });
  });

  it("a fresh object's baselines give exactly the schema that replaying every step gives", async () => {
    const shapeOf = (sql: SqlStorage) =>
      sql
        .exec<{ type: string; name: string }>(
          "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name <> '_schema' ORDER BY name",
        )
        .toArray()
        .map((o) => ({
          ...o,
          columns:
            o.type === "table"
              ? sql
                  .exec(`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info('${o.name}')`)
                  .toArray()
              : [],
        }));
    const [viaBaseline, viaSteps] = await Promise.all(
      [true, false].map((baseline) =>
        runInDurableObject(env.INVOICE_LEDGER.getByName(`schema:${uid("shape")}`), (ledger, state) => {
          const caps = capabilitiesOf(ledger).map((c) =>
            baseline ? c : { namespace: c.namespace, migrations: c.migrations, lazy: c.lazy },
          );
          const sql = state.storage.sql;
          state.storage.transactionSync(() => {
            const versions = migrate(sql, caps);
            // Every lazy capability as its first write makes it: from its own steps, where the replayed
            // steps of its former owner did not already make (and hand over) the table.
            for (const c of caps) if (c.lazy && !versions.has(c.namespace)) bringUp(sql, c, 0);
          });
          return shapeOf(sql);
        }),
      ),
    );
    expect(viaBaseline!.length).toBeGreaterThan(8);
    expect(viaBaseline).toEqual(viaSteps);
  });

  it("adopts an object migrated under the numbered scheme (steps 1-3) and applies only what it lacks", async () => {
    const stub = env.INVOICE_LEDGER.getByName(`schema:${uid("legacy")}`);
    await runInDurableObject(stub, (ledger, state) => {
      const sql = state.storage.sql;
      const caps = capabilitiesOf(ledger);
      const step = (ns: string, id: string) =>
        caps.find((c) => c.namespace === ns)!.migrations.find((m) => m.id === id)!.sql;
      state.storage.transactionSync(() => {
        // What the numbered migrations 1, 2 and 3 left behind, with a payment recorded.
        for (const [ns, id] of [
          ["book", "001-invoice-and-lines"],
          ["ingest", "001-events-anomalies-sources"],
          ["idempotency", "001-keys"],
          ["reminders", "001-outbox"],
          ["book", "002-late-reversal-targets"],
        ] as const)
          sql.exec(step(ns, id));
        sql.exec(
          "CREATE TABLE _migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        );
        for (const id of [1, 2, 3]) sql.exec("INSERT INTO _migrations VALUES (?, 'old', 'then')", id);
        sql.exec(
          `INSERT INTO invoice (singleton, merchant_id, invoice_id, currency, total, paid, payments_count,
             lines_count, created_at, updated_at) VALUES (1, 'm', 'i', 'INR', 1000, 400, 1, 1, 'then', 'then')`,
        );
        sql.exec(
          `INSERT INTO lines (id, kind, source, external_id, amount, currency, created_at)
           VALUES ('pay_old', 'payment', 'api', 'k1', 400, 'INR', 'then')`,
        );
        sql.exec(
          'INSERT INTO idempotency VALUES (\'k1\', \'h\', \'{"ok":true,"value":{"line":{"source":"api"}}}\', \'then\')',
        );
      });
      expect(hasSchema(sql)).toBe(true);
      state.storage.transactionSync(() => migrate(sql, caps));
      expect(versions(sql)).toEqual(Object.fromEntries(caps.map((c) => [c.namespace, c.migrations.length])));
      expect(sql.exec("SELECT name FROM sqlite_master WHERE name = '_migrations'").toArray()).toEqual([]);
      // Steps 4 and later ran once: the new columns and tables exist, the old data is there, keys moved.
      expect(columns(sql, "lines")).toContain("requested_amount");
      expect(columns(sql, "invoice")).toContain("tds_reversed");
      expect(sql.exec("SELECT scope, key FROM idempotency_keys").toArray()).toEqual([
        { scope: "api", key: "k1" },
      ]);
      expect(sql.exec("SELECT paid FROM invoice").one().paid).toBe(400);
    });
  });

  it("an object at reminders step 3 keeps its reminders through the steering rebuild", async () => {
    const stub = env.INVOICE_LEDGER.getByName(`schema:${uid("steer")}`);
    await runInDurableObject(stub, (ledger, state) => {
      const sql = state.storage.sql;
      const caps = capabilitiesOf(ledger);
      // Every capability as released before step 004: the other capabilities in full, reminders to step 3.
      const before = caps.map((c) =>
        c.namespace === "reminders" ? { namespace: c.namespace, migrations: c.migrations.slice(0, 3) } : c,
      );
      state.storage.transactionSync(() => {
        migrate(sql, before);
        sql.exec(
          `INSERT INTO reminders (id, reason, day, status, attempts, last_error, handover_at, created_at, updated_at)
           VALUES ('rem_a', 'overdue', '2030-01-01', 'failed', 2, 'HTTP 400', NULL, 't', 't'),
                  ('rem_b', 'partial_payment', '2030-01-02', 'sent', 1, NULL, 123, 't', 't')`,
        );
      });
      state.storage.transactionSync(() => migrate(sql, caps));
      expect(versions(sql).reminders).toBe(caps.find((c) => c.namespace === "reminders")!.migrations.length);
      expect(
        sql
          .exec("SELECT seq, id, status, attempts, last_error, handover_at, resend_of FROM reminders")
          .toArray(),
      ).toEqual([
        {
          seq: 1,
          id: "rem_a",
          status: "failed",
          attempts: 2,
          last_error: "HTTP 400",
          handover_at: null,
          resend_of: null,
        },
        {
          seq: 2,
          id: "rem_b",
          status: "sent",
          attempts: 1,
          last_error: null,
          handover_at: 123,
          resend_of: null,
        },
      ]);
      // Still one scheduled reminder per (reason, day); a resend of it may share them; seq keeps counting.
      const insert = (id: string, resendOf: string | null) =>
        sql.exec(
          `INSERT INTO reminders (id, reason, day, status, resend_of, created_at, updated_at)
           VALUES (?, 'overdue', '2030-01-01', 'pending', ?, 't', 't')`,
          id,
          resendOf,
        );
      expect(() => insert("rem_c", null)).toThrow(/UNIQUE/);
      insert("rem_d", "rem_a");
      expect(sql.exec("SELECT seq FROM reminders WHERE id = 'rem_d'").one().seq).toBe(3);
      expect(columns(sql, "reminder_state")).toEqual(
        expect.arrayContaining(["settle_at", "paused_at", "quiet_until", "payment_unreminded"]),
      );
    });
  });
});
