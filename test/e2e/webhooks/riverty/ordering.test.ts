// Riverty redeliveries, reordering and concurrent deliveries: each payment applied exactly once.
import { describe, expect } from "vitest";
import fullText from "../../../fixtures/riverty/payment-received-full.json?raw";
import partialText from "../../../fixtures/riverty/payment-received-partial.json?raw";
import { it, track } from "../../../helpers";
import { deliver, FULL_KEY, ledger, merchant, notification, partial } from "../../../support/riverty";

describe("Riverty webhooks", () => {
  it("answers a duplicate delivery without a second line", async () => {
    const m = await merchant();
    const first = await deliver(m.id, m.token, fullText);
    const again = await deliver(m.id, m.token, fullText);
    expect(first.body.status).toBe("applied");
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: "duplicate", event_id: `riverty:${FULL_KEY}` });
    const { invoice, lines, events } = await ledger(m.key, "INVO90006768");
    expect(invoice.amount_paid).toBe(45000);
    expect(lines.data).toHaveLength(1);
    expect(events.data).toHaveLength(1);
    track(m.id, "INVO90006768");
  });

  it("adds payments delivered out of order, each once", async () => {
    const m = await merchant();
    const earlier = notification(partial, {
      paymentDocument: "300000000001",
      paidAmount: 200,
      remainingAmount: 250,
    });
    const later = notification(partial, {
      paymentDocument: "300000000002",
      paidAmount: 250,
      remainingAmount: 0,
    });
    expect((await deliver(m.id, m.token, later)).status).toBe(200);
    expect((await deliver(m.id, m.token, earlier)).status).toBe(200);
    expect((await deliver(m.id, m.token, later)).body.status).toBe("duplicate");
    const { invoice, lines } = await ledger(m.key, "INV-0006771");
    expect(lines.data.map((l: any) => l.amount).sort()).toEqual([20000, 25000]);
    expect(invoice).toMatchObject({ amount_paid: 45000, amount_due: 0, status: "paid" });
    track(m.id, "INV-0006771");
  });

  it("applies one line for 20 concurrent deliveries of the same notification", async () => {
    const m = await merchant();
    const results = await Promise.all(Array.from({ length: 20 }, () => deliver(m.id, m.token, partialText)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const statuses = results.map((r) => r.body.status);
    expect(statuses.filter((s) => s === "applied")).toHaveLength(1);
    expect(statuses.filter((s) => s === "duplicate")).toHaveLength(19);
    const { invoice, lines } = await ledger(m.key, "INV-0006771");
    expect(lines.data).toHaveLength(1);
    expect(invoice.amount_paid).toBe(44500);
    track(m.id, "INV-0006771");
  });
});
