import { currencyExponent } from "./currency";

export class MoneyError extends Error {
  constructor(
    readonly code:
      | "invalid_amount"
      | "too_many_decimals"
      | "negative_amount"
      | "amount_out_of_range"
      | "unsupported_currency",
    message: string,
  ) {
    super(message);
  }
}

export interface MinorOptions {
  /** Accept negative values (signed adjustments). Default false. */
  allowNegative?: boolean;
}

function exponentOf(currency: string): number {
  const exp = currencyExponent(currency);
  if (exp === undefined) throw new MoneyError("unsupported_currency", `Unsupported currency: ${currency}`);
  return exp;
}

function checkRange(minor: number, original: string): number {
  if (!Number.isSafeInteger(minor)) {
    throw new MoneyError("amount_out_of_range", `Amount ${original} is beyond the safe integer range`);
  }
  return minor;
}

/**
 * Converts a decimal amount in major units (a JSON number such as 899.99 or a string "12.345") to
 * integer minor units of `currency`, exactly: the conversion works on the decimal digits, never by
 * multiplying a float. More decimals than the currency allows is an error, not a rounding.
 */
export function majorToMinor(value: number | string, currency: string, opts: MinorOptions = {}): number {
  const exp = exponentOf(currency);
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new MoneyError("invalid_amount", "Amount must be a finite number");
    // Number#toString gives the shortest decimal that round-trips, so 899.99 stays "899.99".
    text = numberToPlainDecimal(value);
  } else {
    text = value.trim();
  }
  const match = /^([+-])?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new MoneyError("invalid_amount", `Not a decimal amount: ${JSON.stringify(value)}`);
  const [, sign, intPart = "0", fracRaw = ""] = match;
  const frac = fracRaw.replace(/0+$/, "");
  if (frac.length > exp) {
    throw new MoneyError("too_many_decimals", `${text} has more decimals than ${currency} allows (${exp})`);
  }
  const digits = (intPart + frac.padEnd(exp, "0")).replace(/^0+(?=\d)/, "");
  if (digits.length > 16)
    throw new MoneyError("amount_out_of_range", `Amount ${text} is beyond the safe integer range`);
  const magnitude = checkRange(Number(digits), text);
  // "-0" (or the number -0, which prints as "0") names no amount; a sender that writes it has a sign bug.
  if ((sign === "-" && magnitude === 0) || Object.is(value, -0)) {
    throw new MoneyError("invalid_amount", "-0 is not an amount");
  }
  const negative = sign === "-";
  if (negative && !opts.allowNegative)
    throw new MoneyError("negative_amount", `Amount must not be negative: ${text}`);
  return negative ? -magnitude : magnitude;
}

/** Checks an amount that is already in minor units (an integer). */
export function checkMinor(value: unknown, opts: MinorOptions = {}): number {
  if (typeof value !== "number" || !Number.isFinite(value) || !Number.isInteger(value)) {
    throw new MoneyError("invalid_amount", "Amount must be an integer number of minor units");
  }
  checkRange(value, String(value));
  if (value < 0 && !opts.allowNegative)
    throw new MoneyError("negative_amount", "Amount must not be negative");
  return value;
}

/** Renders minor units as a plain decimal string in major units: (12345, "KWD") -> "12.345". */
export function minorToMajorString(minor: number, currency: string): string {
  const exp = exponentOf(currency);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exp + 1, "0");
  const body = exp === 0 ? digits : `${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
  return negative ? `-${body}` : body;
}

/** Major units as a JSON number, for dialects whose wire format is decimal (Refrens). */
export function minorToMajorNumber(minor: number, currency: string): number {
  return Number(minorToMajorString(minor, currency));
}

/** Human formatting for reminders: "INR 4,590.30". */
export function formatMoney(minor: number, currency: string): string {
  const plain = minorToMajorString(minor, currency);
  const [int = "0", frac] = plain.replace("-", "").split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${minor < 0 ? "-" : ""}${currency} ${frac ? `${grouped}.${frac}` : grouped}`;
}

// 1e21 and above, and tiny values, print in exponent form; expand them so the digit parser sees plain text.
function numberToPlainDecimal(value: number): string {
  const s = String(value);
  if (!/e/i.test(s)) return s;
  const [mantissa = "", expPart = "0"] = s.toLowerCase().split("e");
  const e = Number(expPart);
  const negative = mantissa.startsWith("-");
  const [i = "", f = ""] = mantissa.replace("-", "").split(".");
  const all = i + f;
  const point = i.length + e;
  let out: string;
  if (point <= 0) out = `0.${"0".repeat(-point)}${all}`;
  else if (point >= all.length) out = all + "0".repeat(point - all.length);
  else out = `${all.slice(0, point)}.${all.slice(point)}`;
  return negative ? `-${out}` : out;
}
