// The book's reversals: capped at what each payment still has standing, cash before TDS, allocations kept
// per payment, the same money from two sources taken back once, and reversals that arrived before their
// payment linked when it arrives.
import { describe, expect } from "vitest";
import { it } from "../../helpers";
import {
  anomalyKinds,
  deliver,
  expectTotalsMatchLines,
  linesOf,
  openLedger,
  payment,
  reversal,
  sql,
} from "../../support/ledger";

const target = (externalId: string, source = "razorpay") => ({ source, externalId });

describe("book: reversals", () => {
  it("takes back the cash first, then the TDS, and records each allocation", async () => {
    const l = await openLedger();
    await deliver(l, "razorpay", payment("razorpay", "p1", 9_000, { tds: 1_000, fee: 200 }));
    await deliver(l, "razorpay", reversal("razorpay", "r1", 6_000, target("p1")));
    await deliver(l, "razorpay", reversal("razorpay", "r2", 3_500, target("p1")));
    const [p1, r1, r2] = await linesOf(l);
    expect([r1?.amount, r1?.tds]).toEqual([6_000, 0]);
    // 3,000 of cash was left, so 500 of this one is TDS.
    expect([r2?.amount, r2?.tds]).toEqual([3_500, 500]);
    const allocations = await sql(
      l,
      "SELECT reversal_id, payment_id, applied, tds, duplicate FROM reversal_allocations ORDER BY rowid",
    );
    expect(allocations).toEqual([
      { reversal_id: r1?.id, payment_id: p1?.id, applied: 6_000, tds: 0, duplicate: 0 },
      { reversal_id: r2?.id, payment_id: p1?.id, applied: 3_500, tds: 500, duplicate: 0 },
    ]);
    const stored = await expectTotalsMatchLines(l);
    expect(stored).toMatchObject({ reversed: 9_500, tdsReversed: 500, fees: 200 });
    expect((await l.stub.getInvoice())?.balance.credited).toBe(500);
  });

  it("never takes back more than a payment credited: the rest is an over_reversed anomaly", async () => {
    const l = await openLedger();
    await deliver(l, "razorpay", payment("razorpay", "p1", 9_000, { tds: 1_000 }));
    await deliver(l, "razorpay", reversal("razorpay", "r1", 15_000, target("p1")));
    await deliver(l, "razorpay", reversal("razorpay", "r2", 1, target("p1")));
    const [, r1, r2] = await linesOf(l);
    expect([r1?.amount, r1?.tds, r1?.requestedAmount]).toEqual([10_000, 1_000, 15_000]);
    expect([r2?.amount, r2?.requestedAmount]).toEqual([0, 1]);
    expect(await anomalyKinds(l)).toEqual(["over_reversed", "over_reversed"]);
    const stored = await expectTotalsMatchLines(l);
    expect([stored.reversed, stored.tdsReversed]).toEqual([10_000, 1_000]);
    const invoice = await l.stub.getInvoice();
    expect(invoice?.balance).toMatchObject({ credited: 0, amountDue: 100_000 });
  });

  it("recognises a provider's refund of money the merchant already reversed as the same money", async () => {
    const l = await openLedger();
    await deliver(l, "razorpay", payment("razorpay", "p1", 30_000));
    const [p1] = await linesOf(l);
    const api = await l.stub.reversePayment(p1!.id, { source: "api", reason: "bounced" });
    expect(api.ok && api.value.line.amount).toBe(30_000);
    await deliver(l, "razorpay", reversal("razorpay", "r1", 30_000, target("p1")));
    const refund = (await linesOf(l)).find((x) => x.externalId === "r1");
    expect(refund).toMatchObject({ amount: 0, duplicateAmount: 30_000, requestedAmount: 30_000 });
    expect(refund?.duplicateOf).toBe(api.ok ? api.value.line.id : null);
    const stored = await expectTotalsMatchLines(l);
    expect(stored.reversed).toBe(30_000);
    // Nothing is left to reverse.
    const again = await l.stub.reversePayment(p1!.id, { source: "api" });
    expect(again).toMatchObject({ ok: false, code: "already_reversed" });
  });

  it("links a reversal that arrived before its payment when the payment arrives, under the same cap", async () => {
    const l = await openLedger();
    await deliver(l, "razorpay", reversal("razorpay", "r1", 70_000, target("p1")));
    let [waiting] = await linesOf(l);
    expect([waiting?.amount, waiting?.reversesId]).toEqual([0, null]);
    expect(await anomalyKinds(l)).toEqual(["reversal_target_unknown"]);
    expect((await l.stub.getInvoice())?.totals.reversed).toBe(0);

    await deliver(l, "razorpay", payment("razorpay", "p1", 50_000));
    const lines = await linesOf(l);
    const p1 = lines.find((x) => x.externalId === "p1");
    waiting = lines.find((x) => x.externalId === "r1");
    expect(waiting).toMatchObject({ amount: 50_000, reversesId: p1?.id, requestedAmount: 70_000 });
    expect(
      await sql(l, "SELECT applied FROM reversal_allocations WHERE reversal_id = ?", waiting?.id),
    ).toEqual([{ applied: 50_000 }]);
    const stored = await expectTotalsMatchLines(l);
    expect([stored.paid, stored.reversed]).toEqual([50_000, 50_000]);
  });

  it("a reversal naming no payment takes back from its own source's payments, newest first", async () => {
    const l = await openLedger();
    await deliver(l, "chargebee", payment("chargebee", "p1", 10_000), payment("chargebee", "p2", 20_000));
    await deliver(l, "stripe", payment("stripe", "s1", 5_000));
    await deliver(l, "chargebee", reversal("chargebee", "r1", 25_000));
    const allocations = await sql<{ external_id: string; applied: number }>(
      l,
      `SELECT l.external_id, a.applied FROM reversal_allocations a JOIN lines l ON l.id = a.payment_id
       ORDER BY l.seq DESC`,
    );
    expect(allocations).toEqual([
      { external_id: "p2", applied: 20_000 },
      { external_id: "p1", applied: 5_000 },
    ]);
    await expectTotalsMatchLines(l);
  });
});
