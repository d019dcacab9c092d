// The one way a merchant's API key becomes a merchant: /v1 and the Refrens dialect present it as a
// bearer token, the Chargebee dialect as an HTTP Basic user name; all of them resolve it here, once per
// request, and leave the merchant on the context for the handlers.
import type { Context, MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { credentialHash } from "../lib/credential-hash";
import type { AppEnv } from "../lib/types";
import { resolveApiKey } from "./store";

/**
 * Resolves `key` and, when it names a merchant `accept` allows, sets `merchantId` on the context. Unknown
 * keys and refused merchants look the same to the caller.
 */
export async function acceptApiKey(
  c: Context<AppEnv>,
  key: string | null | undefined,
  accept: (merchantId: string, c: Context<AppEnv>) => boolean = () => true,
): Promise<boolean> {
  const record = key ? await resolveApiKey(c.env.MERCHANTS, key, (k) => credentialHash(c, k)) : null;
  if (!record || !accept(record.merchant_id, c)) return false;
  c.set("merchantId", record.merchant_id);
  return true;
}

/**
 * Hono's bearerAuth (https://hono.dev/docs/middleware/builtin/bearer-auth) parsing the header, with
 * `verify` deciding. Every refusal (no header, a malformed one, a wrong token) throws `refuse()`, so the
 * caller answers 401 in its own error shape rather than Hono's plain-text 400/401.
 */
export function bearerToken(
  verify: (token: string, c: Context<AppEnv>) => Promise<boolean>,
  refuse: () => Error,
): MiddlewareHandler<AppEnv> {
  const message = () => {
    throw refuse();
  };
  return bearerAuth<AppEnv>({
    verifyToken: verify,
    noAuthenticationHeader: { message },
    invalidAuthenticationHeader: { message },
    invalidToken: { message },
  });
}

/** A merchant's API key as a bearer token (`Authorization: Bearer ilk_…`). */
export const apiKeyBearer = (
  refuse: () => Error,
  accept?: (merchantId: string, c: Context<AppEnv>) => boolean,
): MiddlewareHandler<AppEnv> => bearerToken((token, c) => acceptApiKey(c, token, accept), refuse);
