// Shared zod atoms for text that reaches the ledger: ids, numbers, references, names and notes. One
// definition, reused by the API schemas, the dialects and the providers, so the rules cannot drift.
import { z } from "zod";
import { isSupportedCurrency } from "../money/currency";
import { isJsonObject } from "./strict-json";

/**
 * C0 controls (NUL included, U+0000-U+001F), DEL and C1 controls (U+007F-U+009F): exactly Unicode's
 * general category Cc. Never part of an id, a number, a reference or a name.
 */
export const CONTROL = /\p{Cc}/u;
/** Controls in free text: as CONTROL, but tab, line feed and carriage return are ordinary in notes. */
const FREE_TEXT_CONTROL = /(?![\t\n\r])\p{Cc}/u;
/**
 * Bidirectional formatting characters (Unicode UAX #9, https://www.unicode.org/reports/tr9/): embeddings
 * and overrides U+202A-U+202E, isolates U+2066-U+2069, marks U+200E, U+200F and U+061C. In an identifier
 * they make two different ids look the same, or one look like another ("Trojan Source", CVE-2021-42574).
 */
export const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

/** Longest id, reference or number accepted anywhere (providers, dialects, our API). */
export const MAX_ID_LENGTH = 255;

/** A name or other short text: at most `max` characters, no control characters. */
export const safeText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !CONTROL.test(s), "must not contain control characters");

/** Notes, reasons, comments: at most `max` characters; tab and line breaks allowed, other controls not. */
export const freeText = (max: number) =>
  z
    .string()
    .max(max)
    .refine(
      (s) => !FREE_TEXT_CONTROL.test(s),
      "must not contain control characters other than tab and line breaks",
    );

/** A reference as providers send it (may be empty): no control or bidirectional formatting characters. */
export const reference = (max = MAX_ID_LENGTH) =>
  safeText(max).refine((s) => !BIDI.test(s), "must not contain bidirectional formatting characters");

/** An id or document number: 1-`max` characters, no control or bidirectional formatting characters. */
export const identifier = (max = MAX_ID_LENGTH) => reference(max).min(1);

/**
 * The same rules for code that reads untyped JSON by hand (HighLevel, Riverty): what is wrong with `s`
 * as an identifier ("id") or a name ("text") of at most `max` characters, or null when nothing is.
 */
export function textProblem(s: string, max: number, kind: "id" | "text"): string | null {
  if (s.length > max) return `is longer than ${max} characters`;
  if (CONTROL.test(s)) return "contains control characters";
  if (kind === "id" && BIDI.test(s)) return "contains bidirectional formatting characters";
  return null;
}

/**
 * A JSON object passed through as it is, for a part read later by a stricter schema. z.record would copy
 * it key by key, and assigning an own "__proto__" key (which JSON.parse creates) sets the copy's prototype
 * instead, so the key vanishes and a later .strict() could never refuse it.
 */
export const jsonObject = () =>
  z.custom<Record<string, unknown>>((v) => isJsonObject(v), "must be a JSON object");

/** Integer minor units, 0 to 2^53 - 1. `-0` is refused: JSON.parse reads "-0" as a distinct value. */
export const minorUnits = () =>
  z
    .number()
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .refine((n) => !Object.is(n, -0), "must not be -0");

/** An ISO 4217 code we keep ledgers in (upper case, with a minor unit). */
export const currencyCode = () =>
  z.string().refine(isSupportedCurrency, "is not a supported ISO 4217 currency");

/** A customer's phone as invoicing systems hold it: digits, spaces and + ( ) - ., 3-32 characters. */
export const phoneNumber = () => z.string().regex(/^[0-9+()\-. ]{3,32}$/, "is not a phone number");

/** An email address; 254 characters is the longest a mail path allows (RFC 5321). */
export const emailAddress = () => z.email().max(254);
