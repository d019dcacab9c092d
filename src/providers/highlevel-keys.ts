// HighLevel's published webhook public keys, and the SPKI PEM handling needed to verify against them.
import { fromBase64 } from "../lib/crypto";

/**
 * Ed25519 key for `X-GHL-Signature`. Quoted identically by many public integrations citing HighLevel's
 * Webhook Integration Guide; the official page itself could not be retrieved (providers.md §2.3), which
 * is why merchants can override it.
 */
export const HIGHLEVEL_ED25519_KEYS: readonly string[] = [
  `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg=
-----END PUBLIC KEY-----`,
];

/** RSA-4096 key for the legacy `X-WH-Signature`, verbatim from HighLevel's Webhook Authentication Guide. */
export const HIGHLEVEL_RSA_KEYS: readonly string[] = [
  `-----BEGIN PUBLIC KEY-----
MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAokvo/r9tVgcfZ5DysOSC
Frm602qYV0MaAiNnX9O8KxMbiyRKWeL9JpCpVpt4XHIcBOK4u3cLSqJGOLaPuXw6
dO0t6Q/ZVdAV5Phz+ZtzPL16iCGeK9po6D6JHBpbi989mmzMryUnQJezlYJ3DVfB
csedpinheNnyYeFXolrJvcsjDtfAeRx5ByHQmTnSdFUzuAnC9/GepgLT9SM4nCpv
uxmZMxrJt5Rw+VUaQ9B8JSvbMPpez4peKaJPZHBbU3OdeCVx5klVXXZQGNHOs8gF
3kvoV5rTnXV0IknLBXlcKKAQLZcY/Q9rG6Ifi9c+5vqlvHPCUJFT5XUGG5RKgOKU
J062fRtN+rLYZUV+BjafxQauvC8wSWeYja63VSUruvmNj8xkx2zE/Juc+yjLjTXp
IocmaiFeAO6fUtNjDeFVkhf5LNb59vECyrHD2SQIrhgXpO4Q3dVNA5rw576PwTzN
h/AMfHKIjE4xQA1SZuYJmNnmVZLIZBlQAF9Ntd03rfadZ+yDiOXCCs9FkHibELhC
HULgCsnuDJHcrGNd5/Ddm5hxGQ0ASitgHeMZ0kcIOwKDOzOU53lDza6/Y09T7sYJ
PQe7z0cvj7aE4B+Ax1ZoZGPzpJlZtGXCsu9aTEGEnKzmsFqwcSsnw3JB31IGKAyk
T1hhTiaCeIY/OwwwNUY2yvcCAwEAAQ==
-----END PUBLIC KEY-----`,
];

export type KeyAlgorithm = "ed25519" | "rsa";

const PEM = /^\s*-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----\s*$/;
// SubjectPublicKeyInfo prefixes: Ed25519 keys are always 44 bytes with this fixed header (RFC 8410);
// RSA keys carry the rsaEncryption OID 1.2.840.113549.1.1.1 right after the outer SEQUENCE headers.
const ED25519_SPKI_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
const RSA_OID = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/** The DER bytes of a `BEGIN PUBLIC KEY` PEM, or undefined when it is not one. */
export function pemToDer(pem: string): Uint8Array<ArrayBuffer> | undefined {
  const body = PEM.exec(pem)?.[1]?.replace(/\s+/g, "");
  return body ? fromBase64(body) : undefined;
}

const startsWithAt = (bytes: Uint8Array, prefix: number[], at: number) =>
  prefix.every((b, i) => bytes[at + i] === b);

/** Which kind of SPKI key a PEM holds, judged from its DER header; used to refuse a mix-up at config time. */
export function spkiAlgorithm(pem: string): KeyAlgorithm | undefined {
  const der = pemToDer(pem);
  if (!der) return undefined;
  if (der.byteLength === 44 && startsWithAt(der, ED25519_SPKI_PREFIX, 0)) return "ed25519";
  // Outer and algorithm SEQUENCE headers take 4-8 bytes depending on the DER length encoding.
  for (let at = 4; at <= 8; at++) if (startsWithAt(der, RSA_OID, at)) return "rsa";
  return undefined;
}

const IMPORT_PARAMS: Record<KeyAlgorithm, SubtleCryptoImportKeyAlgorithm> = {
  ed25519: { name: "Ed25519" },
  rsa: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
};

const imported = new Map<string, Promise<CryptoKey | null>>();

/**
 * Imports a public key once per isolate: the same few keys verify every delivery, so decoding and
 * importing them each time would be repeated work on the hot path. A key that fails to import is cached
 * as null, so a misconfigured key costs one attempt, not one per delivery.
 */
export function importPublicKey(algorithm: KeyAlgorithm, pem: string): Promise<CryptoKey | null> {
  const cacheKey = `${algorithm}\n${pem}`;
  let key = imported.get(cacheKey);
  if (!key) {
    const der = pemToDer(pem);
    key = der
      ? crypto.subtle.importKey("spki", der, IMPORT_PARAMS[algorithm], false, ["verify"]).catch(() => null)
      : Promise.resolve(null);
    if (imported.size >= 256) imported.clear();
    imported.set(cacheKey, key);
  }
  return key;
}
