// Riverty's verify and normalize as pure functions: path token, caller IP and raw bytes in, an outcome out.
import { describe, expect, it } from "vitest";
import { riverty } from "../../../src/providers/riverty";
import { MalformedPayload } from "../../../src/providers/types";
import { bodyOf, onlyInvoice, rawDelivery } from "../../support/delivery";
import { FULL_KEY, full, notification, PROD_IP, partial } from "../../support/riverty";

const TOKEN = "tok_0123456789abcdef0123456789abcdef";
type Config = Parameters<typeof riverty.verify>[1];
const cfg: Config = { tokens: [TOKEN], check_ip: true };

const verify = async (token: string | undefined, ip: string | null, c: Config = cfg) =>
  riverty.verify(await rawDelivery(JSON.stringify(full), { params: token ? { token } : {}, ip }), c);

const normalize = async (body: string, now = 1_700_000_000) => {
  const d = await rawDelivery(body, { now });
  return riverty.normalize(bodyOf(d), d);
};

describe("riverty verify (unit)", () => {
  it("accepts a configured token from Riverty's published IPs, or from anywhere when check_ip is false", async () => {
    expect(await verify(TOKEN, PROD_IP)).toEqual({ ok: true, method: "riverty:path-token#0+ip" });
    expect(await verify(TOKEN, null, { ...cfg, check_ip: false })).toEqual({
      ok: true,
      method: "riverty:path-token#0+no-ip-check",
    });
    expect(
      await verify(TOKEN, PROD_IP, { ...cfg, tokens: ["tok_old_0123456789abcdef0123456789", TOKEN] }),
    ).toEqual({
      ok: true,
      method: "riverty:path-token#1+ip",
    });
  });

  it("refuses a missing or wrong token, a missing IP and one not allowed", async () => {
    expect(await verify(undefined, PROD_IP)).toEqual({ ok: false, reason: "missing_token" });
    expect(await verify(`${TOKEN}x`, PROD_IP)).toEqual({ ok: false, reason: "token_mismatch" });
    expect(await verify(TOKEN, null)).toEqual({ ok: false, reason: "missing_ip" });
    expect(await verify(TOKEN, "203.0.113.7")).toEqual({ ok: false, reason: "ip_not_allowed" });
  });
});

describe("riverty normalize (unit)", () => {
  it("turns the partial sample into a payment keyed by document, transaction and invoice, with Riverty's figures", async () => {
    const n = await normalize(JSON.stringify(partial), 1_700_000_123);
    const { invoiceId, command } = onlyInvoice(n);
    expect(invoiceId).toBe("INV-0006771");
    expect(command.lines).toEqual([
      expect.objectContaining({
        kind: "payment",
        amount: 44_500,
        currency: "EUR",
        reference: "307000001973",
      }),
    ]);
    expect(command.facts).toEqual({ currency: "EUR", total: 45_000 });
    expect(command.factsVersion).toBe(1_700_000_123);
    // paidAmount is this payment, not a running total, so the report leaves amountPaid out.
    expect(command.report).toMatchObject({ total: 45_000, amountPaid: null, amountDue: 500 });
  });

  it("names the event by its payment key, writes off a tolerance and falls back to the order reference", async () => {
    const n = await normalize(notification(full, { tolerance: 1.5, invoiceReference: null }));
    if (n.kind !== "events") throw new Error("expected events");
    const orderKey = `${full.parameters.paymentDocument}:${full.parameters.transactionId}:${full.parameters.orderReference}`;
    expect(n.eventId).toBe(`riverty:${orderKey}`);
    expect(n.invoices[0]?.command.lines?.map((l) => [l.kind, l.externalId, l.amount])).toEqual([
      ["payment", orderKey, 45_000],
      ["write_off", `${orderKey}:tolerance`, 150],
    ]);
    const plain = await normalize(JSON.stringify(full));
    expect(plain.eventId).toBe(`riverty:${FULL_KEY}`);
  });

  it("ignores other notification types and refuses one it cannot read", async () => {
    expect(await normalize(JSON.stringify({ type: "accounting/other", parameters: {} }))).toMatchObject({
      kind: "ignored",
      eventType: "accounting/other",
    });
    await expect(normalize(notification(full, { currency: "EURO" }))).rejects.toBeInstanceOf(
      MalformedPayload,
    );
    await expect(normalize(notification(full, { paidAmount: 1.234 }))).rejects.toBeInstanceOf(
      MalformedPayload,
    );
    await expect(normalize(notification(full, { transactionId: null }))).rejects.toBeInstanceOf(
      MalformedPayload,
    );
  });
});
