// Money and dates as a merchant reads them. Amounts stay integers in minor units until the very end: they are
// written out as an exact decimal string (minorToMajorString, digit by digit) and that string is what
// Intl.NumberFormat formats (ES2023 Intl.NumberFormat v3 takes a decimal string without going through a
// float: https://tc39.es/ecma402/#sec-tointlmathematicalvalue), so no amount is ever multiplied or divided.

import { minorToMajorString } from "../money/amount";
import { currencyExponent } from "../money/currency";

/** The first language of Accept-Language that the runtime's Intl knows, else "en". */
export function localeOf(acceptLanguage: string | undefined): string {
  for (const part of (acceptLanguage ?? "").split(",")) {
    const tag = part.split(";")[0]?.trim();
    if (!tag || tag === "*") continue;
    try {
      const [supported] = Intl.NumberFormat.supportedLocalesOf([tag]);
      if (supported) return supported;
    } catch {
      // A malformed tag is skipped, as a browser would.
    }
  }
  return "en";
}

type DecimalFormat = (value: string) => string;

/** "₹4,790.30", "¥1,500", "KWD 12.345": the currency's own exponent, never rounded. */
export function formatMoney(minor: number | null, currency: string | null, locale = "en"): string {
  if (minor === null || currency === null) return "—";
  const exp = currencyExponent(currency);
  if (exp === undefined) return `${currency} ${minor}`;
  const format = new Intl.NumberFormat(locale, {
    style: "currency",
    currency,
    minimumFractionDigits: exp,
    maximumFractionDigits: exp,
  }).format as unknown as DecimalFormat;
  return format(minorToMajorString(minor, currency));
}

/** The amount as a form field shows it back: plain decimal major units ("1500.50"). */
export const plainAmount = (minor: number, currency: string) => minorToMajorString(minor, currency);

/** An instant (ISO 8601) in the merchant's time zone, with the zone named. */
export function formatInstant(iso: string | null, timeZone: string, locale = "en"): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  // Components rather than dateStyle/timeStyle, which ECMA-402 does not allow together with timeZoneName.
  return new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
    timeZoneName: "short",
  }).format(date);
}

/** A calendar date (YYYY-MM-DD, a due date) is the same day everywhere: never shifted by a time zone. */
export function formatDay(day: string | null, locale = "en"): string {
  if (!day) return "—";
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(date);
}

/** Today's date in `timeZone` (YYYY-MM-DD): the aging report's as-of day for the merchant. */
export function todayIn(timeZone: string, now = new Date()): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(now);
}

/** An invoice status as the merchant reads it. */
export const STATUS_LABEL: Record<string, string> = {
  open: "Open",
  partially_paid: "Partly paid",
  paid: "Paid",
  overpaid: "Overpaid",
  void: "Void",
};
