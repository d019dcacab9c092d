import type { MiddlewareHandler } from "hono";
import { secretsEqual } from "../lib/crypto";
import { ApiError } from "../lib/errors";
import type { AppEnv } from "../lib/types";
import { apiKeyBearer, bearerToken } from "../merchants/api-key-auth";

const adminBearer = bearerToken(
  (token, c) => secretsEqual(token, c.env.ADMIN_TOKEN),
  () => new ApiError(401, "unauthorized", "A valid admin token is required"),
);

/** Guards /admin/* with the ADMIN_TOKEN secret, compared in constant time whatever the lengths. */
export const adminAuth = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  if (!c.env.ADMIN_TOKEN) throw new ApiError(503, "admin_disabled", "ADMIN_TOKEN is not configured");
  return adminBearer(c, next);
};

/** Guards every /v1 route: `Authorization: Bearer <api key>`, resolved once per request to its merchant. */
export const apiKeyAuth = (): MiddlewareHandler<AppEnv> =>
  apiKeyBearer(() => new ApiError(401, "unauthorized", "A valid API key is required"));
