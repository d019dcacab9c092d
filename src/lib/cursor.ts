// The position in a list a page ends at, as an opaque token. A cursor this API did not issue decodes to -1,
// so that it is refused rather than read as "from the start".
import { hmacSha256, timingSafeEqual, toHex, utf8 } from "./crypto";

export const encodeCursor = (seq: number): string => btoa(`seq:${seq}`).replace(/=+$/, "");

export function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  try {
    const m = /^seq:(\d{1,15})$/.exec(atob(cursor));
    if (m) return Number(m[1]);
  } catch {}
  return -1;
}

export const toBase64Url = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

export function fromBase64Url(s: string): string | null {
  try {
    return atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return null;
  }
}

const SEALED = "s1";
/** 128 bits of HMAC-SHA256: no cursor can be made up that passes. */
const SEAL_HEX = 32;

const sealOf = async (inner: string, scope: string, key: string) =>
  toHex(await hmacSha256(key, utf8(`${SEALED}\n${scope}\n${inner}`))).slice(0, SEAL_HEX);

/**
 * A cursor another system issued, whose format is opaque to us (KV's list cursor), sealed with an
 * HMAC under a secret only the Worker holds. Its position cannot be checked the way `decodeCursor` checks
 * ours, so the seal is what ensures only cursors this API handed out are ever passed back: a forged or
 * altered one is refused before it reaches that system. `scope` names the list it pages.
 */
export async function sealCursor(inner: string, scope: string, key: string): Promise<string> {
  return toBase64Url(`${SEALED}.${scope}.${await sealOf(inner, scope, key)}.${inner}`);
}

/** The cursor `sealCursor` sealed for this scope and key, or null for anything else. */
export async function openSealedCursor(token: string, scope: string, key: string): Promise<string | null> {
  const text = fromBase64Url(token);
  const prefix = `${SEALED}.${scope}.`;
  if (!text?.startsWith(prefix)) return null;
  const seal = text.slice(prefix.length, prefix.length + SEAL_HEX);
  const inner = text.slice(prefix.length + SEAL_HEX + 1);
  if (text[prefix.length + SEAL_HEX] !== "." || inner === "") return null;
  return timingSafeEqual(seal, await sealOf(inner, scope, key)) ? inner : null;
}
