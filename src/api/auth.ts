import type { Context, MiddlewareHandler } from "hono";
import { secretsEqual } from "../lib/crypto";
import { ApiError } from "../lib/errors";
import type { AppEnv } from "../lib/types";
import { resolveApiKey } from "../merchants/store";

const bearer = (c: Context<AppEnv>): string | null => {
  const h = c.req.header("authorization");
  const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1] ?? null;
};

/** Guards /admin/* with the ADMIN_TOKEN secret, compared in constant time whatever the lengths. */
export const adminAuth = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const token = bearer(c);
  const expected = c.env.ADMIN_TOKEN;
  if (!expected) throw new ApiError(503, "admin_disabled", "ADMIN_TOKEN is not configured");
  if (!token || !(await secretsEqual(token, expected))) {
    throw new ApiError(401, "unauthorized", "A valid admin token is required");
  }
  await next();
};

/** Resolves `Authorization: Bearer <api key>` (or a dialect's way of presenting it) to a merchant id. */
export async function merchantForKey(c: Context<AppEnv>, key: string | null): Promise<string> {
  const record = key ? await resolveApiKey(c.env.MERCHANTS, key) : null;
  if (!record) throw new ApiError(401, "unauthorized", "A valid API key is required");
  c.set("merchantId", record.merchant_id);
  return record.merchant_id;
}

export const apiKeyAuth = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  await merchantForKey(c, bearer(c));
  await next();
};
