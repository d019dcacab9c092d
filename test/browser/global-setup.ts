// The browser tests' one Worker and one browser for the whole run. The Worker runs under `wrangler dev` (the
// bundle a deploy would upload, on a free loopback port, with throwaway state; bench/lib/wrangler.mjs, as
// `npm run readme:examples` and the bench start it) with its own admin token and session secret passed as
// --var, so the repository's .dev.vars is neither read for them nor written. Chromium comes from the npm
// package @sparticuz/chromium alone (https://github.com/Sparticuz/chromium#usage-with-playwright), started
// once with Playwright's launchServer; each test file connects to it and each test opens its own context.
// Any failure here (no browser, no Worker) fails the run: vitest reports a global setup error, never a skip.
import path from "node:path";
import { fileURLToPath } from "node:url";
import chromium from "@sparticuz/chromium";
import { type BrowserServer, chromium as playwright } from "playwright-core";
import type { TestProject } from "vitest/node";
import { startWrangler } from "../../bench/lib/wrangler.mjs";
import { Api } from "./support/api";
import { seedQuickStart } from "./support/seed";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Throwaway values for this run's Worker only. */
const ADMIN_TOKEN = "browser-test-admin-token";
const SESSION_SECRET = "browser-test-session-secret-0123456789abcdef0123";

/**
 * The package's flags, for AWS Lambda, less three:
 * - --single-process: in one process, closing a test's context takes the whole browser down (every later test
 *   then finds it closed), and a machine with several cores gains nothing from it;
 * - --disable-web-security and --allow-running-insecure-content: the tests must see the browser enforce the
 *   pages' Content-Security-Policy and same-origin rules as a merchant's browser would.
 * https://github.com/Sparticuz/chromium#usage-with-playwright
 */
const DROPPED = new Set(["--single-process", "--disable-web-security", "--allow-running-insecure-content"]);
const browserArgs = () => chromium.args.filter((a) => !DROPPED.has(a));

export default async function setup(project: TestProject) {
  const server = await startWrangler({
    cwd: ROOT,
    vars: { ADMIN_TOKEN, SESSION_SECRET, LOG_LEVEL: "silent" },
  });
  let browser: BrowserServer | undefined;
  try {
    browser = await playwright.launchServer({
      executablePath: await chromium.executablePath(),
      args: browserArgs(),
      headless: true,
    });
    const acme = await seedQuickStart(new Api(server.origin, ADMIN_TOKEN));
    project.provide("browserTest", {
      origin: server.origin,
      wsEndpoint: browser.wsEndpoint(),
      adminToken: ADMIN_TOKEN,
      acme,
    });
  } catch (err) {
    await browser?.close();
    await server.stop();
    throw err;
  }
  return async () => {
    await browser?.close();
    await server.stop();
  };
}
