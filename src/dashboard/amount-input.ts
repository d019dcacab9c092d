// A form's decimal amount ("1500.50") to integer minor units, exactly, through the service's one converter
// (majorToMinor: digit by digit, never a float multiplication). Its refusals become the form's message.
import { MoneyError, majorToMinor } from "../money/amount";

export type AmountInput = { ok: true; minor: number | undefined } | { ok: false; message: string };

/**
 * `text` in major units of `currency`. Empty is "not given" (undefined). Thousands separators are refused
 * rather than guessed (is "1,500" fifteen hundred or one and a half?).
 */
export function parseAmountInput(label: string, text: string, currency: string): AmountInput {
  const value = text.trim();
  if (value === "") return { ok: true, minor: undefined };
  if (!/^\d+(\.\d+)?$/.test(value)) {
    return {
      ok: false,
      message: `${label}: enter a positive amount such as 1500.50, digits and one point only`,
    };
  }
  try {
    return { ok: true, minor: majorToMinor(value, currency) };
  } catch (err) {
    if (err instanceof MoneyError) return { ok: false, message: `${label}: ${err.message}` };
    throw err;
  }
}
