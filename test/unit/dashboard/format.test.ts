// Money and dates as the dashboard shows them: exact per currency exponent (no float ever touches an amount),
// localized, in the merchant's time zone; and form amounts read exactly or refused.
import { describe, expect, it } from "vitest";
import { parseAmountInput } from "../../../src/dashboard/amount-input";
import { formatDay, formatInstant, formatMoney, localeOf, todayIn } from "../../../src/dashboard/format";

/** Intl separates a code from its amount with a no-break space; compare as plain spaces. */
const plain = (s: string) => s.replace(/\s/g, " ");

describe("formatMoney", () => {
  it("uses each currency's exponent and the locale's grouping", () => {
    expect(formatMoney(479030, "INR", "en-IN")).toBe("₹4,790.30");
    expect(formatMoney(1500, "JPY", "en")).toBe("¥1,500");
    expect(plain(formatMoney(12345, "KWD", "en"))).toBe("KWD 12.345");
    expect(formatMoney(5, "USD", "en")).toBe("$0.05");
    expect(plain(formatMoney(0, "EUR", "de-DE"))).toBe("0,00 €");
    expect(formatMoney(-1000, "INR", "en-IN")).toBe("-₹10.00");
    expect(formatMoney(1234567, "INR", "en-IN")).toBe("₹12,345.67");
  });

  it("stays exact where a float would not: the largest safe amount, to the last digit", () => {
    // 9007199254740991 / 100 as a float is 90071992547409.9 (the last digit lost); the decimal string is exact.
    expect(formatMoney(Number.MAX_SAFE_INTEGER, "USD", "en")).toBe("$90,071,992,547,409.91");
    expect(formatMoney(Number.MAX_SAFE_INTEGER, "JPY", "en")).toBe("¥9,007,199,254,740,991");
  });

  it("shows an unknown amount or currency as a dash", () => {
    expect(formatMoney(null, "INR")).toBe("—");
    expect(formatMoney(100, null)).toBe("—");
  });
});

describe("dates", () => {
  it("shows an instant in the merchant's time zone, naming the zone", () => {
    const iso = "2026-12-01T20:00:00.000Z";
    expect(plain(formatInstant(iso, "UTC", "en"))).toBe("Dec 1, 2026, 08:00 PM UTC");
    expect(plain(formatInstant(iso, "Asia/Kolkata", "en"))).toBe("Dec 2, 2026, 01:30 AM GMT+5:30");
    expect(formatInstant(null, "UTC")).toBe("—");
  });

  it("never shifts a calendar date (a due date) by a time zone", () => {
    expect(formatDay("2026-12-15", "en")).toBe("Dec 15, 2026");
    expect(formatDay(null)).toBe("—");
  });

  it("knows today's date where the merchant is", () => {
    const now = new Date("2026-12-01T20:00:00Z");
    expect(todayIn("UTC", now)).toBe("2026-12-01");
    expect(todayIn("Asia/Kolkata", now)).toBe("2026-12-02");
    expect(todayIn("America/Los_Angeles", now)).toBe("2026-12-01");
  });

  it("takes the reader's first known language, else English", () => {
    expect(localeOf("de-DE,de;q=0.9,en;q=0.8")).toBe("de-DE");
    expect(localeOf("*")).toBe("en");
    expect(localeOf(undefined)).toBe("en");
    expect(localeOf("not a tag!!, en-IN")).toBe("en-IN");
  });
});

describe("parseAmountInput", () => {
  it("reads decimal text into minor units exactly", () => {
    expect(parseAmountInput("Amount", "1500.50", "INR")).toEqual({ ok: true, minor: 150050 });
    expect(parseAmountInput("Amount", " 0.1 ", "INR")).toEqual({ ok: true, minor: 10 });
    expect(parseAmountInput("Amount", "0.2", "INR")).toEqual({ ok: true, minor: 20 });
    expect(parseAmountInput("Amount", "1500", "JPY")).toEqual({ ok: true, minor: 1500 });
    expect(parseAmountInput("Amount", "12.345", "KWD")).toEqual({ ok: true, minor: 12345 });
    expect(parseAmountInput("Amount", "450.0", "EUR")).toEqual({ ok: true, minor: 45000 });
    expect(parseAmountInput("Amount", "", "INR")).toEqual({ ok: true, minor: undefined });
  });

  it("refuses what it would have to round or guess", () => {
    for (const [text, currency] of [
      ["10.005", "INR"],
      ["1.5", "JPY"],
      ["1,500.00", "INR"],
      ["1e3", "INR"],
      ["-5", "INR"],
      [".5", "INR"],
      ["5.", "INR"],
      ["0x10", "INR"],
      ["Infinity", "INR"],
      ["99999999999999999", "INR"],
    ] as const) {
      const r = parseAmountInput("Amount", text, currency);
      expect(r.ok, `${text} ${currency}`).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/^Amount: /);
    }
  });
});
