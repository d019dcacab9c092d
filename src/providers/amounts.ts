// Money and currency as providers' payloads carry them, read one way for every provider: a bad amount or
// an unsupported currency is a MalformedPayload naming the field, never a silently rounded figure.
import { MoneyError, majorToMinor } from "../money/amount";
import { isSupportedCurrency } from "../money/currency";
import { MalformedPayload } from "./types";

/** Runs a conversion, turning its MoneyError into a MalformedPayload about `field`. */
export function convertOrMalformed<T>(field: string, convert: () => T): T {
  try {
    return convert();
  } catch (err) {
    if (err instanceof MoneyError) throw new MalformedPayload(`${field}: ${err.message}`);
    throw err;
  }
}

/** A decimal amount in major units (a JSON number or a numeric string), as exact minor units. */
export function decimalAmount(value: unknown, field: string, currency: string): number {
  if (typeof value !== "number" && typeof value !== "string") {
    throw new MalformedPayload(`${field} must be a decimal amount`);
  }
  return convertOrMalformed(field, () => majorToMinor(value, currency));
}

/** As decimalAmount; null when the field is absent or null. */
export const optionalDecimalAmount = (value: unknown, field: string, currency: string) =>
  value === undefined || value === null ? null : decimalAmount(value, field, currency);

/**
 * `value` when it is a currency we keep ledgers in; otherwise a MalformedPayload about `field` quoting
 * `sent` (the field as it arrived, when `value` is a cleaned copy of it).
 */
export function supportedCurrency(value: unknown, field: string, sent: unknown = value): string {
  if (typeof value !== "string" || !isSupportedCurrency(value)) {
    throw new MalformedPayload(`${field} ${JSON.stringify(sent)} is not a supported ISO 4217 code`);
  }
  return value;
}
