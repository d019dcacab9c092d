// Razorpay's normalize as a pure function: a verified body in, ledger commands (or a reason to ignore it) out.
import { describe, expect, it } from "vitest";
import { razorpay } from "../../../src/providers/razorpay";
import { MalformedPayload } from "../../../src/providers/types";
import partiallyPaid from "../../fixtures/razorpay/invoice.partially_paid.json";
import { bodyOf, onlyInvoice, rawDelivery } from "../../support/delivery";
import { refundEvent, text } from "../../support/razorpay";

const normalize = async (event: unknown, headers: Record<string, string> = {}) => {
  const d = await rawDelivery(text(event), { headers });
  return { d, n: razorpay.normalize(bodyOf(d), d) };
};

describe("razorpay normalize (unit)", () => {
  it("turns the published invoice.partially_paid sample into this event's payment, facts and report", async () => {
    const { n } = await normalize(partiallyPaid, { "x-razorpay-event-id": "evt_1" });
    expect(n).toMatchObject({ kind: "events", eventId: "evt_1", eventType: "invoice.partially_paid" });
    const { invoiceId, command } = onlyInvoice(n);
    expect(invoiceId).toBe("inv_DEW1rqhJxTyZwz");
    expect(command.lines).toEqual([
      expect.objectContaining({
        kind: "payment",
        source: "razorpay",
        externalId: "pay_DEW499hvSyqk4Q",
        amount: 10_000,
        currency: "INR",
        fee: 236,
      }),
    ]);
    expect(command.facts).toMatchObject({ currency: "INR", total: 479_030 });
    expect(command.factsVersion).toBe(1_567_686_215);
    expect(command.report).toMatchObject({
      amountPaid: 20_000,
      amountDue: 459_030,
      status: "partially_paid",
    });
  });

  it("names the event by the body's hash when Razorpay sends no usable event id", async () => {
    const { d, n } = await normalize(partiallyPaid, { "x-razorpay-event-id": "bad id with spaces" });
    expect(n.eventId).toBe(`sha256:${d.sha256}`);
  });

  it("applies a refund only once processed, as a reversal naming its payment", async () => {
    const args = { refundId: "rfnd_1", paymentId: "pay_1", invoiceId: "inv_1", amount: 500 };
    const processed = (await normalize(refundEvent({ ...args, event: "refund.processed" }))).n;
    if (processed.kind !== "events") throw new Error("expected events");
    expect(processed.invoices[0]?.command.lines).toEqual([
      expect.objectContaining({
        kind: "reversal",
        externalId: "rfnd_1",
        amount: 500,
        reverses: { source: "razorpay", externalId: "pay_1" },
      }),
    ]);
    const pending = (await normalize(refundEvent({ ...args, event: "refund.created", status: "pending" }))).n;
    expect(pending).toMatchObject({ kind: "ignored", invoiceId: "inv_1" });
  });

  it("ignores events that do not move money, and refuses a payment event it cannot read", async () => {
    const other = { ...structuredClone(partiallyPaid), event: "invoice.expired" };
    expect((await normalize(other)).n).toMatchObject({ kind: "ignored", invoiceId: "inv_DEW1rqhJxTyZwz" });
    const broken = structuredClone(partiallyPaid) as Record<string, any>;
    broken.payload.payment.entity.amount = "100";
    await expect(normalize(broken)).rejects.toBeInstanceOf(MalformedPayload);
  });
});
