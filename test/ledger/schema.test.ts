// The schema, through the object's own RPC surface: each capability's version under its own namespace,
// set by the first write inside its transaction; an object written under the old numbered `_migrations`
// scheme or the per-step `_capability_migrations` one is adopted, not migrated twice; an object that is
// only read stores nothing. (test/ledger/schema-adoption.test.ts drives migrate() itself.)
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect } from "vitest";
import { ALLOCATION_MIGRATIONS, MIGRATIONS as BOOK } from "../../src/ledger/book/migrations";
import { MIGRATIONS as CHANGES } from "../../src/ledger/changes/migrations";
import { MIGRATIONS as IDEMPOTENCY } from "../../src/ledger/idempotency/migrations";
import { ANOMALY_MIGRATIONS, MIGRATIONS as INGEST } from "../../src/ledger/ingest/migrations";
import { InvoiceLedger } from "../../src/ledger/invoice-ledger";
import { MIGRATIONS as REMINDERS } from "../../src/reminders/migrations";
import { it } from "../helpers";
import { delivery, FACTS, freshLedger, type Ledger, sql, tables } from "../support/ledger";

const ALL = {
  book: BOOK,
  allocations: ALLOCATION_MIGRATIONS,
  ingest: INGEST,
  anomalies: ANOMALY_MIGRATIONS,
  idempotency: IDEMPOTENCY,
  reminders: REMINDERS,
  changes: CHANGES,
};

const versions = async (l: Ledger) =>
  Object.fromEntries(
    (await sql<{ namespace: string; version: number }>(l, "SELECT namespace, version FROM _schema")).map(
      (r) => [r.namespace, r.version],
    ),
  );

/** Every capability at its newest version: an older object, which had every table from its first write. */
const NEWEST = Object.fromEntries(Object.entries(ALL).map(([ns, steps]) => [ns, steps.length]));
/** A fresh object: the lazy capabilities (allocations, anomalies, idempotency) have no tables, no version. */
const { allocations: _a, anomalies: _n, idempotency: _i, ...FRESH } = NEWEST;

const columns = async (l: Ledger, table: string) =>
  (await sql<{ name: string }>(l, `SELECT name FROM pragma_table_info('${table}')`)).map((r) => r.name);

/**
 * Builds, by hand, an object as the old numbered scheme left it after `steps` (each numbered step being
 * the capability steps schema.ts maps it to), with an invoice, a payment, its reversal, a stored key and
 * an open reminder; then lets a new instance of the object (as after an eviction) take it over.
 */
async function legacyObject(
  numbered: number,
  steps: string[],
  record: "numbered" | "per-step" = "numbered",
): Promise<Ledger> {
  const l = freshLedger();
  await runInDurableObject(l.stub, (_ledger, state) => {
    const db = state.storage.sql;
    for (const step of steps) {
      const [ns, id] = step.split("/") as [keyof typeof ALL, string];
      db.exec(ALL[ns].find((m) => m.id === id)!.sql);
    }
    if (record === "numbered") {
      db.exec("CREATE TABLE _migrations (id INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
      for (let n = 1; n <= numbered; n++) db.exec("INSERT INTO _migrations VALUES (?, ?)", n, "2026-01-01");
    } else {
      db.exec(`CREATE TABLE _capability_migrations (
        namespace TEXT NOT NULL, id TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (namespace, id))`);
      for (const step of steps) {
        const [ns, id] = step.split("/");
        db.exec("INSERT INTO _capability_migrations VALUES (?, ?, '2026-01-01')", ns, id);
      }
    }
    const now = "2026-01-01T00:00:00.000Z";
    db.exec(
      `INSERT INTO invoice (singleton, merchant_id, invoice_id, currency, total, paid, reversed, payments_count,
         lines_count, created_at, updated_at) VALUES (1, ?, ?, 'INR', 100000, 30000, 10000, 1, 2, ?, ?)`,
      l.ref.merchantId,
      l.ref.invoiceId,
      now,
      now,
    );
    db.exec(
      `INSERT INTO lines (id, kind, source, external_id, amount, currency, reverses_id, created_at) VALUES
         ('pay_old', 'payment', 'refrens', 'r-1', 30000, 'INR', NULL, ?),
         ('rev_old', 'reversal', 'api', 'x-1', 10000, 'INR', 'pay_old', ?)`,
      now,
      now,
    );
    const result = JSON.stringify({ ok: true, value: { line: { id: "pay_old", source: "refrens" } } });
    if (steps.includes("idempotency/002-scoped-keys")) {
      db.exec("INSERT INTO idempotency_keys VALUES ('refrens', 'abc', 'h', ?, ?)", result, now);
    } else {
      db.exec("INSERT INTO idempotency VALUES ('refrens:abc', 'h', ?, ?)", result, now);
    }
    db.exec(
      `INSERT INTO reminders (id, reason, day, status, created_at, updated_at)
       VALUES ('rem_old', 'due_soon', '2030-01-28', 'pending', ?, ?)`,
      now,
      now,
    );
  });
  return l;
}

/** A new instance of the object over the same storage: what the runtime builds after an eviction. */
const reopen = (l: Ledger) =>
  runInDurableObject(l.stub, async (_old, state) => {
    const ledger = new InvoiceLedger(state, env);
    return { invoice: await ledger.getInvoice(), lines: (await ledger.listLines())?.items ?? [] };
  });

async function expectAdopted(l: Ledger) {
  const names = await tables(l);
  expect(names).not.toContain("_migrations");
  expect(names).not.toContain("_capability_migrations");
  expect(await versions(l)).toEqual(NEWEST);
  // Later steps' effects, each exactly once.
  expect(await sql(l, "SELECT reversal_id, payment_id, applied FROM reversal_allocations")).toEqual([
    { reversal_id: "rev_old", payment_id: "pay_old", applied: 10_000 },
  ]);
  expect(await sql(l, "SELECT scope, key FROM idempotency_keys")).toEqual([{ scope: "refrens", key: "abc" }]);
  expect(await columns(l, "reminders")).toContain("handover_at");
  expect(await columns(l, "reminder_state")).not.toContain("payment_seq");
}

describe("schema", () => {
  it("a written object has each capability's tables and its newest version under its namespace", async () => {
    const l = freshLedger();
    expect((await l.stub.upsertInvoice(l.ref, FACTS)).ok).toBe(true);
    expect(await tables(l)).toEqual([
      "_schema",
      "change_outbox", // changes
      "events", // ingest
      "invoice", // book
      "lines", // book
      "reminder_state", // reminders
      "reminders", // reminders
      "source_state", // ingest
    ]);
    expect(await versions(l)).toEqual(FRESH);
  });

  it("an object that is only read, or asked to change an invoice it does not have, creates no table", async () => {
    const l = freshLedger();
    expect(await l.stub.getInvoice()).toBeNull();
    expect(await l.stub.listLines()).toBeNull();
    expect(await l.stub.listEvents()).toBeNull();
    expect(await l.stub.listAnomalies()).toBeNull();
    expect(await l.stub.listReminders()).toBeNull();
    expect(await l.stub.audit()).toBeNull();
    expect(await l.stub.recordPayment({ source: "api", amount: 100 })).toMatchObject({ code: "not_found" });
    expect(await l.stub.reversePayment("pay_x", { source: "api" })).toMatchObject({ code: "not_found" });
    expect(await l.stub.voidInvoice()).toMatchObject({ code: "not_found" });
    expect((await l.stub.ingest(l.ref, delivery("razorpay", { ignored: "not ours" }))).outcome).toBe(
      "ignored",
    );
    expect(await l.stub.claimReminder("rem_x", { leaseMs: 1_000, maxAttempts: 3 })).toEqual({
      kind: "unknown",
    });
    expect(await tables(l)).toEqual([]);
  });

  it("adopts an object migrated by the old numbered scheme to step 3, and runs the later steps once", async () => {
    const upTo3 = [
      "book/001-invoice-and-lines",
      "ingest/001-events-anomalies-sources",
      "idempotency/001-keys",
      "reminders/001-outbox",
      "book/002-late-reversal-targets",
    ];
    const l = await legacyObject(3, upTo3);
    const { invoice, lines } = await reopen(l);
    expect(invoice?.totals).toMatchObject({ paid: 30_000, reversed: 10_000, linesCount: 2 });
    expect(lines.map((x) => x.id)).toEqual(["pay_old", "rev_old"]);
    await expectAdopted(l);
    expect(await sql(l, "SELECT handover_at FROM reminders")).toEqual([{ handover_at: 0 }]);
    // Another instance finds nothing left to run.
    await reopen(l);
    await expectAdopted(l);
  });

  it("adopts an object migrated by the old numbered scheme to step 5, running only what came after", async () => {
    const upTo5 = [
      "book/001-invoice-and-lines",
      "ingest/001-events-anomalies-sources",
      "idempotency/001-keys",
      "reminders/001-outbox",
      "book/002-late-reversal-targets",
      "book/003-reversal-caps",
      "idempotency/002-scoped-keys",
      "reminders/002-handover-leases",
    ];
    const l = await legacyObject(5, upTo5);
    // Step 4 backfilled allocations when it ran; the hand-built object has none, so none must appear now.
    await runInDurableObject(l.stub, (_i, state) => {
      state.storage.sql.exec("INSERT INTO reversal_allocations VALUES ('rev_old', 'pay_old', 10000, 0, 0)");
    });
    const { invoice } = await reopen(l);
    expect(invoice?.totals.reversed).toBe(10_000);
    await expectAdopted(l);
    // The reminders' later steps ran on the existing table: its open reminder is still there.
    expect(await sql(l, "SELECT id FROM reminders")).toEqual([{ id: "rem_old" }]);
  });

  it("adopts an object that recorded its steps one row each, running only the steps it lacked", async () => {
    const allButLast = [
      "book/001-invoice-and-lines",
      "book/002-late-reversal-targets",
      "book/003-reversal-caps",
      "ingest/001-events-anomalies-sources",
      "idempotency/001-keys",
      "idempotency/002-scoped-keys",
      "reminders/001-outbox",
      "reminders/002-handover-leases",
    ];
    const l = await legacyObject(0, allButLast, "per-step");
    await runInDurableObject(l.stub, (_i, state) => {
      state.storage.sql.exec("INSERT INTO reversal_allocations VALUES ('rev_old', 'pay_old', 10000, 0, 0)");
    });
    const { lines } = await reopen(l);
    expect(lines.map((x) => x.id)).toEqual(["pay_old", "rev_old"]);
    await expectAdopted(l);
  });
});
