import { describe, expect, it } from "vitest";
import {
  addLine,
  compareReplay,
  credited,
  deriveBalance,
  EMPTY_TOTALS,
  isPayable,
  validateLine,
} from "../../src/ledger/balance";
import type { Line, LineInput, Totals } from "../../src/ledger/types";

const totals = (t: Partial<Totals>): Totals => ({ ...EMPTY_TOTALS, ...t });

const line = (l: Partial<Line> = {}): Line => ({
  id: "pay_1",
  seq: 1,
  kind: "payment",
  source: "stripe",
  externalId: "pi_1",
  amount: 1000,
  tds: 0,
  fee: 0,
  currency: "INR",
  method: null,
  reference: null,
  notes: null,
  paidAt: null,
  reversesId: null,
  requestedAmount: l.amount ?? 1000,
  duplicateAmount: 0,
  duplicateOf: null,
  idempotencyKey: null,
  remindCustomer: true,
  notifyMerchant: true,
  origin: null,
  eventId: null,
  createdAt: "2030-01-01T00:00:00.000Z",
  ...l,
});

const input = (l: Partial<LineInput> = {}): LineInput => ({
  kind: "payment",
  source: "stripe",
  externalId: "pi_1",
  amount: 1000,
  currency: "INR",
  ...l,
});

describe("addLine", () => {
  it("moves exactly the sums of its kind, and counts every line and fee", () => {
    let t = EMPTY_TOTALS;
    t = addLine(t, { kind: "payment", amount: 900, tds: 100, fee: 20 });
    // 300 taken back, 40 of it out of the payment's TDS.
    t = addLine(t, { kind: "reversal", amount: 300, tds: 40, fee: 0 });
    t = addLine(t, { kind: "write_off", amount: 50, tds: 0, fee: 0 });
    t = addLine(t, { kind: "adjustment", amount: -25, tds: 0, fee: 5 });
    t = addLine(t, { kind: "adjustment", amount: 10, tds: 0, fee: 0 });
    expect(t).toEqual({
      paid: 900,
      tds: 100,
      reversed: 300,
      tdsReversed: 40,
      writtenOff: 50,
      adjusted: -15,
      fees: 25,
      paymentsCount: 1,
      linesCount: 5,
    });
    expect(credited(t)).toBe(900 + 100 - 300 - 15);
  });

  it("does not mutate the totals it is given", () => {
    const t = totals({ paid: 1 });
    addLine(t, { kind: "payment", amount: 5, tds: 0, fee: 0 });
    expect(t.paid).toBe(1);
    expect(EMPTY_TOTALS).toEqual(totals({}));
  });
});

describe("deriveBalance", () => {
  it("open, partially paid, paid, overpaid and void", () => {
    expect(deriveBalance(1000, EMPTY_TOTALS, false)).toEqual({
      credited: 0,
      amountDue: 1000,
      creditBalance: 0,
      writtenOff: 0,
      status: "open",
    });
    expect(deriveBalance(1000, totals({ paid: 400, tds: 100 }), false)).toMatchObject({
      credited: 500,
      amountDue: 500,
      status: "partially_paid",
    });
    expect(deriveBalance(1000, totals({ paid: 1000 }), false)).toMatchObject({
      amountDue: 0,
      creditBalance: 0,
      status: "paid",
    });
    expect(deriveBalance(1000, totals({ paid: 1250 }), false)).toMatchObject({
      amountDue: 0,
      creditBalance: 250,
      status: "overpaid",
    });
    expect(deriveBalance(1000, totals({ paid: 1250 }), true)).toMatchObject({
      creditBalance: 250,
      status: "void",
    });
  });

  it("a write-off closes what is left without being credited", () => {
    const b = deriveBalance(1000, totals({ paid: 700, writtenOff: 300 }), false);
    expect(b).toEqual({ credited: 700, amountDue: 0, creditBalance: 0, writtenOff: 300, status: "paid" });
    expect(deriveBalance(1000, totals({ writtenOff: 100 }), false).status).toBe("partially_paid");
    // Writing off more than is left owes nothing and creates no credit.
    expect(deriveBalance(1000, totals({ paid: 700, writtenOff: 500 }), false)).toMatchObject({
      amountDue: 0,
      creditBalance: 0,
    });
  });

  it("a reversal restores what is due; reversing more than was paid leaves more than the total due", () => {
    expect(deriveBalance(1000, totals({ paid: 1000, reversed: 1000 }), false)).toMatchObject({
      credited: 0,
      amountDue: 1000,
      status: "open",
    });
    expect(deriveBalance(1000, totals({ reversed: 200 }), false)).toMatchObject({
      credited: -200,
      amountDue: 1200,
      creditBalance: 0,
      status: "open",
    });
  });

  it("signed adjustments move the credit both ways", () => {
    expect(deriveBalance(1000, totals({ paid: 900, adjusted: 100 }), false).status).toBe("paid");
    expect(deriveBalance(1000, totals({ paid: 1000, adjusted: -1 }), false)).toMatchObject({
      amountDue: 1,
      status: "partially_paid",
    });
  });

  it("fees are recorded, never credited", () => {
    expect(deriveBalance(1000, totals({ paid: 500, fees: 400 }), false)).toMatchObject({
      credited: 500,
      amountDue: 500,
    });
  });

  it("a zero total is paid from the start", () => {
    expect(deriveBalance(0, EMPTY_TOTALS, false).status).toBe("paid");
  });

  it("an invoice with no known total owes nothing known", () => {
    expect(deriveBalance(null, EMPTY_TOTALS, false)).toMatchObject({ amountDue: null, status: "open" });
    expect(deriveBalance(null, totals({ paid: 5 }), false)).toMatchObject({
      credited: 5,
      amountDue: null,
      creditBalance: 0,
      status: "partially_paid",
    });
    expect(deriveBalance(null, totals({ paid: 5 }), true).status).toBe("void");
  });

  it("isPayable: only open and partially paid", () => {
    expect(isPayable(deriveBalance(10, EMPTY_TOTALS, false))).toBe(true);
    expect(isPayable(deriveBalance(10, totals({ paid: 5 }), false))).toBe(true);
    expect(isPayable(deriveBalance(10, totals({ paid: 10 }), false))).toBe(false);
    expect(isPayable(deriveBalance(10, totals({ paid: 11 }), false))).toBe(false);
    expect(isPayable(deriveBalance(10, EMPTY_TOTALS, true))).toBe(false);
  });
});

describe("compareReplay", () => {
  it("the same money again is a duplicate, whatever the metadata", () => {
    expect(compareReplay(line(), input())).toBeNull();
    expect(compareReplay(line({ fee: 30 }), input({ fee: 0, method: "card", notes: "x" }))).toBeNull();
    expect(compareReplay(line({ tds: 0 }), input({ tds: undefined }))).toBeNull();
  });

  it("different kind, currency, amount or tds is a conflict", () => {
    expect(compareReplay(line(), input({ amount: 1001 }))).toMatch(/amount/);
    expect(compareReplay(line(), input({ currency: "USD" }))).toMatch(/currency/);
    expect(compareReplay(line(), input({ tds: 1 }))).toMatch(/tds/);
    expect(compareReplay(line({ tds: 5 }), input())).toMatch(/tds/);
    expect(compareReplay(line(), input({ kind: "reversal" }))).toMatch(/kind/);
  });
});

describe("validateLine", () => {
  it("accepts well-formed lines", () => {
    expect(validateLine(input())).toBeNull();
    expect(validateLine(input({ amount: 0, tds: 100 }))).toBeNull(); // all withheld
    expect(validateLine(input({ kind: "adjustment", amount: -5 }))).toBeNull();
    expect(validateLine(input({ kind: "reversal", amount: 5, fee: 1 }))).toBeNull();
    expect(validateLine(input({ kind: "write_off", amount: Number.MAX_SAFE_INTEGER }))).toBeNull();
  });

  it("refuses non-integers, unsafe integers, negatives and empty lines", () => {
    const bad: Array<Partial<LineInput>> = [
      { amount: 1.5 },
      { amount: Number.NaN },
      { amount: Number.POSITIVE_INFINITY },
      { amount: 2 ** 53 },
      { amount: 10, tds: 0.5 },
      { amount: 10, fee: -1 },
      { amount: 10, tds: -1 },
      { amount: 0 },
      { amount: -10, tds: 20 },
      { kind: "adjustment", amount: 0 },
      { kind: "reversal", amount: 0 },
      { kind: "reversal", amount: -5 },
      { kind: "write_off", amount: -5 },
      { kind: "reversal", amount: 5, tds: 1 },
      { kind: "write_off", amount: 5, tds: 1 },
    ];
    for (const b of bad) expect(validateLine(input(b)), JSON.stringify(b)).toEqual(expect.any(String));
  });
});
