// `npm run bench:portfolio`: one merchant's index with 20,000 invoices inside workerd (bench/portfolio.test.ts):
// list-page and aging latency and rows read, and the change feed's lag under ingest load. Not part of `npm test`.
import { defineConfig } from "vitest/config";
import { workerdPlugin } from "./lib/workerd-plugin.mjs";

export default defineConfig({
  plugins: [workerdPlugin()],
  test: { include: ["bench/portfolio.test.ts"], testTimeout: 600_000, hookTimeout: 600_000 },
});
