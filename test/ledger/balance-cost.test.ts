// Reading a balance must cost the same for 10 lines as for 10,000: the running sums live in the invoice
// row, written in the same transaction as each line. Measured as SQLite rows read by every query the
// object runs while answering, which would grow with the lines if a read ever scanned them.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect } from "vitest";
import type { InvoiceLedger } from "../../src/ledger/invoice-ledger";
import type { LineInput } from "../../src/ledger/types";
import { it, track, uid } from "../helpers";

type Stub = ReturnType<typeof env.INVOICE_LEDGER.getByName>;

interface Cost {
  rowsRead: number;
  queries: number;
}

/** Runs `read` inside the object with every `sql.exec` counted, then puts `exec` back. */
async function measure<R>(
  stub: Stub,
  read: (ledger: InvoiceLedger) => Promise<R>,
): Promise<Cost & { result: R }> {
  return runInDurableObject(stub, async (ledger: InvoiceLedger, state) => {
    const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
    // Every capability holds the object's one handle, ctx.storage.sql.
    const handles = new Set<SqlStorage>([state.storage.sql]);
    const restore: Array<() => void> = [];
    for (const sql of handles) {
      const exec = sql.exec;
      sql.exec = ((query: string, ...bindings: unknown[]) => {
        const cursor = exec.call(sql, query, ...bindings);
        cursors.push(cursor);
        return cursor;
      }) as SqlStorage["exec"];
      restore.push(() => {
        sql.exec = exec;
      });
    }
    try {
      const result = await read(ledger);
      // rowsRead is final once a cursor is consumed; every read in the ledger consumes its cursor.
      return { result, rowsRead: cursors.reduce((n, c) => n + c.rowsRead, 0), queries: cursors.length };
    } finally {
      for (const r of restore) r();
    }
  });
}

async function ledgerWithLines(count: number): Promise<Stub> {
  const invoiceId = uid("cost");
  const ref = { merchantId: "cost", invoiceId };
  const stub = env.INVOICE_LEDGER.getByName(`cost:${invoiceId}`);
  track("cost", invoiceId);
  const created = await stub.upsertInvoice(ref, {
    currency: "INR",
    total: 100 * count,
    dueDate: "2030-01-31",
    number: "COST-1",
    customer: { name: "Cost", email: null, phone: null },
  });
  expect(created.ok).toBe(true);
  const batch = 1000;
  for (let start = 0; start < count; start += batch) {
    const lines: LineInput[] = [];
    for (let i = start; i < Math.min(start + batch, count); i++) {
      lines.push({
        kind: "payment",
        source: "stripe",
        externalId: `pi_${i}`,
        amount: 90,
        tds: 10,
        fee: 1,
        currency: "INR",
        method: "card",
      });
    }
    const res = await stub.ingest(ref, {
      event: {
        source: "stripe",
        id: `evt_${start}`,
        type: "payment.test",
        verification: "test",
        rawBody: "{}",
        receivedAt: new Date().toISOString(),
      },
      lines,
    });
    expect(res.lines.every((o) => o === "applied")).toBe(true);
  }
  return stub;
}

describe("balance read cost", () => {
  it("is the same for an invoice with 10 lines and one with 10,000 lines", async () => {
    const small = await ledgerWithLines(10);
    const large = await ledgerWithLines(10_000);

    const a = await measure(small, (l) => l.getInvoice());
    const b = await measure(large, (l) => l.getInvoice());

    // The figures are exact for both sizes...
    expect(a.result!.totals).toMatchObject({
      paid: 900,
      tds: 100,
      fees: 10,
      paymentsCount: 10,
      linesCount: 10,
    });
    expect(a.result!.balance).toMatchObject({ credited: 1000, amountDue: 0, status: "paid" });
    expect(b.result!.totals).toMatchObject({
      paid: 900_000,
      tds: 100_000,
      paymentsCount: 10_000,
      linesCount: 10_000,
    });
    expect(b.result!.balance).toMatchObject({ credited: 1_000_000, amountDue: 0, status: "paid" });

    // ...and reading them touches the same rows, however many lines there are.
    expect(a.queries).toBeGreaterThan(0);
    expect(a.rowsRead).toBeGreaterThan(0);
    expect(b.rowsRead).toBe(a.rowsRead);
    expect(b.queries).toBe(a.queries);
    console.info(`getInvoice: ${a.queries} queries, ${a.rowsRead} rows read (10 lines and 10,000 lines)`);

    // A page of lines costs the page, not the ledger, wherever the cursor points.
    const firstSmall = await small.listLines(undefined, 5);
    const firstLarge = await large.listLines(undefined, 5);
    const midLarge = await large.listLines(firstLarge!.nextCursor!, 5);
    const p1 = await measure(small, (l) => l.listLines(firstSmall!.nextCursor!, 3));
    const p2 = await measure(large, (l) => l.listLines(midLarge!.nextCursor!, 3));
    expect(p1.result!.items).toHaveLength(3);
    expect(p2.result!.items).toHaveLength(3);
    expect(p2.rowsRead).toBe(p1.rowsRead);

    // The sums kept beside the lines are the sums of the lines.
    const audit = await large.audit();
    expect(audit!.stored).toEqual(audit!.recomputed);
  }, 120_000);
});
