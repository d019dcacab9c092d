import { describe, expect } from "vitest";
import { getEvents, getInvoice, getLines, it, track, uid } from "../../../helpers";
import { deliver, event, payment, standardMerchant, upsert } from "../../../support/standard";

describe("standard webhooks over HTTP", () => {
  it("answers retries 200 duplicate and never doubles a payment id, whatever the webhook-id", async () => {
    const m = await standardMerchant();
    const inv = uid("inv");
    expect((await deliver(m.id, upsert(inv))).status).toBe(200);
    const body = payment(inv, "p-1", 25000);
    const id = uid("msg");
    const now = Math.floor(Date.now() / 1000);
    expect((await deliver(m.id, body, { id, timestamp: now })).body.status).toBe("applied");
    // A retry keeps webhook-id and is signed afresh with a new timestamp.
    const retry = await deliver(m.id, body, { id, timestamp: now + 5 });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ status: "duplicate", event_id: id });

    const resent = await deliver(m.id, body);
    expect(resent.body.invoices[0].lines).toEqual(["duplicate"]);
    // The same payment id saying something else is kept as an anomaly; the recorded line stands.
    const altered = await deliver(m.id, payment(inv, "p-1", 30000));
    expect(altered.status).toBe(200);
    expect(altered.body.invoices[0]).toMatchObject({ lines: ["conflict"], anomalies: ["conflict"] });

    expect(await getInvoice(m.key, inv)).toMatchObject({
      amount_paid: 25000,
      amount_due: 75000,
      payments_count: 1,
    });
    expect(await getLines(m.key, inv)).toHaveLength(1);
    track(m.id, inv);
  });

  it("ends in the same state whatever order the events arrive in", async () => {
    const m = await standardMerchant();
    const inv = uid("inv");
    // A reversal before its payment, a payment before its invoice, then two snapshots out of order.
    const reversal = event("payment.reversed", {
      invoice_id: inv,
      reversal_id: "r-1",
      payment_id: "p-1",
      amount: 5000,
      currency: "INR",
    });
    expect((await deliver(m.id, reversal)).status).toBe(200);
    expect((await deliver(m.id, payment(inv, "p-1", 30000))).status).toBe(200);
    expect((await deliver(m.id, upsert(inv, { total: 120000, number: "v2", version: 2 }))).status).toBe(200);
    expect((await deliver(m.id, upsert(inv, { total: 100000, number: "v1", version: 1 }))).status).toBe(200);

    expect(await getInvoice(m.key, inv)).toMatchObject({
      number: "v2",
      total: 120000,
      amount_paid: 25000,
      amount_due: 95000,
      status: "partially_paid",
      payments_count: 1,
    });

    // Without a version, the envelope timestamp orders snapshots.
    const inv2 = uid("inv");
    const newer = event(
      "invoice.upserted",
      { invoice_id: inv2, currency: "INR", total: 2000, number: "late" },
      "2026-11-21T00:00:00Z",
    );
    const older = event(
      "invoice.upserted",
      { invoice_id: inv2, currency: "INR", total: 1000, number: "early" },
      "2026-11-20T00:00:00Z",
    );
    expect((await deliver(m.id, newer)).status).toBe(200);
    expect((await deliver(m.id, older)).status).toBe(200);
    expect(await getInvoice(m.key, inv2)).toMatchObject({ number: "late", total: 2000 });
    track(m.id, inv, inv2);
  });

  it("applies concurrent deliveries of one event exactly once", async () => {
    const m = await standardMerchant();
    const inv = uid("inv");
    expect((await deliver(m.id, upsert(inv))).status).toBe(200);
    const body = payment(inv, "p-1", 1000);
    const id = uid("msg");
    const replies = await Promise.all(Array.from({ length: 20 }, () => deliver(m.id, body, { id })));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(replies.filter((r) => r.body.status === "applied")).toHaveLength(1);
    expect(replies.filter((r) => r.body.status === "duplicate")).toHaveLength(19);

    const other = payment(inv, "p-2", 2000);
    const racing = await Promise.all(Array.from({ length: 20 }, () => deliver(m.id, other)));
    expect(racing.every((r) => r.status === 200)).toBe(true);
    expect(
      racing.flatMap((r) => r.body.invoices[0].lines).filter((l: string) => l === "applied"),
    ).toHaveLength(1);

    expect(await getInvoice(m.key, inv)).toMatchObject({ amount_paid: 3000, payments_count: 2 });
    expect(await getLines(m.key, inv)).toHaveLength(2);
    expect(await getEvents(m.key, inv)).toHaveLength(22);
    track(m.id, inv);
  });
});
