// What every dashboard scenario does the same way, through the page contract's accessible names (the labels
// and roles Playwright's getByLabel / getByRole find, as a screen reader would).
import type { Locator, Page, Response } from "playwright-core";
import { shot } from "./browser";

export const SIGN_IN = "/dashboard/sign-in";

/** Signs in through the form, as a merchant pasting their key; resolves on the overview. */
export async function signIn(page: Page, key: string, name?: string): Promise<void> {
  await page.goto(SIGN_IN);
  await page.getByLabel("API key").fill(key);
  await Promise.all([page.waitForURL(/\/dashboard$/), page.getByRole("button", { name: "Sign in" }).click()]);
  await page.getByRole("heading", { level: 1, name: "Overview" }).waitFor();
  if (name) await shot(page, name);
}

/** Opens a dashboard path, saves what it shows as <name>.png, and returns the response. */
export async function visit(page: Page, path: string, name: string): Promise<Response> {
  const res = await page.goto(path);
  if (!res) throw new Error(`no response for ${path}`);
  await shot(page, name);
  return res;
}

/** The value a `<dl>` shows for a term ("Amount due"), as text. */
export const term = (page: Page, dt: string): Locator =>
  page
    .locator("dl > dt, dl > div > dt")
    .filter({ hasText: new RegExp(`^\\s*${dt}\\s*$`) })
    .locator("xpath=following-sibling::dd[1]");

/**
 * Runs an action that posts a form, and waits for the redirect back (POST/redirect/GET) that carries the
 * flash `code` in its query (?flash=payment_recorded).
 */
export async function posted(page: Page, code: string, action: () => Promise<unknown>): Promise<void> {
  await Promise.all([page.waitForURL((u) => u.searchParams.get("flash") === code), action()]);
}

/** The flash message shown after a POST (role=status). */
export const flash = (page: Page): Locator => page.getByRole("status");

/** The record-a-payment form (a form named by its heading). */
export const paymentForm = (page: Page): Locator => page.getByRole("form", { name: "Record a payment" });

/** Every field a form would send, hidden ones included (the CSRF token, the idempotency key). */
export async function formData(form: Locator): Promise<Record<string, string>> {
  return form.evaluate((f) => {
    const out: Record<string, string> = {};
    for (const [k, v] of new FormData(f as HTMLFormElement)) out[k] = String(v);
    return out;
  });
}

/** The dashboard's signed-in page paths, each with the h1 it must show. */
export const PAGES = (invoiceId: string) => [
  { path: "/dashboard", h1: "Overview", name: "overview" },
  { path: "/dashboard/invoices", h1: "Invoices", name: "invoices" },
  { path: `/dashboard/invoices/${encodeURIComponent(invoiceId)}`, h1: /^Invoice /, name: "invoice" },
  { path: "/dashboard/deliveries", h1: "Webhook deliveries", name: "deliveries" },
  { path: "/dashboard/settings", h1: "Settings", name: "settings" },
];
