// Chargebee expresses money as integer "cents": the major unit x 100 for every currency with a minor
// unit, the major unit itself for zero-decimal currencies (shared/research/providers.md §4.3, §7.2).
// Chargebee defines zero-decimal by ISO 4217 ("the unit represented by its ISO 4217 code"), and every
// code on its published zero-decimal list (JPY, KRW, XAF, XOF) is ISO exponent 0, so the ISO table
// decides. For 3- and 4-decimal currencies a Chargebee cent is coarser than the ISO minor unit.
import { MoneyError } from "../money/amount";
import { currencyExponent, isSupportedCurrency } from "../money/currency";

/** Decimal places of a Chargebee "cent" amount: 0 for zero-decimal currencies, else 2. */
function chargebeeExponent(isoExponent: number): number {
  return isoExponent === 0 ? 0 : 2;
}

function exponentOf(currency: string): number {
  const exp = isSupportedCurrency(currency) ? currencyExponent(currency) : undefined;
  if (exp === undefined) throw new MoneyError("unsupported_currency", `Unsupported currency: ${currency}`);
  return exp;
}

function checkCents(amount: number): void {
  if (typeof amount !== "number" || !Number.isSafeInteger(amount)) {
    throw new MoneyError("invalid_amount", "Chargebee amounts are integers in cents");
  }
  if (amount < 0) throw new MoneyError("negative_amount", "Amount must not be negative");
}

/**
 * Chargebee cents to ISO minor units of `currency`, exactly: USD 153 -> 153, JPY 15 -> 15,
 * KWD 1234 (12.34 KWD) -> 12340. Integer arithmetic only; a result beyond the safe range is an error.
 */
export function chargebeeToMinor(amount: number, currency: string): number {
  checkCents(amount);
  const iso = exponentOf(currency);
  const scale = 10 ** (iso - chargebeeExponent(iso));
  const minor = amount * scale;
  if (!Number.isSafeInteger(minor)) {
    throw new MoneyError("amount_out_of_range", `Amount ${amount} is beyond the safe integer range`);
  }
  return minor;
}

/**
 * ISO minor units back to Chargebee cents, or null when Chargebee cannot express the amount
 * (KWD 12.345 has no whole number of Chargebee cents): never rounded.
 */
export function minorToChargebee(minor: number, currency: string): number | null {
  if (!Number.isSafeInteger(minor)) return null;
  const iso = exponentOf(currency);
  const scale = 10 ** (iso - chargebeeExponent(iso));
  return minor % scale === 0 ? minor / scale : null;
}
