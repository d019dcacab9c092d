// The lazy capabilities (allocations, anomalies, idempotency): a new invoice stores none of their tables;
// the first write that needs one makes it inside its own transaction (so a rollback takes it back); every
// read answers as if it were empty while it is missing; and an object made when every table came with the
// first write keeps, and keeps using, what those tables hold.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect } from "vitest";
import type { Idempotency } from "../../src/ledger/commands";
import type { Capability } from "../../src/ledger/host";
import { InvoiceLedger } from "../../src/ledger/invoice-ledger";
import { migrate } from "../../src/ledger/schema";
import type { LineInput } from "../../src/ledger/types";
import { call, createInvoice, it, track, uid } from "../helpers";
import {
  delivery,
  FACTS,
  freshLedger,
  type Ledger,
  linesOf,
  openLedger,
  sql,
  tables,
} from "../support/ledger";
import {
  deliver as deliverStandard,
  standardMerchant,
  payment as standardPayment,
  upsert,
} from "../support/standard";

const LAZY = ["anomalies", "idempotency_keys", "reversal_allocations"];
const lazyTables = async (l: Pick<Ledger, "stub">) => (await tables(l)).filter((t) => LAZY.includes(t));
const stubOf = (merchantId: string, invoiceId: string) => ({
  stub: env.INVOICE_LEDGER.getByName(`${merchantId}:${invoiceId}`),
});
const key = (k: string, requestHash = "h"): Idempotency => ({ scope: "api", key: k, requestHash });
const version = async (l: Ledger, namespace: string) =>
  (await sql<{ version: number }>(l, "SELECT version FROM _schema WHERE namespace = ?", namespace))[0]
    ?.version;

/**
 * Runs `write` on the live object with its change record failing, so the whole transaction rolls back
 * after the write did its part (made a lazy table, say); the object's next request then runs normally.
 */
const failingOnce = (l: Ledger, write: (ledger: InvoiceLedger) => Promise<unknown>) =>
  runInDurableObject(l.stub, async (ledger) => {
    const changes = (ledger as unknown as { changes: { record: () => void } }).changes;
    const record = changes.record;
    changes.record = () => {
      throw new Error("change record failed");
    };
    try {
      await expect(write(ledger)).rejects.toThrow("change record failed");
    } finally {
      changes.record = record;
    }
  });

describe("lazy tables", () => {
  it("a new invoice from a webhook, or from the API without an Idempotency-Key, has none; reads make none", async () => {
    const m = await standardMerchant();
    const hooked = uid("inv");
    track(m.id, hooked);
    expect((await deliverStandard(m.id, upsert(hooked))).status).toBe(200);
    expect((await deliverStandard(m.id, standardPayment(hooked, "p-1", 40_000))).status).toBe(200);

    const api = await createInvoice(m.key);
    track(m.id, api.id);
    const paid = await call("POST", `/v1/invoices/${api.id}/payments`, {
      key: m.key,
      body: { amount: 10_000 },
    });
    expect(paid.status).toBe(201);

    for (const id of [hooked, api.id]) {
      const lines = await call("GET", `/v1/invoices/${id}/payments`, { key: m.key });
      expect(lines.body.data.map((l: { reversed_amount: number }) => l.reversed_amount)).toEqual([0]);
      const anomalies = await call("GET", `/v1/invoices/${id}/anomalies`, { key: m.key });
      expect([anomalies.status, anomalies.body.data]).toEqual([200, []]);
      expect((await call("GET", `/v1/invoices/${id}`, { key: m.key })).status).toBe(200);
      const l = stubOf(m.id, id);
      expect(await tables(l)).toContain("lines");
      expect(await lazyTables(l)).toEqual([]);
      const recorded = await sql<{ namespace: string }>(
        l,
        "SELECT namespace FROM _schema ORDER BY namespace",
      );
      expect(recorded.map((r) => r.namespace)).toEqual(["book", "changes", "ingest", "reminders"]);
      expect((await l.stub.audit())?.overReversedPayments).toBe(0);
    }
  });

  it("the first reversal makes the allocations table; later reversals respect it, and lines show it", async () => {
    const l = await openLedger();
    const razorpay = (line: Omit<LineInput, "source" | "currency">) =>
      l.stub.ingest(
        l.ref,
        delivery("razorpay", { lines: [{ ...line, source: "razorpay", currency: "INR" }] }),
      );
    await razorpay({ kind: "payment", externalId: "p-1", amount: 30_000 });
    expect(await lazyTables(l)).toEqual([]);
    // A partial refund by the provider, then the merchant reverses what is left.
    const refund = { source: "razorpay", externalId: "p-1" };
    expect(
      (await razorpay({ kind: "reversal", externalId: "rf-1", amount: 10_000, reverses: refund })).lines,
    ).toEqual(["applied"]);
    expect(await lazyTables(l)).toEqual(["reversal_allocations"]);
    expect(await version(l, "allocations")).toBe(1);
    const paymentId = (await linesOf(l))[0]!.id;
    const rest = await l.stub.reversePayment(paymentId, { source: "api" });
    expect(rest.ok && rest.value.line.amount).toBe(20_000);
    expect(await l.stub.reversePayment(paymentId, { source: "api" })).toMatchObject({
      code: "already_reversed",
    });
    expect((await linesOf(l)).map((x) => [x.kind, x.reversed])).toEqual([
      ["payment", 30_000],
      ["reversal", null],
      ["reversal", null],
    ]);
    expect((await l.stub.audit())?.overReversedPayments).toBe(0);
  });

  it("a reversal that takes nothing back (its payment has not arrived) makes no table", async () => {
    const l = await openLedger();
    const early = {
      kind: "reversal" as const,
      source: "razorpay",
      externalId: "rf-1",
      amount: 5_000,
      currency: "INR",
    };
    await l.stub.ingest(
      l.ref,
      delivery("razorpay", { lines: [{ ...early, reverses: { source: "razorpay", externalId: "p-1" } }] }),
    );
    expect(await lazyTables(l)).toEqual(["anomalies"]); // reversal_target_unknown
    // The payment arrives: the waiting reversal takes back from it, and that makes the table.
    await l.stub.ingest(
      l.ref,
      delivery("razorpay", {
        lines: [{ kind: "payment", source: "razorpay", externalId: "p-1", amount: 8_000, currency: "INR" }],
      }),
    );
    expect(await lazyTables(l)).toEqual(["anomalies", "reversal_allocations"]);
    expect((await linesOf(l)).find((x) => x.kind === "payment")?.reversed).toBe(5_000);
  });

  it("the first anomaly makes the anomalies table, and the list reads it", async () => {
    const l = await openLedger();
    await l.stub.recordPayment({ source: "api", amount: 1_000 });
    expect((await l.stub.listAnomalies())?.items).toEqual([]);
    expect(await lazyTables(l)).toEqual([]);
    const usd = await l.stub.ingest(
      l.ref,
      delivery("razorpay", {
        lines: [{ kind: "payment", source: "razorpay", externalId: "p-usd", amount: 500, currency: "USD" }],
      }),
    );
    expect(usd.anomalies).toEqual(["currency_mismatch"]);
    expect(await lazyTables(l)).toEqual(["anomalies"]);
    expect(await version(l, "anomalies")).toBe(1);
    expect((await l.stub.listAnomalies())?.items.map((a) => a.kind)).toEqual(["currency_mismatch"]);
    expect((await l.stub.getInvoice())?.anomaliesCount).toBe(1);
  });

  it("the first kept Idempotency-Key makes the keys table; it replays after, also in a new instance", async () => {
    const l = await openLedger();
    const refused = await l.stub.recordPayment({ source: "api", amount: 200_000 }, key("k1", "too-much"));
    expect(refused).toMatchObject({ code: "amount_exceeds_due" });
    expect(await lazyTables(l)).toEqual([]);
    const first = await l.stub.recordPayment({ source: "api", amount: 1_000 }, key("k1"));
    expect(first.ok).toBe(true);
    expect(await lazyTables(l)).toEqual(["idempotency_keys"]);
    expect((await l.stub.recordPayment({ source: "api", amount: 1_000 }, key("k1"))).replayed).toBe(true);
    expect(await l.stub.recordPayment({ source: "api", amount: 2_000 }, key("k1", "other"))).toMatchObject({
      code: "idempotency_key_reused",
    });
    // After an eviction the object knows the table from its recorded version, without creating anything.
    const again = await runInDurableObject(l.stub, (_live, state) =>
      new InvoiceLedger(state, env).recordPayment({ source: "api", amount: 1_000 }, key("k1")),
    );
    expect(again.replayed).toBe(true);
    expect((await linesOf(l)).length).toBe(1);
  });

  it("a first write that rolls back leaves no table, and the next one makes it", async () => {
    const l = await openLedger();
    const pay = await l.stub.recordPayment({ source: "api", amount: 30_000 });
    if (!pay.ok) throw new Error("payment refused");
    const usd = {
      kind: "payment" as const,
      source: "razorpay",
      externalId: "p-usd",
      amount: 500,
      currency: "USD",
    };
    await failingOnce(l, (ledger) => ledger.reversePayment(pay.value.line.id, { source: "api" }));
    await failingOnce(l, (ledger) => ledger.ingest(l.ref, delivery("razorpay", { lines: [usd] })));
    await failingOnce(l, (ledger) => ledger.recordPayment({ source: "api", amount: 1_000 }, key("k1")));
    expect(await lazyTables(l)).toEqual([]);
    expect(
      await sql(
        l,
        "SELECT namespace FROM _schema WHERE namespace IN ('allocations', 'anomalies', 'idempotency')",
      ),
    ).toEqual([]);
    expect((await l.stub.getInvoice())?.totals).toMatchObject({ paid: 30_000, reversed: 0, linesCount: 1 });

    // The same object (its memory of which tables exist rolled back too) makes each with the retried write.
    expect((await l.stub.reversePayment(pay.value.line.id, { source: "api" })).ok).toBe(true);
    expect((await l.stub.ingest(l.ref, delivery("razorpay", { lines: [usd] }))).anomalies).toEqual([
      "currency_mismatch",
    ]);
    expect((await l.stub.recordPayment({ source: "api", amount: 1_000 }, key("k1"))).ok).toBe(true);
    expect((await l.stub.recordPayment({ source: "api", amount: 1_000 }, key("k1"))).replayed).toBe(true);
    expect(await lazyTables(l)).toEqual(LAZY);
  });

  it("a new invoice whose first write rolls back leaves no table at all, and a later write creates it", async () => {
    const l = freshLedger();
    await failingOnce(l, (ledger) => ledger.upsertInvoice(l.ref, FACTS));
    expect(await tables(l)).toEqual([]);
    expect(await l.stub.getInvoice()).toBeNull();
    expect((await l.stub.upsertInvoice(l.ref, FACTS)).ok).toBe(true);
    expect((await l.stub.getInvoice())?.totals.paid).toBe(0);
  });

  it("an object made when every table came with the first write keeps its allocations, anomalies and keys", async () => {
    const l = freshLedger();
    const stored = { ok: true, value: { line: { id: "pay_old", source: "api" } } };
    await runInDurableObject(l.stub, (ledger, state) => {
      const db = state.storage.sql;
      // The capabilities as released before the lazy ones: book to step 004 and ingest to 001 (the eager
      // baselines equal those steps), every table made by the first write.
      const caps = (ledger as unknown as { capabilities: Capability[] }).capabilities
        .filter((c) => c.namespace !== "allocations" && c.namespace !== "anomalies")
        .map((c) => ({
          namespace: c.namespace,
          migrations:
            c.namespace === "book"
              ? c.migrations.slice(0, 4)
              : c.namespace === "ingest"
                ? c.migrations.slice(0, 1)
                : c.migrations,
        }));
      state.storage.transactionSync(() => migrate(db, caps));
      const now = "2026-01-01T00:00:00.000Z";
      db.exec(
        `INSERT INTO invoice (singleton, merchant_id, invoice_id, currency, total, paid, reversed, payments_count,
           lines_count, anomalies_count, created_at, updated_at)
         VALUES (1, ?, ?, 'INR', 100000, 30000, 10000, 1, 2, 1, ?, ?)`,
        l.ref.merchantId,
        l.ref.invoiceId,
        now,
        now,
      );
      db.exec(
        `INSERT INTO lines (id, kind, source, external_id, amount, currency, reverses_id, idempotency_key, created_at)
         VALUES ('pay_old', 'payment', 'api', 'k-old', 30000, 'INR', NULL, 'k-old', ?),
                ('rev_old', 'reversal', 'razorpay', 'rf-old', 10000, 'INR', 'pay_old', NULL, ?)`,
        now,
        now,
      );
      db.exec(
        "INSERT INTO reversal_allocations (reversal_id, payment_id, applied) VALUES ('rev_old', 'pay_old', 10000)",
      );
      db.exec(
        "INSERT INTO anomalies (kind, source, message, created_at) VALUES ('conflict', 'razorpay', 'old', ?)",
        now,
      );
      db.exec(
        "INSERT INTO idempotency_keys VALUES ('api', 'k-old', 'h-old', ?, ?)",
        JSON.stringify(stored),
        now,
      );
    });
    expect(await lazyTables(l)).toEqual(LAZY);

    // A new instance (as after the deploy's eviction) adopts each table under its own namespace.
    const seen = await runInDurableObject(l.stub, async (_live, state) => {
      const ledger = new InvoiceLedger(state, env);
      const replay = await ledger.recordPayment({ source: "api", amount: 30_000 }, key("k-old", "h-old"));
      const lines = (await ledger.listLines())?.items ?? [];
      const anomalies = (await ledger.listAnomalies())?.items ?? [];
      // What is left of the payment is 20,000: the earlier reversal's allocation still counts.
      const rest = await ledger.reversePayment("pay_old", { source: "api" });
      return { replay, lines, anomalies, rest, audit: await ledger.audit() };
    });
    expect(seen.replay).toEqual({ ...stored, replayed: true });
    expect(seen.lines.map((x) => [x.id, x.reversed])).toEqual([
      ["pay_old", 10_000],
      ["rev_old", null],
    ]);
    expect(seen.anomalies.map((a) => a.message)).toEqual(["old"]);
    expect(seen.rest.ok && seen.rest.value.line.amount).toBe(20_000);
    expect(seen.rest.ok && seen.rest.value.invoice.totals.reversed).toBe(30_000);
    expect(seen.audit?.overReversedPayments).toBe(0);
    expect(await sql(l, "SELECT namespace, version FROM _schema ORDER BY namespace")).toEqual([
      { namespace: "allocations", version: 1 },
      { namespace: "anomalies", version: 1 },
      { namespace: "book", version: 5 },
      { namespace: "changes", version: 1 },
      { namespace: "idempotency", version: 2 },
      { namespace: "ingest", version: 2 },
      { namespace: "reminders", version: expect.any(Number) },
    ]);
    expect(
      await sql(l, "SELECT COUNT(*) AS n FROM reversal_allocations WHERE payment_id = 'pay_old'"),
    ).toEqual([{ n: 2 }]);
  });
});
