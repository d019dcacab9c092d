// Chargebee's verify and normalize as pure functions: Basic credentials and event envelopes in, an outcome out.
import { describe, expect, it } from "vitest";
import { chargebee } from "../../../src/providers/chargebee";
import { MalformedPayload } from "../../../src/providers/types";
import { basic, envelope, PASS, refund, sample, USER } from "../../support/chargebee";
import { bodyOf, onlyInvoice, rawDelivery } from "../../support/delivery";

const cfg = { basic_auth: [{ username: USER, password: PASS }] };

const verify = async (authorization: string | null, c = cfg) =>
  chargebee.verify(
    await rawDelivery(JSON.stringify(sample()), { headers: authorization ? { authorization } : {} }),
    c,
  );

const normalize = async (event: unknown) => {
  const d = await rawDelivery(JSON.stringify(event));
  return chargebee.normalize(bodyOf(d), d);
};

describe("chargebee verify (unit)", () => {
  it("accepts any configured user and password pair, naming it by index only", async () => {
    expect(await verify(basic(USER, PASS))).toEqual({ ok: true, method: "chargebee:basic#0" });
    const rotating = {
      basic_auth: [{ username: "old-user", password: "old-password-0123" }, ...cfg.basic_auth],
    };
    const ok = await verify(basic(USER, PASS), rotating);
    expect(ok).toEqual({ ok: true, method: "chargebee:basic#1" });
    expect(JSON.stringify(ok)).not.toContain(PASS);
  });

  it("refuses a wrong user or password, and a missing or malformed Authorization", async () => {
    expect(await verify(basic(USER, `${PASS}!`))).toEqual({ ok: false, reason: "credentials_mismatch" });
    expect(await verify(basic("someone", PASS))).toEqual({ ok: false, reason: "credentials_mismatch" });
    expect(await verify(null)).toEqual({ ok: false, reason: "missing_authorization" });
    expect(await verify("Bearer abc")).toEqual({ ok: false, reason: "malformed_authorization" });
  });
});

describe("chargebee normalize (unit)", () => {
  it("turns the payment_succeeded sample into a payment on each linked invoice, facts and report", async () => {
    const n = await normalize(sample());
    expect(n).toMatchObject({
      kind: "events",
      eventId: "ev_ILLUSTRATIVE_001",
      eventType: "payment_succeeded",
    });
    const { invoiceId, command } = onlyInvoice(n);
    expect(invoiceId).toBe("inv_42");
    expect(command.lines).toEqual([
      expect.objectContaining({
        kind: "payment",
        source: "chargebee",
        externalId: "txn_ILLUSTRATIVE_001",
        amount: 500,
      }),
    ]);
    expect(command.facts).toMatchObject({ currency: "USD", total: 1_395 });
    expect(command.report).toMatchObject({ amountPaid: 500, amountDue: 895 });
  });

  it("records a refund as a reversal of the refunded payment", async () => {
    const n = await normalize(refund("txn_1", "txn_r1", 200));
    if (n.kind !== "events") throw new Error("expected events");
    expect(n.invoices.map((i) => [i.invoiceId, i.command.lines])).toEqual([
      [
        "inv_42",
        [
          expect.objectContaining({
            kind: "reversal",
            externalId: "txn_r1",
            amount: 200,
            reverses: { source: "chargebee", externalId: "txn_1" },
          }),
        ],
      ],
    ]);
  });

  it("ignores events that do not move money, and refuses an envelope it cannot read", async () => {
    expect(await normalize(envelope("customer_created", { customer: { id: "c1" } }, "ev_1"))).toMatchObject({
      kind: "ignored",
      eventId: "ev_1",
      eventType: "customer_created",
    });
    const broken = sample();
    broken.content.transaction.amount = "500";
    await expect(normalize(broken)).rejects.toBeInstanceOf(MalformedPayload);
    await expect(normalize({ ...sample(), id: undefined })).rejects.toBeInstanceOf(MalformedPayload);
  });
});
