import { describe, expect } from "vitest";
import { it, uid } from "../../helpers";
import { allLines, getInvoice, pay, setup, snapshot } from "../../support/payments";

describe("Idempotency-Key", () => {
  it("same key and body: the same response and one payment", async () => {
    const { key, id } = await setup();
    const headers = { "idempotency-key": `k-${uid("idem")}` };
    const body = { amount: 25000, method: "cheque", reference: "CHQ-1" };
    const first = await pay(key, id, body, headers);
    const second = await pay(key, id, body, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.body.payment.id).toBe(first.body.payment.id);
    const inv = await getInvoice(key, id);
    expect(inv).toMatchObject({ amount_paid: 25000, payments_count: 1 });
    expect(await allLines(key, id)).toHaveLength(1);
  });

  it("same key, different body: 409 idempotency_key_reused and nothing changes", async () => {
    const { key, id } = await setup();
    const headers = { "idempotency-key": "order-42-payment" };
    expect((await pay(key, id, { amount: 25000 }, headers)).status).toBe(201);
    const before = await snapshot(key, id);
    for (const body of [{ amount: 26000 }, { amount: 25000, method: "cash" }, { amount: 25000, tds: 1 }]) {
      const res = await pay(key, id, body, headers);
      expect(res.status, JSON.stringify(body)).toBe(409);
      expect(res.body.error.code).toBe("idempotency_key_reused");
    }
    expect(await snapshot(key, id)).toEqual(before);
  });

  it("a refused request replays its refusal; a new key is a new request", async () => {
    const { key, id } = await setup();
    const headers = { "idempotency-key": "too-much" };
    const refused = await pay(key, id, { amount: 200000 }, headers);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("amount_exceeds_due");
    expect(await pay(key, id, { amount: 200000 }, headers)).toMatchObject({
      status: 422,
      body: refused.body,
    });
    expect((await pay(key, id, { amount: 1000 }, { "idempotency-key": "other" })).status).toBe(201);
  });

  it("refuses a malformed key", async () => {
    const { key, id } = await setup();
    const res = await pay(key, id, { amount: 10 }, { "idempotency-key": "x".repeat(256) });
    expect(res.status).toBe(422);
    expect((await getInvoice(key, id)).payments_count).toBe(0);
  });
});
