// `npm run bench:verify`: vitest bench inside workerd, with the same Workers runtime and configuration as the
// tests, but only bench/**/*.bench.ts.
import { defineConfig } from "vitest/config";
import { workerdPlugin } from "./lib/workerd-plugin.mjs";

export default defineConfig({
  plugins: [workerdPlugin()],
  test: {
    include: [],
    // Export getters of the module runner add a little to each op; the means are upper bounds of production.
    benchmark: { include: ["bench/**/*.bench.ts"], suppressExportGetterWarnings: true },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
