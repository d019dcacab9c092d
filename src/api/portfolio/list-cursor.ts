// The listing's cursor: the keyset position a page ended at, bound to the merchant and to the exact query
// (filters and sort) it came from, so it cannot page another query or another merchant's index (422).
import { sha256Hex } from "../../lib/crypto";
import { ApiError } from "../../lib/errors";
import type { Position } from "../../portfolio/index-query";

const VERSION = "p1";
const TAG_HEX = 24;

const toBase64Url = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const invalid = (why: string) => new ApiError(422, "invalid_cursor", `cursor: ${why}`);

/** The query's identity: its filters and sort, keys in order (limit may change between pages). */
const tagOf = async (merchantId: string, query: Record<string, unknown>) => {
  const canonical = Object.keys(query)
    .filter((k) => k !== "cursor" && k !== "limit" && query[k] !== undefined)
    .sort()
    .map((k) => `${k}=${JSON.stringify(query[k])}`)
    .join("&");
  return (await sha256Hex(`${VERSION}\n${merchantId}\n${canonical}`)).slice(0, TAG_HEX);
};

export async function encodeListCursor(
  position: Position | null,
  merchantId: string,
  query: Record<string, unknown>,
): Promise<string | null> {
  if (!position) return null;
  return toBase64Url(`${VERSION}.${await tagOf(merchantId, query)}.${JSON.stringify(position)}`);
}

export async function decodeListCursor(
  merchantId: string,
  query: Record<string, unknown> & { cursor?: string | undefined },
): Promise<Position | undefined> {
  if (query.cursor === undefined) return undefined;
  let text: string;
  try {
    text = atob(query.cursor.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    throw invalid("is not a cursor this API issued");
  }
  const [version, tag, ...rest] = text.split(".");
  if (version !== VERSION || !tag || rest.length === 0) throw invalid("is not a cursor this API issued");
  if (tag !== (await tagOf(merchantId, query))) throw invalid("was issued for another query or account");
  let position: unknown;
  try {
    position = JSON.parse(rest.join("."));
  } catch {
    throw invalid("is not a cursor this API issued");
  }
  const ok =
    Array.isArray(position) &&
    position.length === 2 &&
    (typeof position[0] === "string" || Number.isSafeInteger(position[0])) &&
    typeof position[1] === "string";
  if (!ok) throw invalid("is not a cursor this API issued");
  return position as Position;
}
