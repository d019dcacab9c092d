// What ingest keeps per provider: facts ordered by the provider's version, the newest report beside our
// own figures (flagged where they disagree), and cumulative snapshots followed up and down as lines.
import { describe, expect } from "vitest";
import { it } from "../../helpers";
import { delivery, expectTotalsMatchLines, linesOf, openLedger, payment } from "../../support/ledger";

const report = (version: number, amountPaid: number | null, more: Record<string, unknown> = {}) => ({
  currency: "INR",
  total: 100_000,
  amountPaid,
  amountDue: amountPaid === null ? null : 100_000 - amountPaid,
  status: "partially_paid",
  reportedAt: new Date().toISOString(),
  version,
  ...more,
});

describe("ingest: facts, reports and cumulative snapshots", () => {
  it("applies facts by version: an older delivery never overwrites a newer one", async () => {
    const l = await openLedger();
    const facts = (version: number, total: number, number: string) =>
      l.stub.ingest(l.ref, delivery("chargebee", { facts: { total, number }, factsVersion: version }));
    await facts(20, 150_000, "CB-20");
    await facts(10, 120_000, "CB-10");
    expect((await l.stub.getInvoice())?.facts).toMatchObject({ total: 150_000, number: "CB-20" });
    await facts(20, 160_000, "CB-20b"); // the same version again is not older
    await facts(30, 170_000, "CB-30");
    expect((await l.stub.getInvoice())?.facts).toMatchObject({ total: 170_000, number: "CB-30" });
  });

  it("keeps each provider's newest report and flags where it disagrees with the ledger", async () => {
    const l = await openLedger();
    await l.stub.ingest(
      l.ref,
      delivery("razorpay", { lines: [payment("razorpay", "p1", 40_000)], report: report(2, 40_000) }),
    );
    let [rep] = (await l.stub.getInvoice())?.reports ?? [];
    expect(rep).toMatchObject({ source: "razorpay", amountPaid: 40_000, version: 2, mismatch: false });
    // An older report arrives late: ignored.
    await l.stub.ingest(l.ref, delivery("razorpay", { report: report(1, 0) }));
    [rep] = (await l.stub.getInvoice())?.reports ?? [];
    expect([rep?.version, rep?.mismatch]).toEqual([2, false]);
    // A newer report whose figures differ from ours is shown, flagged.
    await l.stub.ingest(l.ref, delivery("razorpay", { report: report(3, 45_000) }));
    [rep] = (await l.stub.getInvoice())?.reports ?? [];
    expect([rep?.version, rep?.amountPaid, rep?.mismatch]).toEqual([3, 45_000, true]);
    await l.stub.ingest(l.ref, delivery("chargebee", { report: report(1, 40_000, { total: 90_000 }) }));
    const reports = (await l.stub.getInvoice())?.reports ?? [];
    expect(reports.map((r) => [r.source, r.mismatch])).toEqual([
      ["chargebee", true],
      ["razorpay", true],
    ]);
  });

  it("follows cumulative snapshots up and down by version, as lines of their difference", async () => {
    const l = await openLedger();
    const snap = (version: number, amountPaid: number) =>
      l.stub.ingest(l.ref, delivery("highlevel", { cumulative: { amountPaid, currency: "INR", version } }));
    expect((await snap(1, 30_000)).lines).toEqual(["applied"]);
    expect((await snap(2, 89_900)).lines).toEqual(["applied"]);
    // Older or equal versions are not followed; the same amount records nothing.
    expect((await snap(1, 10_000)).lines).toEqual([]);
    expect((await snap(2, 10_000)).lines).toEqual([]);
    expect((await snap(3, 89_900)).lines).toEqual([]);
    // Down: a reversal of the source's own payments.
    expect((await snap(4, 50_000)).lines).toEqual(["applied"]);
    const lines = await linesOf(l);
    expect(lines.map((x) => [x.kind, x.externalId, x.amount])).toEqual([
      ["payment", "snapshot:1", 30_000],
      ["payment", "snapshot:2", 59_900],
      ["reversal", "snapshot:4", 39_900],
    ]);
    const stored = await expectTotalsMatchLines(l);
    expect(stored.paid - stored.reversed).toBe(50_000);
  });
});
