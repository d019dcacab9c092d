// The dashboard's session: a cookie signed with the SESSION_SECRET Worker secret through Hono's signed-cookie
// helper (HMAC-SHA256, https://hono.dev/docs/helpers/cookie), holding which key signed in, for which
// merchant, until when. Nothing secret is in it: the key's id, never the key.
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import { randomId } from "../lib/crypto";
import type { DashEnv, Session } from "./types";

export const SESSION_COOKIE = "il_session";
export const SESSION_TTL_SECONDS = 12 * 3600;
/** A secret shorter than this is treated as missing: HMAC keys should carry 256 bits. */
const MIN_SECRET_LENGTH = 32;

export class MissingSessionSecret extends Error {
  constructor() {
    super(
      "The dashboard is not configured: set the SESSION_SECRET Worker secret (32 or more random characters, " +
        "`wrangler secret put SESSION_SECRET`; locally in .dev.vars).",
    );
  }
}

/** The configured secret; throws (and the dashboard answers 500) rather than sign with any default. */
export function sessionSecret(c: Context<DashEnv>): string {
  const secret = c.env.SESSION_SECRET;
  if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) throw new MissingSessionSecret();
  return secret;
}

/** Browsers refuse Secure cookies over plain http except on localhost; wrangler dev serves http there. */
const isLocal = (c: Context) => ["localhost", "127.0.0.1", "[::1]"].includes(new URL(c.req.url).hostname);

export const cookieOptions = (c: Context, maxAge?: number): CookieOptions => ({
  path: "/dashboard",
  httpOnly: true,
  secure: !isLocal(c),
  sameSite: "Strict",
  ...(maxAge === undefined ? {} : { maxAge }),
});

const toBase64Url = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const fromBase64Url = (s: string) => atob(s.replace(/-/g, "+").replace(/_/g, "/"));

export async function startSession(c: Context<DashEnv>, kid: string, mid: string): Promise<Session> {
  const session: Session = {
    sid: randomId("ses", 24),
    kid,
    mid,
    exp: Math.floor(Date.now() / 1000) + SESSION_TTL_SECONDS,
  };
  const value = toBase64Url(JSON.stringify(session));
  await setSignedCookie(c, SESSION_COOKIE, value, sessionSecret(c), cookieOptions(c, SESSION_TTL_SECONDS));
  return session;
}

/** The session the request's cookie proves, or null: absent, tampered, malformed or expired. */
export async function readSession(c: Context<DashEnv>, now = Date.now()): Promise<Session | null> {
  const value = await getSignedCookie(c, sessionSecret(c), SESSION_COOKIE);
  if (!value) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromBase64Url(value));
  } catch {
    return null;
  }
  const s = parsed as Partial<Session> | null;
  const ok =
    !!s &&
    typeof s.sid === "string" &&
    typeof s.kid === "string" &&
    typeof s.mid === "string" &&
    Number.isSafeInteger(s.exp);
  if (!ok || (s.exp as number) * 1000 <= now) return null;
  return s as Session;
}

export const endSession = (c: Context<DashEnv>) => deleteCookie(c, SESSION_COOKIE, cookieOptions(c));

// Sign-out revokes the session on the server too, not only in the browser: a copy of the cookie taken before
// sign-out is refused afterwards. The revocation is a KV key that expires with the session; read through the
// edge cache like every other KV read here, so it holds at once in this isolate and within ~60 s elsewhere.
const revokedKey = (sid: string) => `session-revoked:${sid}`;
const revokedHere = new Set<string>();
const MIN_KV_TTL_SECONDS = 60;

export async function revokeSession(kv: KVNamespace, s: Session, now = Date.now()): Promise<void> {
  if (revokedHere.size > 10_000) revokedHere.clear();
  revokedHere.add(s.sid);
  const ttl = Math.max(MIN_KV_TTL_SECONDS, s.exp - Math.floor(now / 1000));
  await kv.put(revokedKey(s.sid), "1", { expirationTtl: ttl });
}

export async function sessionRevoked(kv: KVNamespace, sid: string): Promise<boolean> {
  if (revokedHere.has(sid)) return true;
  return (await kv.get(revokedKey(sid), { cacheTtl: MIN_KV_TTL_SECONDS })) !== null;
}
