// ISO 4217 minor-unit exponents (Table A.1, 2024-06-25 edition; see shared/research/providers.md §7).
// Every code not listed as 0, 3 or 4 decimals is a 2-decimal currency.
const ZERO_DECIMAL = new Set([
  "BIF",
  "CLP",
  "DJF",
  "GNF",
  "ISK",
  "JPY",
  "KMF",
  "KRW",
  "PYG",
  "RWF",
  "UGX",
  "UYI",
  "VND",
  "VUV",
  "XAF",
  "XOF",
  "XPF",
]);
const THREE_DECIMAL = new Set(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]);
const FOUR_DECIMAL = new Set(["CLF", "UYW"]);
// Precious metals, SDR and testing codes have no minor unit and are not invoice currencies.
const NO_MINOR_UNIT = new Set([
  "XAG",
  "XAU",
  "XBA",
  "XBB",
  "XBC",
  "XBD",
  "XDR",
  "XPD",
  "XPT",
  "XSU",
  "XTS",
  "XUA",
  "XXX",
]);
const TWO_DECIMAL = new Set(
  (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE " +
    "CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL " +
    "HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR " +
    "MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK " +
    "SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD " +
    "XCG YER ZAR ZMW ZWG"
  ).split(" "),
);

/** Minor-unit exponent of an ISO 4217 currency, or undefined when we do not accept it. */
export function currencyExponent(code: string): number | undefined {
  if (ZERO_DECIMAL.has(code)) return 0;
  if (TWO_DECIMAL.has(code)) return 2;
  if (THREE_DECIMAL.has(code)) return 3;
  if (FOUR_DECIMAL.has(code)) return 4;
  return undefined;
}

export function isSupportedCurrency(code: string): boolean {
  return !NO_MINOR_UNIT.has(code) && currencyExponent(code) !== undefined;
}

export const SUPPORTED_CURRENCIES: readonly string[] = [
  ...ZERO_DECIMAL,
  ...TWO_DECIMAL,
  ...THREE_DECIMAL,
  ...FOUR_DECIMAL,
].sort();
