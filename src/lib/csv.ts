// CSV per RFC 4180 (https://www.rfc-editor.org/rfc/rfc4180): CRLF line ends, fields with a comma, quote, CR or
// LF quoted, quotes doubled. Cells a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR)
// get a leading apostrophe, as OWASP advises: https://owasp.org/www-community/attacks/CSV_Injection

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: null is empty; numbers are written as they are (a negative amount is data, not a formula). */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return "";
  if (typeof value !== "string") return String(value);
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const csvRow = (cells: ReadonlyArray<string | number | boolean | null>) =>
  `${cells.map(csvCell).join(",")}\r\n`;
