// The delivery log on the dashboard: a refused webhook shows with its reason, and once the merchant's secret
// is fixed (through the admin API) the Retry button runs the stored delivery again and it is accepted.
import { describe, expect, it } from "vitest";
import { uniqueId } from "../support/api";
import { shot, useBrowser } from "../support/browser";
import { flash, posted, signIn } from "../support/dashboard";
import { RAZORPAY_SECRET, razorpayPayment, seedPortfolio, WRONG_SECRET } from "../support/seed";

const t = useBrowser();

describe("deliveries", () => {
  it("shows a refused delivery with its reason, and after the secret is fixed Retry applies it", async () => {
    const p = await seedPortfolio(t.api);
    const invoiceId = uniqueId("inv_rzp");
    // Signed with a secret the merchant has not configured (Razorpay still has the old one, say).
    const event = razorpayPayment({
      invoiceId,
      paymentId: uniqueId("pay"),
      amount: 25000,
      total: 100000,
      paid: 25000,
    });
    const refused = await t.api.razorpay(p.merchant.id, event, WRONG_SECRET);
    expect(refused.status).toBe(401);

    const page = await t.newPage();
    await signIn(page, p.merchant.key);
    await page
      .getByRole("navigation", { name: "Dashboard" })
      .getByRole("link", { name: "Deliveries" })
      .click();
    await page.getByRole("heading", { level: 1, name: "Webhook deliveries" }).waitFor();
    await page.getByLabel("Outcome").selectOption("refused");
    await Promise.all([
      page.waitForURL(/outcome=refused/),
      page.getByRole("button", { name: "Apply filters" }).click(),
    ]);
    await shot(page, "deliveries-refused");
    const rows = page.getByRole("row").filter({ hasText: "razorpay" }).filter({ hasText: "refused" });
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().textContent()).resolves.toMatch(/signature_mismatch|signature/i);
    // The accepted delivery the portfolio was seeded with is not among the refused ones.
    await expect(page.getByRole("row").filter({ hasText: "applied" }).count()).resolves.toBe(0);

    // Retried before the fix: refused again, and nothing is applied.
    await posted(page, "retried", () => rows.first().getByRole("button", { name: "Retry" }).click());
    await expect(flash(page).textContent()).resolves.toContain("Retried: refused");
    expect((await t.api.call("GET", `/v1/invoices/${invoiceId}`, { token: p.merchant.key })).status).toBe(
      404,
    );

    const fix = await t.api.call("PATCH", `/admin/merchants/${p.merchant.id}`, {
      token: t.adminToken,
      body: { providers: { razorpay: { add_secrets: [WRONG_SECRET] } } },
    });
    expect(fix.status, fix.text).toBe(200);
    expect(fix.text).not.toContain(WRONG_SECRET);
    expect(fix.text).not.toContain(RAZORPAY_SECRET);

    await page.goto("/dashboard/deliveries?outcome=refused");
    // Newest first: the refused retry's own row (no body kept, so no Retry) comes above the original.
    const original = page
      .getByRole("row")
      .filter({ hasText: "refused" })
      .filter({ has: page.getByRole("button", { name: "Retry" }) });
    await expect(original.count()).resolves.toBe(1);
    await posted(page, "retried", () => original.getByRole("button", { name: "Retry" }).click());
    await expect(flash(page).textContent()).resolves.toContain("Retried: applied");
    await shot(page, "deliveries-retried");
    const lines = await t.api.lines(p.merchant.key, invoiceId);
    expect(lines.map((l) => [l.source, l.amount])).toEqual([["razorpay", 25000]]);
    // The log shows the retry's own row as applied.
    await page.goto("/dashboard/deliveries?outcome=applied");
    await expect(
      page.getByRole("row").filter({ hasText: "applied" }).count(),
    ).resolves.toBeGreaterThanOrEqual(2);
  });
});
