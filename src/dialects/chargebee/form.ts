// Reading Chargebee's form-encoded parameters: pairs, then one checked value at a time. Both API versions
// read their (differently named) fields through these, so their limits and refusals are the same.
import { freeText, identifier } from "../../lib/zod-atoms";
import { ChargebeeError, paramError } from "./chargebee-errors";

export type Params = Map<string, string>;

/**
 * application/x-www-form-urlencoded pairs (https://url.spec.whatwg.org/#urlencoded-parsing), except that
 * a percent-encoding of invalid UTF-8 is refused: URLSearchParams would store U+FFFD in its place. A
 * repeated parameter is refused rather than guessed at.
 */
export function formParams(body: string): Params {
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, " "));
    } catch {
      throw new ChargebeeError(400, "invalid_request", "The form is not valid percent-encoded UTF-8");
    }
  };
  const params: Params = new Map();
  for (const pair of body.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const [k, v] = eq < 0 ? [decode(pair), ""] : [decode(pair.slice(0, eq)), decode(pair.slice(eq + 1))];
    if (params.has(k)) throw paramError(k, "param_wrong_value", `${k} is given more than once`);
    params.set(k, v);
  }
  return params;
}

/** `id`: an id or reference (no control or bidirectional formatting characters); otherwise free text. */
export function text(params: Params, name: string, max: number, kind: "id" | "text"): string | null {
  const v = params.get(name);
  if (v === undefined || v === "") return null;
  if (v.length > max)
    throw paramError(name, "param_wrong_value", `${name} cannot be longer than ${max} characters`);
  const ok = (kind === "id" ? identifier(max) : freeText(max)).safeParse(v);
  if (!ok.success) throw paramError(name, "param_wrong_value", `${name} ${ok.error.issues[0]?.message}`);
  return v;
}

/** A whole number in [min, max], written in digits only: "12.50" or "1e3" would be another amount. */
export function integer(params: Params, name: string, min: number, max: number): number | null {
  const v = params.get(name);
  if (v === undefined || v === "") return null;
  if (!/^\d{1,16}$/.test(v) || Number(v) < min || Number(v) > max) {
    throw paramError(name, "param_wrong_value", `${name} must be a whole number between ${min} and ${max}`);
  }
  return Number(v);
}
