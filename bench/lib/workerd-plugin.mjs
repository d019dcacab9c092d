// The Workers runtime the bench's vitest harnesses (bench:verify, bench:rows, bench:portfolio) run in: the
// project's wrangler.toml, as the tests use it, with the bench's own admin token and no request logs.
import { cloudflareTest } from "@cloudflare/vitest-plugin";

export const ADMIN_TOKEN = "bench-admin-token";

/**
 * wrangler.toml's per-API-key limit (600 a minute) would answer a load phase with 429 within seconds (the
 * portfolio bench's lag phase sends thousands of requests with one key), so, as `npm run bench` does for
 * wrangler dev, every [[ratelimits]] limit is raised: the bench measures the service, not the limiter.
 */
const UNLIMITED = { simple: { limit: 1_000_000, period: 60 } };

export const workerdPlugin = () =>
  cloudflareTest({
    wrangler: { configPath: "./wrangler.toml" },
    miniflare: {
      bindings: { ADMIN_TOKEN, LOG_LEVEL: "silent" },
      ratelimits: {
        API_RATE_LIMITER: { namespace_id: "1001", ...UNLIMITED },
        WEBHOOK_REFUSAL_LIMITER: { namespace_id: "1002", ...UNLIMITED },
      },
    },
  });
