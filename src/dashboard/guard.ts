// What stands before every signed-in page: a valid session cookie whose key still exists and whose merchant
// is not deleted (re-checked on every request, through the same KV caching as the API's key resolution, so
// a revocation ends the key's sessions within the same ~70 seconds), and on every POST the form's CSRF token.
import type { Context, MiddlewareHandler } from "hono";
import { apiKeyIdActive, getMerchant } from "../merchants/store";
import { CSRF_FIELD, csrfValid } from "./csrf";
import { endSession, readSession, sessionRevoked, sessionSecret } from "./session";
import type { DashEnv } from "./types";

export const SIGN_IN_PATH = "/dashboard/sign-in";

export const toSignIn = (c: Context<DashEnv>) => c.redirect(SIGN_IN_PATH, 303);

/** Raised when a POST's token is missing or wrong; the dashboard's error handler renders it as 403. */
export class CsrfRefused extends Error {}

export const requireSession = (): MiddlewareHandler<DashEnv> => async (c, next) => {
  const secret = sessionSecret(c);
  const session = await readSession(c);
  if (!session) {
    endSession(c);
    return toSignIn(c);
  }
  const [keyActive, merchant, revoked] = await Promise.all([
    apiKeyIdActive(c.env.MERCHANTS, session.mid, session.kid),
    getMerchant(c.env.MERCHANTS, session.mid),
    sessionRevoked(c.env.MERCHANTS, session.sid),
  ]);
  if (!keyActive || !merchant || revoked) {
    endSession(c);
    return toSignIn(c);
  }
  if (c.req.method === "POST") {
    const form = await c.req.parseBody();
    if (!(await csrfValid(secret, session.sid, c.req.path, form[CSRF_FIELD]))) throw new CsrfRefused();
  }
  c.set("session", session);
  c.set("merchant", merchant);
  c.set("merchantId", merchant.id);
  c.set("sessionSecret", secret);
  await next();
};
