// The book capability: lines applied once per (source, external id), conflicts kept out, and running sums
// that always equal the lines, kept in step within one transaction.
import { describe, expect } from "vitest";
import { it } from "../../helpers";
import {
  anomalyKinds,
  deliver,
  delivery,
  expectTotalsMatchLines,
  linesOf,
  openLedger,
  payment,
  sql,
} from "../../support/ledger";

describe("book: lines", () => {
  it("applies a (source, external id) once, however often and under whatever event it comes again", async () => {
    const l = await openLedger();
    expect((await deliver(l, "razorpay", payment("razorpay", "pay_1", 40_000))).lines).toEqual(["applied"]);
    expect((await deliver(l, "razorpay", payment("razorpay", "pay_1", 40_000))).lines).toEqual(["duplicate"]);
    // The same external id from another source is another line.
    expect((await deliver(l, "stripe", payment("stripe", "pay_1", 10_000))).lines).toEqual(["applied"]);
    const lines = await linesOf(l);
    expect(lines.map((x) => [x.source, x.externalId, x.amount])).toEqual([
      ["razorpay", "pay_1", 40_000],
      ["stripe", "pay_1", 10_000],
    ]);
    const invoice = await l.stub.getInvoice();
    expect(invoice?.totals.paid).toBe(50_000);
    expect(invoice?.balance.amountDue).toBe(50_000);
  });

  it("refuses a replay that disagrees: a conflict anomaly, and the recorded line stands", async () => {
    const l = await openLedger();
    await deliver(l, "razorpay", payment("razorpay", "pay_1", 40_000, { tds: 1_000 }));
    const changed = [
      payment("razorpay", "pay_1", 41_000, { tds: 1_000 }),
      payment("razorpay", "pay_1", 40_000, { tds: 0 }),
      {
        kind: "write_off" as const,
        source: "razorpay",
        externalId: "pay_1",
        amount: 40_000,
        currency: "INR",
      },
    ];
    for (const line of changed) expect((await deliver(l, "razorpay", line)).lines).toEqual(["conflict"]);
    expect(await anomalyKinds(l)).toEqual(["conflict", "conflict", "conflict"]);
    const [line] = await linesOf(l);
    expect([line?.kind, line?.amount, line?.tds]).toEqual(["payment", 40_000, 1_000]);
    expect((await l.stub.getInvoice())?.anomaliesCount).toBe(3);
    await expectTotalsMatchLines(l);
  });

  it("keeps the running sums equal to the lines for every kind of line", async () => {
    const l = await openLedger({ total: 200_000 });
    const pay = await deliver(
      l,
      "razorpay",
      payment("razorpay", "p1", 50_000, { tds: 5_000, fee: 1_180 }),
      payment("razorpay", "p2", 30_000),
      { kind: "write_off", source: "razorpay", externalId: "w1", amount: 2_500, currency: "INR" },
      { kind: "adjustment", source: "razorpay", externalId: "a1", amount: 700, currency: "INR" },
      { kind: "adjustment", source: "razorpay", externalId: "a2", amount: -200, currency: "INR" },
    );
    expect(pay.lines).toEqual(["applied", "applied", "applied", "applied", "applied"]);
    const stored = await expectTotalsMatchLines(l);
    expect(stored).toMatchObject({
      paid: 80_000,
      tds: 5_000,
      fees: 1_180,
      writtenOff: 2_500,
      adjusted: 500,
      paymentsCount: 2,
      linesCount: 5,
    });
    const invoice = await l.stub.getInvoice();
    // credited = payments (amount + tds) + adjustments; the fee is recorded, never credited.
    expect(invoice?.balance).toMatchObject({
      credited: 85_500,
      amountDue: 112_000,
      status: "partially_paid",
    });
  });

  it("keeps the invoice row in step within one transaction: every line of a delivery counts", async () => {
    const l = await openLedger();
    // Five lines in one delivery: each write of the sums starts from the one before it. A row read once
    // and not kept in step would leave only the last line's sums.
    const lines = [1, 2, 3, 4, 5].map((n) => payment("stripe", `p${n}`, n * 1_000));
    await l.stub.ingest(l.ref, delivery("stripe", { lines }));
    const [row] = await sql<{ paid: number; payments_count: number; lines_count: number }>(
      l,
      "SELECT paid, payments_count, lines_count FROM invoice",
    );
    expect(row).toEqual({ paid: 15_000, payments_count: 5, lines_count: 5 });
    await expectTotalsMatchLines(l);
  });

  it("keeps a line out rather than let the sums leave the safe integer range", async () => {
    const l = await openLedger();
    const big = Number.MAX_SAFE_INTEGER - 10;
    expect((await deliver(l, "stripe", payment("stripe", "p1", big))).lines).toEqual(["applied"]);
    expect((await deliver(l, "stripe", payment("stripe", "p2", 100))).lines).toEqual(["conflict"]);
    expect((await linesOf(l)).map((x) => x.externalId)).toEqual(["p1"]);
    await expectTotalsMatchLines(l);
  });
});
