// The harness itself: the browser from npm starts and drives a page the Worker serves.
import { describe, expect, it } from "vitest";
import { shot, useBrowser } from "./support/browser";

const t = useBrowser();

describe("browser harness", () => {
  it("drives the run's Chromium against the Worker's API reference page", async () => {
    expect(t.browser()?.version()).toMatch(/^\d+\./);
    const page = await t.newPage();
    const res = await page.goto("/docs");
    expect(res?.status()).toBe(200);
    await expect(page.title()).resolves.toBe("invoice-ledger API reference");
    // Swagger UI rendered the contract: the page's scripts ran under its CSP and fetched /openapi.json.
    await page
      .getByRole("heading", { name: /invoice-ledger/ })
      .first()
      .waitFor();
    await page.getByText("/v1/invoices/{invoiceId}/payments").first().waitFor();
    // The window only: the whole reference is 6,000 pixels tall and takes seconds to capture.
    await shot(page, "docs", { fullPage: false });
  });

  it("sees the README's quick-start data through the API it seeded", async () => {
    const inv = await t.api.invoice(t.acme.key, t.acme.invoiceId);
    expect(inv).toMatchObject({ id: "INV-1001", amount_paid: 210000, amount_due: 269030 });
  });
});
