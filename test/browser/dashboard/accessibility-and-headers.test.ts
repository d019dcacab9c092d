// Every dashboard page, checked as a whole: axe-core finds no serious or critical violation, every form
// control has a label, and every response carries the security headers (a CSP that allows no inline script,
// no framing). Run on a merchant with something on every page: a partly paid invoice, a provider mismatch,
// a refused delivery, a configured provider.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueId } from "../support/api";
import { useBrowser } from "../support/browser";
import { PAGES, SIGN_IN, signIn, visit } from "../support/dashboard";
import { type Portfolio, razorpayPayment, seedPortfolio, WRONG_SECRET } from "../support/seed";

const t = useBrowser();
let p: Portfolio;
/** One signed-in session for the file's page checks (each check only reads). */
let page: Page;

beforeAll(async () => {
  p = await seedPortfolio(t.api);
  const event = razorpayPayment({
    invoiceId: uniqueId("inv_rzp"),
    paymentId: uniqueId("pay"),
    amount: 100,
    total: 1000,
    paid: 100,
  });
  const refused = await t.api.razorpay(p.merchant.id, event, WRONG_SECRET);
  expect(refused.status).toBe(401);
  page = await t.newPage({ forFile: true });
  await signIn(page, p.merchant.key);
});

/** Serious and critical axe violations, each as "rule: target, target" (https://github.com/dequelabs/axe-core). */
async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** Form controls a person can reach that have no accessible label: no <label>, aria-label or -labelledby. */
async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll("input, select, textarea, button")) {
      if (el instanceof HTMLInputElement && el.type === "hidden") continue;
      const control = el as HTMLInputElement;
      const named =
        (control.labels?.length ?? 0) > 0 ||
        !!el.getAttribute("aria-label")?.trim() ||
        !!el.getAttribute("aria-labelledby") ||
        (el instanceof HTMLButtonElement && !!el.textContent?.trim());
      if (!named) out.push(el.outerHTML.slice(0, 120));
    }
    return out;
  });
}

function expectSecurityHeaders(headers: Record<string, string>, path: string) {
  const csp = headers["content-security-policy"] ?? "";
  expect(csp, path).not.toBe("");
  const directive = (name: string) =>
    csp
      .split(";")
      .map((d) => d.trim())
      .find((d) => d.startsWith(`${name} `) || d === name);
  const scripts = directive("script-src") ?? directive("default-src") ?? "";
  expect(scripts, `${path}: ${csp}`).not.toBe("");
  expect(scripts, path).not.toContain("'unsafe-inline'");
  expect(scripts, path).not.toContain("'unsafe-eval'");
  const framing =
    directive("frame-ancestors") === "frame-ancestors 'none'" || headers["x-frame-options"] === "DENY";
  expect(framing, `${path}: ${csp} / ${headers["x-frame-options"]}`).toBe(true);
}

/** Everything one page must satisfy: no serious axe violation, a label on every control. */
async function checkPage(on: Page, path: string): Promise<void> {
  const problems = [
    ...(await seriousViolations(on)).map((v) => `axe ${v}`),
    ...(await unlabelledControls(on)).map((c) => `unlabelled ${c}`),
  ];
  expect(problems, path).toEqual([]);
}

describe("every page", () => {
  it("sign-in: no serious or critical axe violation, every control labelled, the security headers", async () => {
    const signedOut = await t.newPage();
    const res = await visit(signedOut, SIGN_IN, "a11y-sign-in");
    expectSecurityHeaders(res.headers(), SIGN_IN);
    await checkPage(signedOut, SIGN_IN);
  });

  const signedIn = () => [
    ...PAGES(p.partly),
    { path: `/dashboard/invoices/${p.mismatch}`, h1: "Invoice 2003", name: "invoice-mismatch" },
    {
      path: "/dashboard/invoices?status=partially_paid&provider_mismatch=true",
      h1: "Invoices",
      name: "invoices-filtered",
    },
  ];
  // By name, as the seeded ids exist only once beforeAll ran.
  const names = [
    "overview",
    "invoices",
    "invoice",
    "deliveries",
    "settings",
    "invoice-mismatch",
    "invoices-filtered",
  ];
  it.each(names)("%s: the same checks, signed in", async (pageName) => {
    const entry = signedIn().find((e) => e.name === pageName);
    if (!entry) throw new Error(`no page ${pageName}`);
    const { path, h1, name } = entry;
    const res = await visit(page, path, `a11y-${name}`);
    expect(res.status(), path).toBe(200);
    await page.getByRole("heading", { level: 1, name: h1 }).waitFor();
    expectSecurityHeaders(res.headers(), path);
    await checkPage(page, path);
  });

  it("the browser itself refuses an injected inline script and a framing of the page", async () => {
    await page.goto("/dashboard");
    // An injected <script> (what an XSS would add) is blocked by the CSP, and the browser reports it.
    const violations = page.evaluate(
      () =>
        new Promise<string[]>((resolve) => {
          const seen: string[] = [];
          document.addEventListener("securitypolicyviolation", (e) => seen.push(e.effectiveDirective));
          const s = document.createElement("script");
          s.textContent = "window.__injected = true";
          document.body.append(s);
          setTimeout(() => resolve(seen), 200);
        }),
    );
    await expect(violations).resolves.toContain("script-src-elem");
    await expect(
      page.evaluate(() => (window as { __injected?: boolean }).__injected),
    ).resolves.toBeUndefined();
    // A page that frames the dashboard gets nothing: frame-ancestors 'none' / X-Frame-Options: DENY.
    await page.setContent(`<iframe id="f" src="${new URL("/dashboard", page.url()).href}"></iframe>`);
    const framed = await page.frameLocator("#f").locator("h1").count();
    expect(framed).toBe(0);
  });

  it("shows the mismatch and the refused delivery where the merchant looks first, the overview", async () => {
    await page.goto("/dashboard");
    const attention = page.locator("section", {
      has: page.getByRole("heading", { level: 2, name: "Needs attention" }),
    });
    await expect(attention.getByRole("link", { name: "2003" }).count()).resolves.toBeGreaterThanOrEqual(1);
    const refused = page.locator("section", {
      has: page.getByRole("heading", { level: 2, name: "Refused deliveries (last 24 hours)" }),
    });
    await expect(refused.textContent()).resolves.toMatch(/signature/i);
    // The aging chart has a text equivalent for screen readers.
    const chart = page.locator("svg[role=img]");
    await expect(chart.count()).resolves.toBeGreaterThanOrEqual(1);
    await expect(chart.first().getAttribute("aria-label")).resolves.toMatch(/INR/);
  });
});
