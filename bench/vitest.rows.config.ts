// `npm run bench:rows`: SQLite rows read and written by each request kind, and bytes stored per payment,
// measured inside workerd against the real Worker (bench/rows.test.ts). Not part of `npm test`, whose
// config includes only test/** and src/**.
import { defineConfig } from "vitest/config";
import { RowsReporter } from "./lib/rows-reporter.mjs";
import { workerdPlugin } from "./lib/workerd-plugin.mjs";

export default defineConfig({
  plugins: [workerdPlugin()],
  test: {
    include: ["bench/rows.test.ts"],
    reporters: ["default", new RowsReporter("bench/results/rows-latest.json")],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
