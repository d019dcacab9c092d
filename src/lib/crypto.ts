// Byte and crypto helpers shared by API-key hashing, webhook verification and reminder signing.
const encoder = new TextEncoder();

export const utf8 = (s: string): Uint8Array<ArrayBuffer> => encoder.encode(s) as Uint8Array<ArrayBuffer>;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = "";
  for (const b of view) out += HEX[b];
  return out;
}

export function toBase64(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let bin = "";
  for (const b of view) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Decodes standard or URL-safe base64, tolerating missing padding; undefined when malformed. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  const normal = text.trim().replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normal)) return undefined;
  try {
    const bin = atob(normal.padEnd(Math.ceil(normal.length / 4) * 4, "="));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

export async function sha256Hex(data: string | Uint8Array<ArrayBuffer>): Promise<string> {
  const bytes = typeof data === "string" ? utf8(data) : data;
  return toHex(await crypto.subtle.digest("SHA-256", bytes));
}

const hmacKeys = new Map<string, Promise<CryptoKey>>();

/** HMAC-SHA256; imported keys are cached per isolate because webhook secrets repeat on every delivery. */
export async function hmacSha256(
  key: Uint8Array<ArrayBuffer> | string,
  message: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array> {
  const keyBytes = typeof key === "string" ? utf8(key) : key;
  const cacheKey = toHex(keyBytes);
  let imported = hmacKeys.get(cacheKey);
  if (!imported) {
    imported = crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    if (hmacKeys.size > 1000) hmacKeys.clear();
    hmacKeys.set(cacheKey, imported);
  }
  return new Uint8Array(await crypto.subtle.sign("HMAC", await imported, message));
}

/**
 * Constant-time equality for values of a fixed, public size (MACs, hashes). Lengths are compared first,
 * which leaks nothing for those; for secrets whose length is itself secret, use `secretsEqual`.
 */
export function timingSafeEqual(a: Uint8Array | string, b: Uint8Array | string): boolean {
  const x = typeof a === "string" ? utf8(a) : a;
  const y = typeof b === "string" ? utf8(b) : b;
  if (x.byteLength !== y.byteLength) return false;
  return crypto.subtle.timingSafeEqual(x, y);
}

/**
 * Equality of two secrets of any length (tokens, passwords) that shows neither their content nor their
 * lengths in its timing: both are hashed to SHA-256 and the fixed-size digests compared in constant time.
 * Use it wherever a presented secret is checked against a stored one; `timingSafeEqual` alone would
 * answer a length mismatch at once, telling an attacker how long the stored secret is.
 */
export async function secretsEqual(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", utf8(presented)),
    crypto.subtle.digest("SHA-256", utf8(expected)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/** Concatenates byte arrays (signed content such as `id.timestamp.body`). */
export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** Random base62 identifier, e.g. randomId("pay", 20) -> "pay_3fK...". */
export function randomId(prefix: string, length = 20): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += ALPHABET[b % 62];
  return `${prefix}_${out}`;
}
