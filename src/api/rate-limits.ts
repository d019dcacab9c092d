// Where the per-API-key limit applies, and how each request family says "too many": ours
// ({"error": {...}}), Refrens's (Feathers' TooManyRequests) and Chargebee's (api_request_limit_exceeded,
// https://apidocs.chargebee.com/docs/api/error-handling).
import type { Context, Hono } from "hono";
import { ChargebeeError } from "../dialects/chargebee/chargebee-errors";
import { RefrensError } from "../dialects/refrens/refrens-errors";
import { parseBasicAuth } from "../lib/basic-auth";
import { errorBody } from "../lib/create-app";
import { limitPerApiKey } from "../lib/rate-limit";
import type { AppEnv } from "../lib/types";

const bearer = (c: Context<AppEnv>) => {
  const h = c.req.header("authorization");
  return (h ? /^Bearer\s+(\S+)$/i.exec(h)?.[1] : undefined) ?? null;
};

const message = (retryAfter: number) =>
  `Too many requests for this API key; retry after ${retryAfter} seconds`;

// biome-ignore lint/suspicious/noExplicitAny: any app or router whose env is AppEnv
export function apiRateLimits(app: Hono<AppEnv, any, any>) {
  app.use(
    "/v1/*",
    limitPerApiKey(bearer, (c, s) => c.json(errorBody("rate_limited", message(s)), 429)),
  );
  app.use(
    "/businesses/*",
    limitPerApiKey(bearer, (c, s) => c.json(new RefrensError(429, message(s), "rate_limited").body(), 429)),
  );
  // Chargebee's API key is the Basic user name.
  app.use(
    "/api/v2/*",
    limitPerApiKey(
      (c) => parseBasicAuth(c.req.header("authorization"))?.username ?? null,
      (c, s) => c.json(new ChargebeeError(429, "api_request_limit_exceeded", message(s), null).body(), 429),
    ),
  );
}
