// Each test file connects to the run's one Chromium (started by the global setup); each test gets a fresh
// context (its own cookies), closed after it. shot() saves what the page shows under test/browser/screenshots/
// (git-ignored): every page a test visits is saved there.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, inject } from "vitest";
import { Api } from "./api";

export const SCREENSHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../screenshots");

export function useBrowser() {
  const ctx = inject("browserTest");
  const api = new Api(ctx.origin, ctx.adminToken);
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const fileContexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await chromium.connect(ctx.wsEndpoint);
  });
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });
  afterAll(async () => {
    for (const c of fileContexts.splice(0)) await c.close();
    await browser?.close();
  });
  /**
   * A page in a new context (no cookies), its relative URLs on the Worker; closed after the test, or with
   * `forFile` after the file's last test (a session that several tests share).
   */
  const newPage = async ({ forFile = false } = {}): Promise<Page> => {
    if (!browser) throw new Error("the browser is not connected");
    const context = await browser.newContext({ baseURL: ctx.origin, viewport: { width: 1280, height: 900 } });
    (forFile ? fileContexts : contexts).push(context);
    return context.newPage();
  };
  return { ...ctx, api, newPage, browser: () => browser };
}

/** Saves the page as test/browser/screenshots/<name>.png: whole, or (fullPage false) what the window shows. */
export async function shot(page: Page, name: string, { fullPage = true } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
}
