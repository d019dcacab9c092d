// The Workers runtime the bench's vitest harnesses (bench:verify, bench:rows) run in: the project's
// wrangler.toml, as the tests use it, with the bench's own admin token and no request logs.
import { cloudflareTest } from "@cloudflare/vitest-plugin";

export const ADMIN_TOKEN = "bench-admin-token";

export const workerdPlugin = () =>
  cloudflareTest({
    wrangler: { configPath: "./wrangler.toml" },
    miniflare: { bindings: { ADMIN_TOKEN, LOG_LEVEL: "silent" } },
  });
