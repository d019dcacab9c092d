import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { reminderReceiver } from "./test/support/reminder-receiver.js";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          ADMIN_TOKEN: "test-admin-token",
          LOG_LEVEL: "silent",
          // Reminder retries back off from 1 s instead of 60 s, and a hung receiver times out after 1.5 s.
          REMINDER_RETRY_BASE_SECONDS: "1",
          REMINDER_TIMEOUT_MS: "1500",
          // Long enough that no lease expires in real time during a test (the alarm would hand over
          // again); the lost-message tests move the clock past it instead.
          REMINDER_HANDOVER_LEASE_SECONDS: "300",
        },
        // The merchant endpoint of the reminder tests (hooks.receiver.test); other hosts pass through.
        outboundService: reminderReceiver,
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
