// Per-form CSRF tokens, on top of Hono's csrf middleware (Origin / Sec-Fetch-Site) and SameSite=Strict: an
// HMAC of the session id and the form's purpose (the path it posts to), so a token taken from one form or one
// session is worthless for another. OWASP's "signed double-submit" / synchronizer pattern:
// https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { hmacSha256, randomId, timingSafeEqual, toBase64, utf8 } from "../lib/crypto";
import { cookieOptions, sessionSecret } from "./session";
import type { DashEnv } from "./types";

export const CSRF_FIELD = "csrf_token";
/** Before sign-in there is no session; this cookie stands in for its id on the sign-in form. */
const PRE_SESSION_COOKIE = "il_pre";

export async function csrfToken(secret: string, sid: string, purpose: string): Promise<string> {
  const mac = await hmacSha256(secret, utf8(`csrf\n${sid}\n${purpose}`));
  return toBase64(mac).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function csrfValid(
  secret: string,
  sid: string,
  purpose: string,
  presented: unknown,
): Promise<boolean> {
  if (typeof presented !== "string" || presented.length === 0) return false;
  return timingSafeEqual(presented, await csrfToken(secret, sid, purpose));
}

/** The sign-in form's token: bound to a random pre-session cookie set with the form. */
export async function signInToken(c: Context<DashEnv>): Promise<string> {
  const secret = sessionSecret(c);
  let pre = getCookie(c, PRE_SESSION_COOKIE);
  if (!pre || !/^pre_[A-Za-z0-9]{24}$/.test(pre)) {
    pre = randomId("pre", 24);
    setCookie(c, PRE_SESSION_COOKIE, pre, cookieOptions(c, 3600));
  }
  return csrfToken(secret, pre, "sign-in");
}

export async function signInTokenValid(c: Context<DashEnv>, presented: unknown): Promise<boolean> {
  const pre = getCookie(c, PRE_SESSION_COOKIE);
  return !!pre && (await csrfValid(sessionSecret(c), pre, "sign-in", presented));
}
