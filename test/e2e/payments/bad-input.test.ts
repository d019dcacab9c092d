import { describe, expect } from "vitest";
import { call, it } from "../../helpers";
import { getInvoice, pay, reverse, setup, snapshot } from "../../support/payments";

describe("bad input changes nothing", () => {
  it("malformed JSON and bodies that are not objects are 400; wrong types and unknown fields are 422", async () => {
    const { key, id } = await setup();
    await pay(key, id, { amount: 100 });
    const before = await snapshot(key, id);
    const cases: Array<[string, number]> = [
      ["{not json", 400],
      ['{"amount": 100', 400],
      [JSON.stringify({ amount: "100" }), 422],
      [JSON.stringify({ amount: 10.5 }), 422],
      [JSON.stringify({ amount: -1 }), 422],
      [JSON.stringify({ amount: 2 ** 53 }), 422],
      [JSON.stringify({ amount: 100, tds: -5 }), 422],
      [JSON.stringify({ amount: 100, transaction_charge: "1" }), 422],
      [JSON.stringify({ amount: 100, colour: "red" }), 422],
      [JSON.stringify({ amount: 100, paid_at: "yesterday" }), 422],
      [JSON.stringify({ amount: 100, reference: "x".repeat(129) }), 422],
      [JSON.stringify({ amount: 100, allow_overpayment: "yes" }), 422],
      [JSON.stringify({ amount: 100, currency: "XXX" }), 422],
      [JSON.stringify([{ amount: 100 }]), 400],
      ["null", 400],
    ];
    for (const [raw, status] of cases) {
      const res = await call("POST", `/v1/invoices/${id}/payments`, {
        key,
        raw,
        headers: { "content-type": "application/json" },
      });
      expect(res.status, raw).toBe(status);
      expect(res.body.error, raw).toEqual({
        code: expect.any(String),
        message: expect.any(String),
        ...(res.body.error.details ? { details: expect.anything() } : {}),
      });
    }
    expect(await snapshot(key, id)).toEqual(before);
  });

  it("a body that is not declared as JSON is not treated as an empty payment (which would pay it all)", async () => {
    const { key, id } = await setup();
    const variants: Array<Record<string, string>> = [
      {},
      { "content-type": "text/plain" },
      { "content-type": "application/x-www-form-urlencoded" },
    ];
    for (const headers of variants) {
      const res = await call("POST", `/v1/invoices/${id}/payments`, {
        key,
        raw: JSON.stringify({ amount: 100 }),
        headers,
      });
      expect(res.status, JSON.stringify(headers)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect(await getInvoice(key, id)).toMatchObject({ amount_paid: 0, payments_count: 0 });
  });

  it("a reverse body with unknown fields is refused", async () => {
    const { key, id } = await setup();
    const p = await pay(key, id, { amount: 100 });
    const res = await reverse(key, id, p.body.payment.id, { reason: "x", amount: 5 });
    expect(res.status).toBe(422);
    expect((await getInvoice(key, id)).amount_paid).toBe(100);
  });
});
