import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkMinor,
  formatMoney,
  MoneyError,
  majorToMinor,
  minorToMajorString,
} from "../../src/money/amount";
import { currencyExponent, isSupportedCurrency } from "../../src/money/currency";

const code = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (e) {
    if (e instanceof MoneyError) return e.code;
    throw e;
  }
};

// One currency per ISO 4217 exponent the ledger accepts.
const BY_EXPONENT = [
  ["JPY", 0],
  ["EUR", 2],
  ["KWD", 3],
  ["CLF", 4],
] as const;

describe("majorToMinor", () => {
  it("converts providers' decimal numbers exactly, without float multiplication", () => {
    expect(majorToMinor(450.0, "EUR")).toBe(45000);
    expect(majorToMinor(899.99, "EUR")).toBe(89999);
    expect(majorToMinor(12.345, "KWD")).toBe(12345);
    expect(majorToMinor(1.2345, "CLF")).toBe(12345);
    expect(majorToMinor(500, "JPY")).toBe(500);
    expect(majorToMinor(0, "INR")).toBe(0);
    // Values where naive `x * 100` drifts: 1.005 * 1000, 4.35 * 100, 0.29 * 100, 1.15 * 100.
    expect(majorToMinor(4.35, "USD")).toBe(435);
    expect(majorToMinor(0.29, "USD")).toBe(29);
    expect(majorToMinor(1.15, "USD")).toBe(115);
    expect(majorToMinor(1.005, "KWD")).toBe(1005);
    expect(majorToMinor(19.99, "INR")).toBe(1999);
    expect(majorToMinor(4790.3, "INR")).toBe(479030);
  });

  it("accepts decimal strings, trailing zeros and a plus sign", () => {
    expect(majorToMinor("450.00", "EUR")).toBe(45000);
    expect(majorToMinor("450.000000", "EUR")).toBe(45000);
    expect(majorToMinor(" 12.345 ", "KWD")).toBe(12345);
    expect(majorToMinor("100.0", "JPY")).toBe(100);
    expect(majorToMinor("+5", "EUR")).toBe(500);
    expect(majorToMinor("0007.5", "EUR")).toBe(750);
  });

  it("refuses -0, written or as the number: it names no amount", () => {
    for (const v of ["-0", "-0.00", -0])
      expect(
        code(() => majorToMinor(v, "EUR")),
        String(v),
      ).toBe("invalid_amount");
    expect(majorToMinor(0, "EUR")).toBe(0);
  });

  it("refuses more decimals than the currency allows instead of rounding", () => {
    expect(code(() => majorToMinor(0.1 + 0.2, "EUR"))).toBe("too_many_decimals"); // 0.30000000000000004
    expect(code(() => majorToMinor(1.1 + 2.2, "EUR"))).toBe("too_many_decimals");
    expect(code(() => majorToMinor(899.999, "EUR"))).toBe("too_many_decimals");
    expect(code(() => majorToMinor("1.005", "EUR"))).toBe("too_many_decimals");
    expect(code(() => majorToMinor(100.5, "JPY"))).toBe("too_many_decimals");
    expect(code(() => majorToMinor("12.3456", "KWD"))).toBe("too_many_decimals");
    expect(code(() => majorToMinor("1.23456", "CLF"))).toBe("too_many_decimals");
    expect(code(() => majorToMinor(1e-7, "EUR"))).toBe("too_many_decimals");
  });

  it("refuses negatives unless asked, and then keeps the sign", () => {
    expect(code(() => majorToMinor(-1, "EUR"))).toBe("negative_amount");
    expect(code(() => majorToMinor("-0.01", "EUR"))).toBe("negative_amount");
    expect(majorToMinor(-899.99, "EUR", { allowNegative: true })).toBe(-89999);
    expect(majorToMinor("-12.345", "KWD", { allowNegative: true })).toBe(-12345);
  });

  it("refuses non-finite and malformed values", () => {
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(code(() => majorToMinor(v, "EUR"))).toBe("invalid_amount");
    }
    for (const v of [
      "",
      " ",
      "abc",
      "1e3",
      "1,5",
      "1.2.3",
      ".5",
      "5.",
      "0x10",
      "--1",
      "1 000",
      "Infinity",
      "NaN",
    ]) {
      expect(
        code(() => majorToMinor(v, "EUR")),
        JSON.stringify(v),
      ).toBe("invalid_amount");
    }
  });

  it("refuses values beyond the safe integer range of minor units", () => {
    expect(majorToMinor("9007199254740991", "JPY")).toBe(Number.MAX_SAFE_INTEGER);
    expect(majorToMinor("90071992547409.91", "EUR")).toBe(Number.MAX_SAFE_INTEGER);
    expect(code(() => majorToMinor("9007199254740992", "JPY"))).toBe("amount_out_of_range");
    expect(code(() => majorToMinor("90071992547409.92", "EUR"))).toBe("amount_out_of_range");
    expect(code(() => majorToMinor(2 ** 53, "JPY"))).toBe("amount_out_of_range");
    expect(code(() => majorToMinor(1e21, "JPY"))).toBe("amount_out_of_range"); // prints as "1e+21"
    expect(code(() => majorToMinor(1e300, "EUR"))).toBe("amount_out_of_range");
    expect(code(() => majorToMinor("123456789012345678901234567890", "EUR"))).toBe("amount_out_of_range");
    expect(code(() => majorToMinor(-1e21, "JPY", { allowNegative: true }))).toBe("amount_out_of_range");
  });

  it("refuses currencies it does not know or that have no minor unit", () => {
    for (const c of ["XXX", "XAU", "XDR", "eur", "EURO", "", "ZZZ"]) {
      expect(
        code(() => majorToMinor(1, c)),
        c,
      ).toBe("unsupported_currency");
    }
  });

  it("round-trips every safe integer through minorToMajorString, for every exponent", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.constantFrom(...BY_EXPONENT), (m, [currency]) => {
        const text = minorToMajorString(m, currency);
        expect(majorToMinor(text, currency, { allowNegative: true })).toBe(m);
      }),
      { numRuns: 2000 },
    );
  });

  it("round-trips through a JSON number for amounts a float prints exactly (up to 15 digits)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }),
        fc.constantFrom(...BY_EXPONENT),
        (m, [currency]) => {
          const asJsonNumber = JSON.parse(minorToMajorString(m, currency)) as number;
          expect(majorToMinor(asJsonNumber, currency, { allowNegative: true })).toBe(m);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("minorToMajorString and formatMoney", () => {
  it("renders each exponent", () => {
    expect(minorToMajorString(12345, "KWD")).toBe("12.345");
    expect(minorToMajorString(5, "KWD")).toBe("0.005");
    expect(minorToMajorString(5, "EUR")).toBe("0.05");
    expect(minorToMajorString(-5, "EUR")).toBe("-0.05");
    expect(minorToMajorString(500, "JPY")).toBe("500");
    expect(minorToMajorString(12345, "CLF")).toBe("1.2345");
    expect(minorToMajorString(0, "EUR")).toBe("0.00");
  });

  it("groups thousands for people", () => {
    expect(formatMoney(459030, "INR")).toBe("INR 4,590.30");
    expect(formatMoney(1234567, "JPY")).toBe("JPY 1,234,567");
    expect(formatMoney(-100000, "USD")).toBe("-USD 1,000.00");
  });
});

describe("checkMinor and currencies", () => {
  it("accepts safe non-negative integers only", () => {
    expect(checkMinor(0)).toBe(0);
    expect(checkMinor(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    expect(checkMinor(-5, { allowNegative: true })).toBe(-5);
    expect(code(() => checkMinor(-5))).toBe("negative_amount");
    expect(code(() => checkMinor(1.5))).toBe("invalid_amount");
    expect(code(() => checkMinor("5"))).toBe("invalid_amount");
    expect(code(() => checkMinor(Number.NaN))).toBe("invalid_amount");
    expect(code(() => checkMinor(2 ** 53))).toBe("amount_out_of_range");
  });

  it("knows the ISO 4217 exponents", () => {
    for (const [c, e] of BY_EXPONENT) expect(currencyExponent(c)).toBe(e);
    for (const c of ["BHD", "JOD", "OMR", "TND", "IQD", "LYD"]) expect(currencyExponent(c)).toBe(3);
    for (const c of ["KRW", "VND", "CLP", "ISK"]) expect(currencyExponent(c)).toBe(0);
    expect(currencyExponent("INR")).toBe(2);
    expect(isSupportedCurrency("XAU")).toBe(false);
    expect(isSupportedCurrency("XXX")).toBe(false);
    expect(isSupportedCurrency("INR")).toBe(true);
  });
});
