import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MoneyError } from "../../src/money/amount";
import { SUPPORTED_CURRENCIES } from "../../src/money/currency";
import { chargebeeToMinor, minorToChargebee } from "../../src/providers/chargebee-amount";

const code = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (e) {
    if (e instanceof MoneyError) return e.code;
    throw e;
  }
};

describe("chargebeeToMinor", () => {
  it("keeps cents for 2-decimal currencies and major units for zero-decimal ones", () => {
    expect(chargebeeToMinor(153, "USD")).toBe(153); // $1.53, Chargebee's own example
    expect(chargebeeToMinor(1395, "USD")).toBe(1395);
    expect(chargebeeToMinor(300000, "INR")).toBe(300000);
    expect(chargebeeToMinor(15, "JPY")).toBe(15); // ¥15, Chargebee's own example
    for (const c of ["KRW", "XAF", "XOF"]) expect(chargebeeToMinor(1000, c)).toBe(1000);
    expect(chargebeeToMinor(0, "EUR")).toBe(0);
  });

  it("scales Chargebee's 1/100 cents up to ISO minor units for 3- and 4-decimal currencies", () => {
    expect(chargebeeToMinor(1234, "KWD")).toBe(12340); // 12.34 KWD = 12.340
    expect(chargebeeToMinor(1, "BHD")).toBe(10);
    expect(chargebeeToMinor(1, "CLF")).toBe(100);
  });

  it("refuses what is not an exact integer amount in a supported currency", () => {
    expect(code(() => chargebeeToMinor(12.5, "USD"))).toBe("invalid_amount");
    expect(code(() => chargebeeToMinor(Number.NaN, "USD"))).toBe("invalid_amount");
    expect(code(() => chargebeeToMinor(2 ** 53, "USD"))).toBe("invalid_amount");
    expect(code(() => chargebeeToMinor(-1, "USD"))).toBe("negative_amount");
    expect(code(() => chargebeeToMinor(100, "XXX"))).toBe("unsupported_currency");
    expect(code(() => chargebeeToMinor(100, "usd"))).toBe("unsupported_currency");
    expect(code(() => chargebeeToMinor(Number.MAX_SAFE_INTEGER, "KWD"))).toBe("amount_out_of_range");
  });

  it("round-trips through minorToChargebee for every supported currency", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SUPPORTED_CURRENCIES),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (currency, cents) => {
          expect(minorToChargebee(chargebeeToMinor(cents, currency), currency)).toBe(cents);
        },
      ),
    );
  });
});

describe("minorToChargebee", () => {
  it("answers null rather than rounding what Chargebee cannot express", () => {
    expect(minorToChargebee(12345, "KWD")).toBeNull();
    expect(minorToChargebee(12340, "KWD")).toBe(1234);
    expect(minorToChargebee(101, "CLF")).toBeNull();
    expect(minorToChargebee(15, "JPY")).toBe(15);
    expect(minorToChargebee(1.5, "USD")).toBeNull();
  });
});
