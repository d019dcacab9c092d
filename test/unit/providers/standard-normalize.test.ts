// Standard Webhooks' normalize as a pure function: our canonical events in, ledger commands out.
import { describe, expect, it } from "vitest";
// config before the provider: config.ts -> registry -> standard.ts is the module order the app uses.
import "../../../src/merchants/config";
import { standard } from "../../../src/providers/standard";
import { MalformedPayload } from "../../../src/providers/types";
import { bodyOf, onlyInvoice, rawDelivery } from "../../support/delivery";
import { event, payment, upsert } from "../../support/standard";

const normalize = async (body: string, webhookId = "msg_1") => {
  const d = await rawDelivery(body, { headers: { "webhook-id": webhookId } });
  return standard.normalize(bodyOf(d), d);
};

const commandOf = async (body: string) => onlyInvoice(await normalize(body));

describe("standard normalize (unit)", () => {
  it("names the event by its signed webhook-id and maps each event type to its command", async () => {
    expect(await normalize(upsert("inv_1"), "msg_42")).toMatchObject({
      kind: "events",
      eventId: "msg_42",
      eventType: "invoice.upserted",
    });
    expect((await commandOf(upsert("inv_1"))).command.facts).toMatchObject({
      currency: "INR",
      total: 100_000,
    });
    const paid = await commandOf(payment("inv_1", "p1", 2_500, { tds: 100 }));
    expect(paid.invoiceId).toBe("inv_1");
    expect(paid.command.lines).toEqual([
      expect.objectContaining({ kind: "payment", externalId: "p1", amount: 2_500, tds: 100 }),
    ]);
    const reversed = await commandOf(
      event("payment.reversed", {
        invoice_id: "inv_1",
        payment_id: "p1",
        reversal_id: "r1",
        amount: 2_500,
        currency: "INR",
      }),
    );
    expect(reversed.command.lines).toEqual([
      expect.objectContaining({
        kind: "reversal",
        externalId: "r1",
        reverses: { source: "standard", externalId: "p1" },
      }),
    ]);
    expect((await commandOf(event("invoice.voided", { invoice_id: "inv_1" }))).command.void).toBe(true);
  });

  it("ignores unknown event types, and refuses a missing webhook-id or an event it cannot read", async () => {
    expect(await normalize(event("invoice.archived", { invoice_id: "inv_1" }))).toMatchObject({
      kind: "ignored",
      invoiceId: "inv_1",
    });
    await expect(normalize(upsert("inv_1"), "")).rejects.toBeInstanceOf(MalformedPayload);
    await expect(normalize(payment("inv_1", "p1", 1.5))).rejects.toBeInstanceOf(MalformedPayload);
    await expect(normalize(payment("inv_1", "p1", 100, { currency: "inr" }))).rejects.toBeInstanceOf(
      MalformedPayload,
    );
  });
});
