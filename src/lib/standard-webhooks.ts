// Standard Webhooks (standardwebhooks.com): signed content is `${id}.${timestamp}.${body}`, HMAC-SHA256
// keyed by the base64 secret after `whsec_`, sent as space-separated `v1,<base64>` entries.
import { z } from "zod";
import { concatBytes, fromBase64, hmacSha256, timingSafeEqual, toBase64, utf8 } from "./crypto";

/** A Standard Webhooks symmetric secret: `whsec_` + base64 of 24-64 random bytes. */
export const WhsecSchema = z
  .string()
  .regex(
    /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/,
    "must be a Standard Webhooks secret: whsec_ + base64 of 24-64 bytes",
  );

export const TOLERANCE_SECONDS = 5 * 60;

export function secretKey(secret: string): Uint8Array<ArrayBuffer> | undefined {
  return fromBase64(secret.startsWith("whsec_") ? secret.slice(6) : secret);
}

async function mac(
  key: Uint8Array<ArrayBuffer>,
  id: string,
  timestamp: number,
  body: Uint8Array<ArrayBuffer>,
) {
  return hmacSha256(key, concatBytes(utf8(`${id}.${timestamp}.`), body));
}

/** The `webhook-signature` header value for one secret: `v1,<base64>`. */
export async function signStandardWebhook(
  secret: string,
  id: string,
  timestamp: number,
  body: string | Uint8Array<ArrayBuffer>,
): Promise<string> {
  const key = secretKey(secret);
  if (!key) throw new Error("Malformed whsec_ secret");
  const bytes = typeof body === "string" ? utf8(body) : body;
  return `v1,${toBase64(await mac(key, id, timestamp, bytes))}`;
}

export type StandardVerification = { ok: true; secretIndex: number } | { ok: false; reason: string };

/**
 * Verifies a delivery against any of `secrets` (rotation): the timestamp must be within five minutes of
 * `now` either way, and one `v1` entry must match; other versions are skipped, as the reference library does.
 */
export async function verifyStandardWebhook(
  secrets: readonly string[],
  headers: { id: string | null; timestamp: string | null; signature: string | null },
  body: Uint8Array<ArrayBuffer>,
  now: number,
): Promise<StandardVerification> {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return { ok: false, reason: "missing_headers" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "bad_timestamp" };
  const ts = Number(timestamp);
  if (now - ts > TOLERANCE_SECONDS) return { ok: false, reason: "timestamp_too_old" };
  if (ts - now > TOLERANCE_SECONDS) return { ok: false, reason: "timestamp_too_new" };
  const presented = signature
    .split(" ")
    .map((entry) => entry.split(","))
    .filter(([version, sig]) => version === "v1" && sig)
    .map(([, sig]) => fromBase64(sig!))
    .filter((sig): sig is Uint8Array<ArrayBuffer> => sig !== undefined);
  if (presented.length === 0) return { ok: false, reason: "no_v1_signature" };
  for (const [index, secret] of secrets.entries()) {
    const key = secretKey(secret);
    if (!key) continue;
    const expected = await mac(key, id, ts, body);
    // Check every presented entry without stopping early, so timing does not reveal which one matched.
    let match = false;
    for (const sig of presented) match = timingSafeEqual(sig, expected) || match;
    if (match) return { ok: true, secretIndex: index };
  }
  return { ok: false, reason: "no_matching_signature" };
}
