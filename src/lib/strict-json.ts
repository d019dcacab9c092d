// The one JSON reader for every request body (/v1, /admin, the Refrens dialect, every webhook provider).
//
// JSON.parse keeps the last of two equal keys, so `{"amount":1,"amount":99999}` reads as 99999, and a
// reviver cannot tell: it runs after the duplicate was already overwritten. RFC 8259 §4 says names
// "SHOULD be unique" and that with duplicates "the behavior of software ... is unpredictable", and the
// I-JSON profile (RFC 7493 §2.3, https://www.rfc-editor.org/rfc/rfc7493#section-2.3) makes them an error.
// Two readers of one body (a signature check, a log, this service) could then disagree about the amount.
// So a small validating scanner walks the text first, refusing duplicate names per object, and only then
// does JSON.parse build the value (the grammar it checks is the one JSON.parse accepts, RFC 8259 §2-7).

/** A body that is not strict JSON; the message says what and where, for a 400. */
export class StrictJsonError extends SyntaxError {}

/** Deeper than any payload we take; keeps the recursive scanner far from the stack limit. */
export const MAX_JSON_DEPTH = 64;

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// A string token: no raw U+0000-U+001F (RFC 8259 §7), only the escapes JSON defines.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters JSON forbids raw.
const STRING = /"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y;

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    throw new StrictJsonError(`${what} at position ${this.pos}`);
  }

  skipWs() {
    while (this.pos < this.text.length && WS.has(this.text.charCodeAt(this.pos))) this.pos++;
  }

  token(re: RegExp, what: string): string {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) this.fail(`Invalid ${what}`);
    this.pos += m[0].length;
    return m[0];
  }

  literal(word: string) {
    if (!this.text.startsWith(word, this.pos)) this.fail("Unexpected token");
    this.pos += word.length;
  }

  value(depth: number, path: string) {
    if (depth > MAX_JSON_DEPTH) this.fail(`Nesting deeper than ${MAX_JSON_DEPTH} levels`);
    this.skipWs();
    const ch = this.text[this.pos];
    if (ch === "{") this.object(depth, path);
    else if (ch === "[") this.array(depth, path);
    else if (ch === '"') this.token(STRING, "string");
    else if (ch === "t") this.literal("true");
    else if (ch === "f") this.literal("false");
    else if (ch === "n") this.literal("null");
    else if (ch === "-" || (ch !== undefined && ch >= "0" && ch <= "9")) this.token(NUMBER, "number");
    else this.fail(ch === undefined ? "Unexpected end of JSON" : "Unexpected token");
  }

  object(depth: number, path: string) {
    this.pos++; // {
    const names = new Set<string>();
    this.skipWs();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipWs();
      if (this.text[this.pos] !== '"') this.fail("Expected a property name");
      // Names are compared decoded: "amount" and "am\u006funt" are the same key.
      const name = JSON.parse(this.token(STRING, "property name")) as string;
      if (names.has(name)) this.fail(`Duplicate key ${JSON.stringify(name)} in ${path}`);
      names.add(name);
      this.skipWs();
      if (this.text[this.pos] !== ":") this.fail("Expected ':'");
      this.pos++;
      this.value(depth + 1, `${path}.${name}`);
      this.skipWs();
      const next = this.text[this.pos++];
      if (next === "}") return;
      if (next !== ",") this.fail("Expected ',' or '}'");
    }
  }

  array(depth: number, path: string) {
    this.pos++; // [
    this.skipWs();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return;
    }
    for (let i = 0; ; i++) {
      this.value(depth + 1, `${path}[${i}]`);
      this.skipWs();
      const next = this.text[this.pos++];
      if (next === "]") return;
      if (next !== ",") this.fail("Expected ',' or ']'");
    }
  }
}

/** JSON.parse, but refusing what JSON.parse lets through: duplicate keys and absurd nesting. */
export function parseStrictJson(text: string): unknown {
  const scanner = new Scanner(text);
  scanner.value(0, "$");
  scanner.skipWs();
  if (scanner.pos !== text.length) scanner.fail("Unexpected data after the JSON value");
  return JSON.parse(text);
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Bytes to text, refusing invalid UTF-8 (RFC 8259 §8.1: JSON text exchanged between systems is UTF-8)
 * rather than storing U+FFFD in its place. A byte-order mark is dropped, as the RFC allows a reader to.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new StrictJsonError("The body is not valid UTF-8");
  }
}

export const isJsonObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * `application/json`, optionally with parameters such as `charset=utf-8`. JSON has no charset parameter
 * (RFC 8259 §11) and is always read as UTF-8, so a charset that says otherwise is refused, not ignored.
 */
export function isJsonContentType(
  header: string | null | undefined,
  mediaTypes: readonly string[] = ["application/json"],
): boolean {
  const [type = "", ...params] = (header ?? "").split(";");
  if (!mediaTypes.includes(type.trim().toLowerCase())) return false;
  return params.every((p) => {
    const [name = "", value = ""] = p.split("=").map((s) => s.trim().toLowerCase());
    return name !== "charset" || value.replace(/^"|"$/g, "") === "utf-8";
  });
}
