import { describe, expect, it } from "vitest";
import {
  decodeUtf8,
  isJsonContentType,
  MAX_JSON_DEPTH,
  parseStrictJson,
  StrictJsonError,
} from "../../src/lib/strict-json";
import { freeText, identifier, minorUnits, safeText } from "../../src/lib/zod-atoms";

describe("parseStrictJson", () => {
  it("reads what JSON.parse reads, the same way", () => {
    for (const text of [
      "{}",
      "[]",
      '{"a":1,"b":[1,2,{"c":null}],"d":"x\\u0041\\n","e":-0.5e-3,"f":true}',
      ' \n\t{"a" : [ ] }\r\n',
      '"just a string"',
      "0",
      '{"a":{"a":{"a":1}}}',
      '[{"a":1},{"a":2}]',
    ]) {
      expect(parseStrictJson(text), text).toEqual(JSON.parse(text));
    }
  });

  it("refuses duplicate keys, however they are written and wherever they are", () => {
    for (const text of [
      '{"amount":1,"amount":99999}',
      '{"amount":1,"am\\u006funt":2}',
      '{"x":{"a":1,"a":1}}',
      '[{"ok":1},{"b":1,"b":2}]',
      '{"__proto__":{},"__proto__":{}}',
    ]) {
      expect(() => parseStrictJson(text), text).toThrow(/Duplicate key/);
    }
  });

  it("refuses what JSON.parse refuses, as a StrictJsonError", () => {
    for (const text of [
      "",
      "{",
      "{'a':1}",
      '{"a":1,}',
      "[1,]",
      "NaN",
      '{"a":01}',
      '"\u0001"',
      "{} {}",
      "1 2",
      "tru",
      '"\\x"',
    ]) {
      expect(() => parseStrictJson(text), JSON.stringify(text)).toThrow(StrictJsonError);
    }
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels`, () => {
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
    expect(parseStrictJson(deep(MAX_JSON_DEPTH))).toBeDefined();
    expect(() => parseStrictJson(deep(MAX_JSON_DEPTH + 2))).toThrow(/Nesting/);
  });
});

describe("decodeUtf8", () => {
  it("refuses invalid UTF-8 instead of substituting U+FFFD", () => {
    for (const bytes of [[0xc3, 0x28], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xff]]) {
      expect(() => decodeUtf8(Uint8Array.from(bytes)), String(bytes)).toThrow(StrictJsonError);
    }
    expect(decodeUtf8(new TextEncoder().encode("café ₹"))).toBe("café ₹");
  });
});

describe("isJsonContentType", () => {
  it("takes application/json with or without a UTF-8 charset, nothing else", () => {
    for (const ok of [
      "application/json",
      "Application/JSON",
      "application/json; charset=utf-8",
      'application/json;charset="UTF-8"',
    ]) {
      expect(isJsonContentType(ok), ok).toBe(true);
    }
    for (const bad of [
      null,
      "",
      "text/plain",
      "application/jsonx",
      "application/json-patch+json",
      "application/json; charset=latin1",
    ]) {
      expect(isJsonContentType(bad), String(bad)).toBe(false);
    }
  });
});

describe("zod atoms", () => {
  it("identifier refuses controls and bidirectional formatting characters, and is bounded", () => {
    const id = identifier(10);
    expect(id.safeParse("INV-1").success).toBe(true);
    for (const bad of [
      "",
      "a\u0000",
      "a\u0085",
      "a\u007f",
      "a\u202e",
      "a\u2066",
      "a\u200f",
      "a\u061c",
      "x".repeat(11),
    ]) {
      expect(id.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("safeText allows right-to-left text but not controls; freeText allows line breaks", () => {
    expect(safeText(20).safeParse("محمد").success).toBe(true);
    expect(safeText(20).safeParse("a\nb").success).toBe(false);
    expect(freeText(20).safeParse("a\nb\tc\r").success).toBe(true);
    expect(freeText(20).safeParse("a\u0000").success).toBe(false);
  });

  it("minorUnits refuses -0, floats and unsafe integers", () => {
    const m = minorUnits();
    expect(m.safeParse(0).success).toBe(true);
    for (const bad of [-0, 1.5, -1, 2 ** 53, Number.POSITIVE_INFINITY]) {
      expect(m.safeParse(bad).success, String(bad)).toBe(false);
    }
  });
});
