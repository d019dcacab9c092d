// The index and the change feed below HTTP: the index's apply RPC driven with shuffled and duplicated
// batches, rows read per query on a large index, the change records an invoice writes, and the alarm's
// hand-over of a change the hand-over after commit missed.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { InvoiceLedger } from "../../src/ledger/invoice-ledger";
import { migrate } from "../../src/ledger/schema";
import type { InvoiceChange, InvoiceSummary } from "../../src/portfolio/change";
import { INDEX_MIGRATIONS } from "../../src/portfolio/index-migrations";
import { COLUMNS, columnsOf } from "../../src/portfolio/index-rows";
import { uid } from "../helpers";

const summary = (id: string, version: number, over: Partial<InvoiceSummary> = {}): InvoiceSummary => ({
  id,
  number: `N-${id}`,
  currency: "INR",
  total: 100_000,
  amountPaid: version * 1000,
  amountDue: 100_000 - version * 1000,
  creditBalance: 0,
  status: version === 1 ? "open" : "partially_paid",
  dueDate: `2030-01-${String((version % 28) + 1).padStart(2, "0")}`,
  customer: { name: null, email: null },
  anomaliesCount: 0,
  providerMismatch: false,
  sources: ["api"],
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, version)).toISOString(),
  voidedAt: null,
  remindersFailed: 0,
  reminderFailedAt: null,
  ...over,
});

/** The invoice row's columns as index step 003 left them (the two after them came with step 004). */
const COLUMNS_003 = COLUMNS.split(",")
  .map((c) => c.trim())
  .slice(0, 24)
  .join(", ");

const change = (merchantId: string, id: string, version: number): InvoiceChange => ({
  v: 1,
  merchantId,
  invoiceId: id,
  version,
  kinds: version === 1 ? ["created"] : ["payment_recorded"],
  previousStatus: null,
  at: new Date().toISOString(),
  invoice: summary(id, version),
});

describe("the merchant index", () => {
  it("ends exact whatever the order and repetition of the changes it is given", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 8 }),
        fc.infiniteStream(fc.nat()),
        async (finals, batchSize, noise) => {
          const merchantId = uid("idx");
          const index = env.MERCHANT_INDEX.getByName(merchantId);
          const all: InvoiceChange[] = [];
          finals.forEach((last, n) => {
            for (let v = 1; v <= last; v++) all.push(change(merchantId, `inv-${n}`, v));
          });
          // Every change at least once, some twice, in an order no queue would promise.
          const dup = [...all, ...all.filter(() => noise.next().value % 3 === 0)];
          const shuffled = dup
            .map((c) => ({ c, k: noise.next().value }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.c);
          for (let i = 0; i < shuffled.length; i += batchSize)
            await index.apply(shuffled.slice(i, i + batchSize));
          const page = await index.list({ filters: {}, sort: "due_date", limit: 200 });
          expect(page.items.map((r) => [r.id, r.version, r.amountPaid]).sort()).toEqual(
            finals.map((last, n) => [`inv-${n}`, last, last * 1000]).sort(),
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it("reads rows close to the page size, whatever the number of invoices", async () => {
    const merchantId = uid("big");
    const index = env.MERCHANT_INDEX.getByName(merchantId);
    const statuses = ["open", "partially_paid", "paid", "overpaid", "void"] as const;
    for (let start = 0; start < 5000; start += 500) {
      const batch = [];
      for (let i = start; i < start + 500; i++) {
        const c = change(merchantId, `inv-${String(i).padStart(5, "0")}`, (i % 20) + 1);
        c.invoice.status = statuses[i % 5]!;
        c.invoice.customer.email = `c${i % 100}@x.test`;
        // A tenth in another currency and a few flagged, as a filter's few matches are what a scan misses.
        c.invoice.currency = i % 10 === 3 ? "USD" : "INR";
        c.invoice.anomaliesCount = i % 50 === 1 ? 1 : 0;
        c.invoice.providerMismatch = i % 40 === 7;
        batch.push(c);
      }
      await index.apply(batch);
    }
    const cases = [
      { filters: {}, sort: "due_date" as const },
      { filters: {}, sort: "-updated_at" as const },
      { filters: {}, sort: "-amount_due" as const },
      { filters: { status: ["partially_paid" as const] }, sort: "due_date" as const },
      { filters: { customerEmail: "c7@x.test" }, sort: "due_date" as const },
      { filters: { q: "inv-0420" }, sort: "due_date" as const },
      // A filter with a sort its own index does not serve (issue 9): each must walk one composite index.
      { filters: { status: ["partially_paid" as const] }, sort: "-amount_due" as const },
      { filters: { status: ["open" as const] }, sort: "-updated_at" as const },
      { filters: { status: ["void" as const] }, sort: "-due_date" as const },
      { filters: { currency: "USD" }, sort: "due_date" as const },
      { filters: { currency: "USD" }, sort: "-amount_due" as const },
      { filters: { currency: "USD" }, sort: "-updated_at" as const },
      { filters: { hasAnomalies: true }, sort: "due_date" as const },
      { filters: { hasAnomalies: true }, sort: "-amount_due" as const },
      { filters: { hasAnomalies: true }, sort: "-updated_at" as const },
      { filters: { providerMismatch: true }, sort: "-due_date" as const },
      { filters: { providerMismatch: true }, sort: "-amount_due" as const },
      { filters: { providerMismatch: true }, sort: "-updated_at" as const },
    ];
    for (const c of cases) {
      const first = await index.list({ ...c, limit: 50 });
      expect(first.rowsRead, JSON.stringify(c)).toBeLessThanOrEqual(160);
      if (!first.next) continue;
      const second = await index.list({ ...c, limit: 50, after: first.next as [string, string] });
      expect(second.items[0]?.id).not.toBe(first.items.at(-1)?.id);
      expect(second.rowsRead, JSON.stringify(c)).toBeLessThanOrEqual(160);
    }
  });
});

describe("failed reminders in the index", () => {
  const failing = (merchantId: string, id: string, version: number, count: number, at: string | null) => ({
    ...change(merchantId, id, version),
    invoice: summary(id, version, { remindersFailed: count, reminderFailedAt: at }),
  });
  const listed = async (merchantId: string) =>
    (await env.MERCHANT_INDEX.getByName(merchantId).reminderFailures("2000-01-01T00:00:00Z", 20)).map((f) => [
      f.invoice.id,
      f.failedAt,
      f.invoice.remindersFailed,
    ]);

  it("says what the newest change says, whatever the order and repetition of the changes", async () => {
    const merchantId = uid("rf");
    const index = env.MERCHANT_INDEX.getByName(merchantId);
    const t1 = "2026-11-01T10:00:00.000Z";
    const t3 = "2026-11-03T10:00:00.000Z";
    const v1 = failing(merchantId, "a", 1, 1, t1);
    const v2 = failing(merchantId, "a", 2, 0, null);
    // Reordered and repeated: the failure of version 1 must not come back over version 2.
    await index.apply([v2, v1]);
    await index.apply([v1]);
    expect(await listed(merchantId)).toEqual([]);
    await index.apply([failing(merchantId, "a", 3, 2, t3), v2, failing(merchantId, "b", 1, 1, t1)]);
    expect(await listed(merchantId)).toEqual([
      ["a", t3, 2],
      ["b", t1, 1],
    ]);
  });

  it("keeps its own account for a change recorded before the summary carried failures", async () => {
    const merchantId = uid("rf");
    const index = env.MERCHANT_INDEX.getByName(merchantId);
    const legacy = (version: number, kinds: InvoiceChange["kinds"], at: string) => {
      const c = change(merchantId, "a", version);
      const { remindersFailed: _n, reminderFailedAt: _at, ...old } = c.invoice;
      return { ...c, kinds, at, invoice: old as InvoiceSummary };
    };
    const t2 = "2026-11-02T10:00:00.000Z";
    await index.apply([
      legacy(1, ["created"], "2026-11-01T10:00:00.000Z"),
      legacy(2, ["reminder_failed"], t2),
    ]);
    expect(await listed(merchantId)).toEqual([["a", t2, 1]]);
    await index.apply([legacy(3, ["payment_recorded"], "2026-11-03T10:00:00.000Z")]);
    expect(await listed(merchantId)).toEqual([["a", t2, 1]]);
    await index.apply([failing(merchantId, "a", 4, 0, null)]);
    expect(await listed(merchantId)).toEqual([]);
  });

  it("step 004 keeps each failure the old table recorded on the invoice's row, then drops the table", async () => {
    const stub = env.MERCHANT_DELIVERIES.getByName(uid("mig"));
    const rows = await runInDurableObject(stub, (_o, state) => {
      const sql = state.storage.sql;
      const at003 = { namespace: "index", migrations: INDEX_MIGRATIONS.slice(0, 3) };
      state.storage.transactionSync(() => migrate(sql, [at003]));
      for (const id of ["a", "b"]) {
        sql.exec(
          `INSERT INTO invoices (${COLUMNS_003}) VALUES (${COLUMNS_003.split(",")
            .map(() => "?")
            .join(", ")})`,
          ...columnsOf(summary(id, 1), 1, "2026-11-01T00:00:00.000Z").slice(0, 24),
        );
      }
      sql.exec("INSERT INTO reminder_failures (invoice_id, failed_at) VALUES ('a', '2026-11-02T00:00:00Z')");
      state.storage.transactionSync(() =>
        migrate(sql, [{ namespace: "index", migrations: INDEX_MIGRATIONS }]),
      );
      return {
        invoices: sql
          .exec("SELECT invoice_id, reminders_failed, reminder_failed_at FROM invoices ORDER BY invoice_id")
          .toArray(),
        old: sql.exec("SELECT name FROM sqlite_master WHERE name = 'reminder_failures'").toArray(),
      };
    });
    expect(rows).toEqual({
      invoices: [
        { invoice_id: "a", reminders_failed: 1, reminder_failed_at: "2026-11-02T00:00:00Z" },
        { invoice_id: "b", reminders_failed: 0, reminder_failed_at: null },
      ],
      old: [],
    });
  });
});

describe("the change feed", () => {
  const facts = (total: number) => ({
    currency: "INR",
    total,
    dueDate: "2030-01-31",
    number: "CF-1",
    customer: { name: null, email: null, phone: null },
  });

  it("bumps the version and records what changed, in the same transaction as the change", async () => {
    const merchantId = uid("cf");
    const invoiceId = uid("inv");
    const stub = env.INVOICE_LEDGER.getByName(`${merchantId}:${invoiceId}`);
    await stub.upsertInvoice({ merchantId, invoiceId }, facts(1000));
    const pay = (externalId: string, amount: number) =>
      stub.recordPayment({
        source: "api",
        externalId,
        amount,
        tds: 0,
        fee: 0,
        method: "other",
        reference: null,
        notes: null,
        paidAt: null,
        allowOverpayment: false,
      } as never);
    await pay("p1", 400);
    const paid = await pay("p2", 600);
    expect(paid.ok).toBe(true);
    const latest = await runInDurableObject(stub, (_l: InvoiceLedger, state) =>
      state.storage.sql
        .exec<{ version: number; body: string }>(
          "SELECT version, body FROM change_outbox ORDER BY version DESC LIMIT 1",
        )
        .one(),
    );
    const record = JSON.parse(latest.body) as InvoiceChange;
    expect(record).toMatchObject({
      merchantId,
      invoiceId,
      version: 3,
      kinds: ["payment_recorded", "paid"],
      previousStatus: "partially_paid",
      invoice: {
        amountPaid: 1000,
        amountDue: 0,
        status: "paid",
        sources: ["api"],
        remindersFailed: 0,
        reminderFailedAt: null,
      },
    });
    // A replay changes nothing, so it is no change.
    await pay("p2", 600);
    expect((await stub.currentSummary())?.version).toBe(3);
    await runInDurableObject(stub, (_l, state) => state.storage.deleteAlarm());
  });

  it("the alarm hands over a change the hand-over after commit never sent", async () => {
    const merchantId = uid("cf");
    const invoiceId = uid("inv");
    const stub = env.INVOICE_LEDGER.getByName(`${merchantId}:${invoiceId}`);
    await stub.upsertInvoice({ merchantId, invoiceId }, facts(1000));
    const index = env.MERCHANT_INDEX.getByName(merchantId);
    const deadline = Date.now() + 15_000;
    while ((await index.list({ filters: {}, sort: "due_date", limit: 5 })).items.length === 0) {
      if (Date.now() > deadline) throw new Error("never indexed");
      await new Promise((r) => setTimeout(r, 50));
    }
    // A change committed whose hand-over was lost (an eviction between commit and send): the outbox row
    // stays due, and the index never heard of it.
    await runInDurableObject(stub, (_l, state) => {
      const row = state.storage.sql
        .exec<{ body: string }>("SELECT body FROM change_outbox WHERE version = 1")
        .one();
      const lost = JSON.parse(row.body) as InvoiceChange;
      lost.version = 2;
      lost.invoice.number = "CF-LOST";
      state.storage.sql.exec(
        "INSERT INTO change_outbox (version, body, handover_at) VALUES (2, ?, ?)",
        JSON.stringify(lost),
        Date.now() - 1,
      );
      return state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    for (;;) {
      const [item] = (await index.list({ filters: {}, sort: "due_date", limit: 5 })).items;
      if (item?.version === 2) {
        expect(item.number).toBe("CF-LOST");
        break;
      }
      if (Date.now() > deadline) throw new Error("the alarm never handed the change over");
      await new Promise((r) => setTimeout(r, 50));
    }
    const left = await runInDurableObject(stub, async (_l, state) => ({
      rows: state.storage.sql.exec("SELECT version, handover_at FROM change_outbox").toArray(),
      alarm: await state.storage.getAlarm(),
    }));
    expect(left).toEqual({ rows: [{ version: 2, handover_at: null }], alarm: null });
  });
});
