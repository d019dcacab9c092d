// What the global setup hands every browser test (vitest's provide/inject): the Worker under `wrangler dev`,
// the one browser of the run, and the README's quick-start merchant.
export interface BrowserTestContext {
  /** The Worker under `wrangler dev`, e.g. http://127.0.0.1:40123. */
  origin: string;
  /** Where Playwright connects to the run's one Chromium (launchServer). */
  wsEndpoint: string;
  /** The admin token the Worker was started with (a throwaway, never a real one). */
  adminToken: string;
  /** The README's quick start, exactly: merchant acme "Acme Traders", INV-1001 partly paid. */
  acme: { id: string; key: string; invoiceId: string };
}

declare module "vitest" {
  export interface ProvidedContext {
    browserTest: BrowserTestContext;
  }
}
