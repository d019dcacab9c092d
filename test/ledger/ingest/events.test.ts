// The ingest capability's event log and anomaly policy: a delivery is applied once per (source, event id),
// ignored events are logged only on a known invoice, and what cannot be applied cleanly is kept as an anomaly.
import { describe, expect } from "vitest";
import { it } from "../../helpers";
import {
  anomalyKinds,
  delivery,
  expectTotalsMatchLines,
  freshLedger,
  linesOf,
  openLedger,
  payment,
  reversal,
  tables,
} from "../../support/ledger";

describe("ingest: events and anomalies", () => {
  it("applies an event once: the same (source, event id) again is a duplicate and logs nothing more", async () => {
    const l = await openLedger();
    const first = delivery("razorpay", { lines: [payment("razorpay", "p1", 10_000)] }, "evt_1");
    expect(await l.stub.ingest(l.ref, first)).toEqual({
      outcome: "applied",
      lines: ["applied"],
      anomalies: [],
    });
    // Even with other content: the event id decides.
    const again = delivery("razorpay", { lines: [payment("razorpay", "p2", 10_000)] }, "evt_1");
    expect(await l.stub.ingest(l.ref, again)).toEqual({ outcome: "duplicate", lines: [], anomalies: [] });
    // The same event id from another source is another event.
    const other = delivery("stripe", { lines: [payment("stripe", "p1", 5_000)] }, "evt_1");
    expect((await l.stub.ingest(l.ref, other)).outcome).toBe("applied");
    const events = (await l.stub.listEvents())?.items ?? [];
    expect(events.map((e) => [e.source, e.eventId, e.outcome])).toEqual([
      ["razorpay", "evt_1", "applied"],
      ["stripe", "evt_1", "applied"],
    ]);
    expect((await linesOf(l)).map((x) => x.externalId)).toEqual(["p1", "p1"]);
  });

  it("logs an ignored event on a known invoice, and creates nothing for an unknown one", async () => {
    const unknown = freshLedger();
    const ignored = delivery("razorpay", { ignored: "order.paid is not acted on" });
    expect(await unknown.stub.ingest(unknown.ref, ignored)).toEqual({
      outcome: "ignored",
      lines: [],
      anomalies: [],
    });
    expect(await tables(unknown)).toEqual([]);
    expect(await unknown.stub.getInvoice()).toBeNull();

    const known = await openLedger();
    expect((await known.stub.ingest(known.ref, ignored)).outcome).toBe("ignored");
    const [event] = (await known.stub.listEvents())?.items ?? [];
    expect([event?.outcome, JSON.parse(event?.detail ?? "null")]).toEqual([
      "ignored",
      { reason: "order.paid is not acted on" },
    ]);
    expect(await linesOf(known)).toEqual([]);
  });

  it("keeps each kind of anomaly, counts it on the invoice and marks the event", async () => {
    const l = await openLedger();
    await l.stub.ingest(l.ref, delivery("razorpay", { lines: [payment("razorpay", "p1", 10_000)] }));
    const result = await l.stub.ingest(
      l.ref,
      delivery("razorpay", {
        facts: { currency: "USD" },
        lines: [
          payment("razorpay", "p2", 500, { currency: "USD" }),
          payment("razorpay", "p1", 11_000),
          reversal("razorpay", "r1", 100, { source: "razorpay", externalId: "p-unseen" }),
        ],
      }),
    );
    expect(result).toEqual({
      outcome: "applied",
      lines: ["conflict", "conflict", "applied"],
      anomalies: ["currency_mismatch", "currency_mismatch", "conflict", "reversal_target_unknown"],
    });
    await l.stub.voidInvoice();
    await l.stub.ingest(l.ref, delivery("razorpay", { lines: [payment("razorpay", "p3", 1_000)] }));
    const kinds = await anomalyKinds(l);
    expect(kinds).toEqual([
      "currency_mismatch",
      "currency_mismatch",
      "conflict",
      "reversal_target_unknown",
      "payment_on_void_invoice",
    ]);
    const invoice = await l.stub.getInvoice();
    expect([invoice?.anomaliesCount, invoice?.facts.currency]).toEqual([5, "INR"]);
    const outcomes = ((await l.stub.listEvents())?.items ?? []).map((e) => e.outcome);
    expect(outcomes).toEqual(["applied", "applied_with_anomalies", "applied_with_anomalies"]);
    await expectTotalsMatchLines(l);
  });

  it("creates the invoice a provider's payment names, in the payment's currency", async () => {
    const l = freshLedger();
    await l.stub.ingest(
      l.ref,
      delivery("riverty", { lines: [payment("riverty", "p1", 4_500, { currency: "EUR" })] }),
    );
    const invoice = await l.stub.getInvoice();
    expect(invoice?.facts).toMatchObject({ currency: "EUR", total: null });
    expect(invoice?.totals.paid).toBe(4_500);
  });
});
