// `npm run bench:verify`: vitest bench inside workerd, with the same Workers runtime and configuration as the
// tests, but only bench/**/*.bench.ts.
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: { bindings: { ADMIN_TOKEN: "bench-admin-token", LOG_LEVEL: "silent" } },
    }),
  ],
  test: {
    include: [],
    // Export getters of the module runner add a little to each op; the means are upper bounds of production.
    benchmark: { include: ["bench/**/*.bench.ts"], suppressExportGetterWarnings: true },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
