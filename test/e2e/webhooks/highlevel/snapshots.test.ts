// HighLevel reports a cumulative amount paid: newer snapshots become lines of their difference, once.
import { describe, expect } from "vitest";
import { it, track, uid } from "../../../helpers";
import { deliver, ledger, merchant, SAMPLE_ID, signedEd, snapshot } from "../../../support/highlevel";

describe("HighLevel webhooks", () => {
  it("answers a duplicate delivery without a second line", async () => {
    const m = await merchant();
    const body = snapshot({ webhookId: "wh-dup-1" });
    const headers = await signedEd(body);
    const first = await deliver(m.id, body, headers);
    const again = await deliver(m.id, body, headers);
    expect(first.body.status).toBe("applied");
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: "duplicate", event_id: "wh-dup-1" });

    // The same state re-sent under a new webhookId is a new event but not a new payment.
    const resent = snapshot({ webhookId: "wh-dup-2" });
    const third = await deliver(m.id, resent, await signedEd(resent));
    expect(third.body.status).toBe("applied");
    expect(third.body.invoices[0].lines).toEqual([]);

    const { invoice, lines, events } = await ledger(m.key);
    expect(invoice.amount_paid).toBe(89900);
    expect(lines.data).toHaveLength(1);
    expect(events.data.map((e: any) => e.event_id)).toEqual(["wh-dup-1", "wh-dup-2"]);
    track(m.id, SAMPLE_ID);
  });

  it("never regresses on an older snapshot delivered late", async () => {
    const m = await merchant();
    const newer = snapshot({ webhookId: uid("wh"), updatedAt: "2024-02-02T00:00:00.000Z" });
    const older = snapshot({
      webhookId: uid("wh"),
      amountPaid: 500,
      amountDue: 499,
      updatedAt: "2024-02-01T00:00:00.000Z",
    });
    expect((await deliver(m.id, newer, await signedEd(newer))).status).toBe(200);
    const late = await deliver(m.id, older, await signedEd(older));
    expect(late.status).toBe(200);
    expect(late.body.invoices[0].lines).toEqual([]);

    const { invoice, lines } = await ledger(m.key);
    expect(invoice).toMatchObject({ amount_paid: 89900, amount_due: 10000 });
    expect(invoice.provider_reports[0]).toMatchObject({ amount_paid: 89900, mismatch: false });
    expect(lines.data.map((l: any) => l.amount)).toEqual([89900]);
    track(m.id, SAMPLE_ID);
  });

  it("records each newer snapshot's difference as a line: 300 then 899 gives 300 + 599", async () => {
    const m = await merchant();
    for (const [paid, at] of [
      [300, "2024-03-01T00:00:00.000Z"],
      [899, "2024-03-02T00:00:00.000Z"],
    ] as const) {
      const body = snapshot({ amountPaid: paid, amountDue: 999 - paid, updatedAt: at });
      expect((await deliver(m.id, body, await signedEd(body))).status).toBe(200);
    }
    const { invoice, lines } = await ledger(m.key);
    expect(lines.data.map((l: any) => [l.kind, l.amount])).toEqual([
      ["payment", 30000],
      ["payment", 59900],
    ]);
    expect(invoice).toMatchObject({ amount_paid: 89900, amount_due: 10000, payments_count: 2 });

    // A newer snapshot with less paid (a refund in HighLevel) becomes a reversal of the difference.
    const refunded = snapshot({ amountPaid: 500, amountDue: 499, updatedAt: "2024-03-03T00:00:00.000Z" });
    expect((await deliver(m.id, refunded, await signedEd(refunded))).status).toBe(200);
    const after = await ledger(m.key);
    expect(after.lines.data.at(-1)).toMatchObject({ kind: "reversal", amount: 39900 });
    expect(after.invoice).toMatchObject({ amount_paid: 50000, amount_due: 49900 });
    track(m.id, SAMPLE_ID);
  });

  it("applies one line for 20 concurrent deliveries of the same event", async () => {
    const m = await merchant();
    const body = snapshot({ webhookId: uid("wh") });
    const headers = await signedEd(body);
    const results = await Promise.all(Array.from({ length: 20 }, () => deliver(m.id, body, headers)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const statuses = results.map((r) => r.body.status).sort();
    expect(statuses.filter((s) => s === "applied")).toHaveLength(1);
    expect(statuses.filter((s) => s === "duplicate")).toHaveLength(19);

    // 20 different events carrying the same snapshot: still one payment.
    const again = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const b = snapshot({ webhookId: uid("wh") });
        return deliver(m.id, b, await signedEd(b));
      }),
    );
    expect(again.every((r) => r.status === 200)).toBe(true);

    const { invoice, lines } = await ledger(m.key);
    expect(lines.data).toHaveLength(1);
    expect(invoice.amount_paid).toBe(89900);
    track(m.id, SAMPLE_ID);
  });
});
