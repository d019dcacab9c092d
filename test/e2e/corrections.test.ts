import { describe, expect } from "vitest";
import { call, createInvoice, createMerchant, getInvoice, getLines, it, track } from "../helpers";

const post = (key: string, id: string, what: "write-offs" | "adjustments", body: unknown, idemKey?: string) =>
  call("POST", `/v1/invoices/${id}/${what}`, {
    key,
    body,
    ...(idemKey ? { headers: { "idempotency-key": idemKey } } : {}),
  });

const pay = (key: string, id: string, amount: number) =>
  call("POST", `/v1/invoices/${id}/payments`, { key, body: { amount } });

async function setup(total = 100000) {
  const m = await createMerchant();
  const { id } = await createInvoice(m.key, { currency: "INR", total });
  track(m.id, id);
  return { key: m.key, id };
}

/** The invoice and its lines: what a refused request must leave as it was. */
const state = async (key: string, id: string) => ({
  invoice: await getInvoice(key, id),
  lines: await getLines(key, id),
});

describe("write-offs", () => {
  it("writes off a remainder: a write_off line with the reason, and the invoice paid", async () => {
    const { key, id } = await setup();
    expect((await pay(key, id, 99850)).status).toBe(201);
    const res = await post(key, id, "write-offs", { amount: 150, reason: "Bank charge" });
    expect(res.status).toBe(201);
    expect(res.body.write_off).toMatchObject({
      kind: "write_off",
      source: "api",
      amount: 150,
      currency: "INR",
      notes: "Bank charge",
    });
    expect(res.body.invoice).toMatchObject({
      amount_paid: 99850,
      amount_due: 0,
      written_off: 150,
      status: "paid",
    });
    const lines = await getLines(key, id);
    expect(lines.map((l) => l.kind)).toEqual(["payment", "write_off"]);
    // The listing adds reversed_amount to each line (null for any kind but a payment).
    expect(lines[1]).toEqual({ ...res.body.write_off, reversed_amount: null });
  });

  it("without an amount writes off exactly what is still due", async () => {
    const { key, id } = await setup();
    expect((await pay(key, id, 40000)).status).toBe(201);
    const res = await post(key, id, "write-offs", { reason: "Customer insolvent" });
    expect(res.status).toBe(201);
    expect(res.body.write_off.amount).toBe(60000);
    expect(res.body.invoice).toMatchObject({ amount_due: 0, written_off: 60000, status: "paid" });
  });

  it("a partial write-off leaves the invoice partially paid", async () => {
    const { key, id } = await setup();
    const res = await post(key, id, "write-offs", { amount: 1000, reason: "Goodwill" });
    expect(res.status).toBe(201);
    expect(res.body.invoice).toMatchObject({
      amount_due: 99000,
      written_off: 1000,
      status: "partially_paid",
    });
  });

  it("refuses more than is due, a paid invoice, a void invoice and another currency, changing nothing", async () => {
    const { key, id } = await setup();
    expect((await pay(key, id, 99000)).status).toBe(201);
    const before = await state(key, id);
    const over = await post(key, id, "write-offs", { amount: 1001, reason: "x" });
    expect(over.status).toBe(422);
    expect(over.body.error.code).toBe("amount_exceeds_due");
    const currency = await post(key, id, "write-offs", { amount: 10, currency: "USD", reason: "x" });
    expect(currency.status).toBe(422);
    expect(currency.body.error.code).toBe("currency_mismatch");
    const zero = await post(key, id, "write-offs", { amount: 0, reason: "x" });
    expect(zero.status).toBe(422);
    expect(zero.body.error.code).toBe("invalid_amount");
    expect(await state(key, id)).toEqual(before);

    expect((await post(key, id, "write-offs", { reason: "rest" })).status).toBe(201);
    const paid = await state(key, id);
    const again = await post(key, id, "write-offs", { reason: "again" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("invoice_not_payable");
    expect(await state(key, id)).toEqual(paid);

    const other = await setup();
    expect((await call("POST", `/v1/invoices/${other.id}/void`, { key: other.key })).status).toBe(200);
    const voided = await state(other.key, other.id);
    const onVoid = await post(other.key, other.id, "write-offs", { reason: "x" });
    expect(onVoid.status).toBe(409);
    expect(onVoid.body.error.code).toBe("invoice_not_payable");
    expect(await state(other.key, other.id)).toEqual(voided);
  });

  it("an unknown invoice is 404 and is not created", async () => {
    const { key } = await setup();
    const res = await post(key, "never-created", "write-offs", { reason: "x" });
    expect(res.status).toBe(404);
    expect((await call("GET", "/v1/invoices/never-created", { key })).status).toBe(404);
  });

  it("an Idempotency-Key replays the stored answer and records one line; another body is refused", async () => {
    const { key, id } = await setup();
    const first = await post(key, id, "write-offs", { amount: 500, reason: "Rounding" }, "wo-1");
    expect(first.status).toBe(201);
    const replay = await post(key, id, "write-offs", { amount: 500, reason: "Rounding" }, "wo-1");
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(first.body);
    const reused = await post(key, id, "write-offs", { amount: 600, reason: "Rounding" }, "wo-1");
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe("idempotency_key_reused");
    // The same key on another operation of the same invoice is another request, refused too.
    const asAdjustment = await post(key, id, "adjustments", { amount: 500, reason: "Rounding" }, "wo-1");
    expect(asAdjustment.status).toBe(409);
    const lines = await getLines(key, id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ kind: "write_off", amount: 500, idempotency_key: "wo-1" });
    expect((await getInvoice(key, id)).written_off).toBe(500);
  });
});

describe("adjustments", () => {
  it("a positive adjustment credits the invoice; a negative one takes credit back", async () => {
    const { key, id } = await setup();
    expect((await pay(key, id, 50000)).status).toBe(201);
    const up = await post(key, id, "adjustments", { amount: 2000, reason: "Early payment discount" });
    expect(up.status).toBe(201);
    expect(up.body.adjustment).toMatchObject({ kind: "adjustment", source: "api", amount: 2000 });
    expect(up.body.adjustment.notes).toBe("Early payment discount");
    expect(up.body.invoice).toMatchObject({
      amount_paid: 52000,
      amount_due: 48000,
      status: "partially_paid",
    });

    const down = await post(key, id, "adjustments", { amount: -7000, reason: "Cheque recorded too high" });
    expect(down.status).toBe(201);
    expect(down.body.adjustment.amount).toBe(-7000);
    expect(down.body.invoice).toMatchObject({ amount_paid: 45000, amount_due: 55000 });
    expect((await getLines(key, id)).map((l) => [l.kind, l.amount])).toEqual([
      ["payment", 50000],
      ["adjustment", 2000],
      ["adjustment", -7000],
    ]);
  });

  it("a negative adjustment reopens a paid invoice; a positive one can settle it", async () => {
    const { key, id } = await setup();
    expect((await pay(key, id, 100000)).status).toBe(201);
    const down = await post(key, id, "adjustments", { amount: -100, reason: "Short by 1.00" });
    expect(down.status).toBe(201);
    expect(down.body.invoice).toMatchObject({ status: "partially_paid", amount_due: 100 });
    const up = await post(key, id, "adjustments", { amount: 100, reason: "Settled in cash" });
    expect(up.status).toBe(201);
    expect(up.body.invoice).toMatchObject({ status: "paid", amount_due: 0 });
  });

  it("refuses credit beyond what is due or taken back beyond what is credited, and a void invoice", async () => {
    const { key, id } = await setup();
    expect((await pay(key, id, 30000)).status).toBe(201);
    const before = await state(key, id);
    const over = await post(key, id, "adjustments", { amount: 70001, reason: "x" });
    expect(over.status).toBe(422);
    expect(over.body.error.code).toBe("amount_exceeds_due");
    const under = await post(key, id, "adjustments", { amount: -30001, reason: "x" });
    expect(under.status).toBe(422);
    expect(under.body.error.code).toBe("amount_exceeds_credited");
    const zero = await post(key, id, "adjustments", { amount: 0, reason: "x" });
    expect(zero.status).toBe(422);
    expect(zero.body.error.code).toBe("validation_failed");
    const currency = await post(key, id, "adjustments", { amount: 5, currency: "EUR", reason: "x" });
    expect(currency.status).toBe(422);
    expect(currency.body.error.code).toBe("currency_mismatch");
    expect(await state(key, id)).toEqual(before);

    expect((await call("POST", `/v1/invoices/${id}/void`, { key })).status).toBe(200);
    const voided = await state(key, id);
    const onVoid = await post(key, id, "adjustments", { amount: -5, reason: "x" });
    expect(onVoid.status).toBe(409);
    expect(onVoid.body.error.code).toBe("invoice_not_payable");
    expect(await state(key, id)).toEqual(voided);
  });

  it("an Idempotency-Key records the adjustment once", async () => {
    const { key, id } = await setup();
    const body = { amount: 1234, reason: "Rebate" };
    const first = await post(key, id, "adjustments", body, "adj-1");
    const replay = await post(key, id, "adjustments", body, "adj-1");
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(await getLines(key, id)).toHaveLength(1);
    expect((await getInvoice(key, id)).amount_paid).toBe(1234);
  });
});
