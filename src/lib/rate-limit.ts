// Cloudflare's Workers Rate Limiting binding (https://developers.cloudflare.com/workers/runtime-apis/bindings/rate-limit/):
// counters per key, per Cloudflare location, over a period of 10 or 60 seconds set in wrangler.toml. The
// binding says only yes or no, so Retry-After is the whole period: by then the window has rolled over.
import type { Context, MiddlewareHandler } from "hono";
import { credentialHash } from "./credential-hash";
import type { AppEnv } from "./types";

/** The period of every [[ratelimits]] binding in wrangler.toml, in seconds. */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/** True when `key` is over the limiter's limit; a missing binding limits nothing. */
export async function overLimit(limiter: RateLimit | undefined, key: string): Promise<boolean> {
  if (!limiter) return false;
  return !(await limiter.limit({ key })).success;
}

/**
 * Limits requests per presented API key, before the key is looked up, so a flood on one key costs no KV
 * read. The key is hashed (the binding's keys are Cloudflare's to store). A request without one passes on
 * to authentication, which refuses it. `refuse` answers in the route family's own error shape.
 */
export const limitPerApiKey =
  (
    credential: (c: Context<AppEnv>) => string | null,
    refuse: (c: Context<AppEnv>, retryAfter: number) => Response,
  ): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const key = credential(c);
    if (key && (await overLimit(c.env.API_RATE_LIMITER, `key:${await credentialHash(c, key)}`))) {
      c.set("outcome", "rejected:rate_limited");
      c.header("Retry-After", String(RATE_LIMIT_PERIOD_SECONDS));
      return refuse(c, RATE_LIMIT_PERIOD_SECONDS);
    }
    await next();
  };
