import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { reminderReceiver } from "./test/support/reminder-receiver.js";

/** Rate-limit tests: low limits, so a test crosses them in a few requests. */
const RATE_LIMIT_TESTS = "test/e2e/rate-limits.test.ts";
/** Browser tests: Node drives Chromium against the Worker under `wrangler dev` (test/browser/global-setup.ts). */
const BROWSER_TESTS = "test/browser/**/*.test.ts";

/**
 * The Worker as wrangler.toml describes it, with test settings. `limits` replaces the [[ratelimits]]
 * bindings' limits: the other tests send hundreds of requests with one key (the hostile suite) and must
 * never meet a limit, while the rate-limit tests run apart with limits they cross in a few requests.
 */
const worker = (limits: { api: number; refusals: number; signIn: number }) =>
  cloudflareTest({
    wrangler: { configPath: "./wrangler.toml" },
    miniflare: {
      bindings: {
        ADMIN_TOKEN: "test-admin-token",
        SESSION_SECRET: "test-session-secret-0123456789abcdef0123456789",
        LOG_LEVEL: "silent",
        // Reminder retries back off from 1 s instead of 60 s, and a hung receiver times out after 1.5 s.
        REMINDER_RETRY_BASE_SECONDS: "1",
        REMINDER_TIMEOUT_MS: "1500",
        // Long enough that no lease expires in real time during a test (the alarm would hand over
        // again); the lost-message tests move the clock past it instead.
        REMINDER_HANDOVER_LEASE_SECONDS: "300",
      },
      ratelimits: {
        API_RATE_LIMITER: { namespace_id: "1001", simple: { limit: limits.api, period: 60 } },
        WEBHOOK_REFUSAL_LIMITER: { namespace_id: "1002", simple: { limit: limits.refusals, period: 60 } },
        SIGN_IN_LIMITER: { namespace_id: "1003", simple: { limit: limits.signIn, period: 60 } },
      },
      // The merchant endpoint of the reminder tests (hooks.receiver.test); other hosts pass through.
      outboundService: reminderReceiver,
    },
  });

const common = { testTimeout: 60_000, hookTimeout: 60_000 };

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [worker({ api: 1_000_000, refusals: 1_000_000, signIn: 1_000_000 })],
        test: {
          ...common,
          name: "worker",
          include: ["test/**/*.test.ts", "src/**/*.test.ts"],
          exclude: [RATE_LIMIT_TESTS, BROWSER_TESTS],
        },
      },
      {
        plugins: [worker({ api: 5, refusals: 3, signIn: 3 })],
        test: { ...common, name: "rate-limits", include: [RATE_LIMIT_TESTS] },
      },
      {
        // One wrangler dev and one Chromium for the run; files one at a time, and only after the workerd
        // projects are done (groupOrder), as the machine has 2 cores.
        test: {
          ...common,
          name: "browser",
          sequence: { groupOrder: 1 },
          environment: "node",
          include: [BROWSER_TESTS],
          globalSetup: ["test/browser/global-setup.ts"],
          fileParallelism: false,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
