// The README's pictures of the dashboard, taken from the README's quick-start data (merchant acme, INV-1001
// partly paid) and nothing else: `npm run screenshots` copies these two into docs/ after a run.
import { describe, expect, it } from "vitest";
import { shot, useBrowser } from "../support/browser";
import { signIn, term } from "../support/dashboard";

const t = useBrowser();

describe("README screenshots", () => {
  it("the overview and INV-1001 as the quick start leaves them", async () => {
    const page = await t.newPage();
    await signIn(page, t.acme.key);
    await expect(page.getByRole("banner").textContent()).resolves.toContain("Acme Traders");
    // The quick start's one invoice is what is outstanding.
    await expect(page.getByRole("main").textContent()).resolves.toContain("2,690.30");
    await shot(page, "readme-overview");
    await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Invoices" }).click();
    await page.getByRole("table").getByRole("link", { name: "1001", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Invoice 1001" }).waitFor();
    await expect(term(page, "Amount due").textContent()).resolves.toContain("2,690.30");
    await shot(page, "readme-invoice");
  });
});
