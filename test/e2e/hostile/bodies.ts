// Hostile variations of one JSON body, shared by every JSON route: the same attacks, each route's statuses.
import { bytes, type Case, chunked, type Shape } from "./world";

export interface Route {
  label: string;
  method: string;
  path: Case["path"];
  /** A valid body; the variations add to it, so each would change something if it were accepted. */
  base: Record<string, unknown>;
  auth: Case["auth"];
  shape: Shape;
  /** "required": no body is refused; otherwise no body is fine and not a case here. */
  body: "required" | "optional" | "none";
  /** Status for a well-formed object the route's schema refuses (unknown field, __proto__...). */
  schemaStatus: number;
  limit: number;
}

/** About 40 hostile requests against one JSON route. */
export function jsonBodyCases(r: Route): Case[] {
  const good = JSON.stringify(r.base);
  const inner = good.slice(1, -1);
  const plus = (field: string) => `{${inner ? `${inner},` : ""}${field}}`;
  const [first = "x"] = Object.keys(r.base);
  const firstValue = JSON.stringify(r.base[first] ?? 1);
  const json = { "content-type": "application/json" };
  const c = (
    name: string,
    raw: Case["raw"],
    status: number,
    headers: Record<string, string> = json,
  ): Case => ({
    name: `${r.label}: ${name}`,
    method: r.method,
    path: r.path,
    raw,
    headers,
    status,
    shape: r.shape,
    auth: r.auth,
  });
  const cases: Case[] = [
    c(
      "duplicate top-level key",
      `{${inner ? `${inner},` : `"${first}":${firstValue},`}"${first}":${firstValue}}`,
      400,
    ),
    c("duplicate key, second value larger", plus(`"${first}":99999,"${first}":99999`), 400),
    c("duplicate key written with an escape", plus(`"dup":1,"d\\u0075p":2`), 400),
    c("duplicate key in a nested object", plus(`"nested":{"amount":1,"amount":99999}`), 400),
    c("duplicate key in an object inside an array", plus(`"list":[{"a":1},{"b":1,"b":2}]`), 400),
    c("__proto__ twice", plus(`"__proto__":{},"__proto__":{}`), 400),
    c("invalid UTF-8 (C3 28) in a string", bytes(`${plus(`"x":"`).slice(0, -1)}`, [0xc3, 0x28], `"}`), 400),
    c("overlong UTF-8 (C0 AF)", bytes(`${plus(`"x":"`).slice(0, -1)}`, [0xc0, 0xaf], `"}`), 400),
    c(
      "UTF-8-encoded surrogate (ED A0 80)",
      bytes(`${plus(`"x":"`).slice(0, -1)}`, [0xed, 0xa0, 0x80], `"}`),
      400,
    ),
    c("truncated multi-byte sequence", bytes(`${plus(`"x":"`).slice(0, -1)}`, [0xe2, 0x82], `"}`), 400),
    c("byte FF", bytes(`${plus(`"x":"`).slice(0, -1)}`, [0xff], `"}`), 400),
    c("Latin-1 é", bytes(`${plus(`"x":"caf`).slice(0, -1)}`, [0xe9], `"}`), 400),
    c("raw control character in a string", bytes(`${plus(`"x":"a`).slice(0, -1)}`, [0x01], `b"}`), 400),
    c("Content-Type text/plain", good, 415, { "content-type": "text/plain" }),
    c("no Content-Type", good, 415, {}),
    c("form Content-Type", good, 415, { "content-type": "application/x-www-form-urlencoded" }),
    c("multipart Content-Type", good, 415, { "content-type": "multipart/form-data; boundary=x" }),
    c("JSON with a Latin-1 charset", good, 415, { "content-type": "application/json; charset=iso-8859-1" }),
    c("application/json-patch+json", good, 415, { "content-type": "application/json-patch+json" }),
    c("application/jsonx", good, 415, { "content-type": "application/jsonx" }),
    c("whitespace-only body", "   ", 400),
    c("array body", `[${good}]`, 400),
    c("null body", "null", 400),
    c("number body", "1", 400),
    c("string body", '"x"', 400),
    c("boolean body", "true", 400),
    c("unknown field", plus(`"colour":"red"`), r.schemaStatus),
    c("__proto__ field", plus(`"__proto__":{"admin":true}`), r.schemaStatus),
    c("constructor field", plus(`"constructor":{"prototype":{"admin":true}}`), r.schemaStatus),
    c("prototype field", plus(`"prototype":{}`), r.schemaStatus),
    c("trailing garbage", `${good}x`, 400),
    c("two JSON values", `${good} {}`, 400),
    c("trailing comma", inner ? `{${inner},}` : "{,}", 400),
    c("single-quoted names", "{'a':1}", 400),
    c("NaN literal", plus(`"x":NaN`), 400),
    c("a comment", `/* hi */${good}`, 400),
    c("nesting 200 deep", plus(`"x":${"[".repeat(200)}${"]".repeat(200)}`), 400),
    c("unterminated", good.slice(0, -1), 400),
    c(`body over ${r.limit} bytes`, plus(`"pad":"${"a".repeat(r.limit)}"`), 413),
    c(`chunked body over ${r.limit} bytes`, chunked(r.limit + 1024), 413),
  ];
  if (r.body === "required") {
    cases.push(c("empty body with JSON Content-Type", "", 400), c("no body at all", undefined, 400, {}));
  }
  return cases;
}

/** Missing and wrong credentials for a route (each its own case). */
export function authCases(
  r: Pick<Route, "label" | "method" | "path" | "shape" | "base">,
  scheme: "bearer" | "basic" = "bearer",
): Case[] {
  const base = { method: r.method, path: r.path, raw: JSON.stringify(r.base), shape: r.shape, status: 401 };
  const json = { "content-type": "application/json" };
  return [
    { ...base, name: `${r.label}: no credentials`, headers: json },
    {
      ...base,
      name: `${r.label}: wrong key`,
      headers: {
        ...json,
        authorization: scheme === "bearer" ? "Bearer ilk_wrong" : `Basic ${btoa("ilk_wrong:")}`,
      },
    },
    { ...base, name: `${r.label}: unknown scheme`, headers: { ...json, authorization: "Token abc" } },
    { ...base, name: `${r.label}: empty authorization`, headers: { ...json, authorization: "" } },
  ];
}
