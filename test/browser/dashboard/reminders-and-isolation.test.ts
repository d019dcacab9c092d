// Reminders paused from the invoice page, and one merchant's session never reaching another's data.
import { describe, expect, it } from "vitest";
import { shot, useBrowser } from "../support/browser";
import { flash, posted, signIn, visit } from "../support/dashboard";
import { seedPortfolio } from "../support/seed";

const t = useBrowser();

describe("reminders", () => {
  it("pauses and resumes an invoice's reminders", async () => {
    const p = await seedPortfolio(t.api);
    const page = await t.newPage();
    await signIn(page, p.merchant.key);
    await page.goto(`/dashboard/invoices/${p.open}`);
    await posted(page, "reminders_paused", () =>
      page.getByRole("button", { name: "Pause reminders" }).click(),
    );
    await expect(flash(page).textContent()).resolves.toMatch(/paused/i);
    await shot(page, "reminders-paused");
    await expect(page.getByRole("button", { name: "Resume reminders" }).count()).resolves.toBe(1);
    await expect(page.getByRole("button", { name: "Pause reminders" }).count()).resolves.toBe(0);
    expect((await t.api.invoice(p.merchant.key, p.open)).reminders).toBe("paused");

    await posted(page, "reminders_resumed", () =>
      page.getByRole("button", { name: "Resume reminders" }).click(),
    );
    await expect(flash(page).textContent()).resolves.toMatch(/resumed/i);
    expect((await t.api.invoice(p.merchant.key, p.open)).reminders).toBe("active");
  });
});

describe("isolation", () => {
  it("shows a second merchant nothing of the first, in lists or by direct URL", async () => {
    const first = await seedPortfolio(t.api, "First Merchant Co");
    const second = await t.api.createMerchant(`${first.merchant.id}-b`, "Second Merchant Co");
    const page = await t.newPage();
    await signIn(page, second.key);
    const visited = [];
    for (const path of [
      "/dashboard",
      "/dashboard/invoices",
      "/dashboard/deliveries",
      "/dashboard/settings",
    ]) {
      const res = await visit(page, path, `isolation${path.replaceAll("/", "-")}`);
      expect(res.status(), path).toBe(200);
      visited.push(await page.content());
    }
    for (const id of [first.partly, first.open, first.mismatch]) {
      const res = await visit(page, `/dashboard/invoices/${id}`, `isolation-direct-${id}`);
      expect(res.status(), id).toBe(404);
      visited.push(await page.content());
      // The CSV export with the session is the second merchant's too.
    }
    const csv = await page.request.get("/dashboard/invoices.csv");
    expect(csv.status()).toBe(200);
    visited.push(await csv.text());
    for (const html of visited) {
      for (const secret of [
        "First Merchant Co",
        first.partly,
        first.open,
        first.mismatch,
        "Priya Sharma",
        "priya@example.com",
      ]) {
        expect(html).not.toContain(secret);
      }
    }
    // The first merchant's own session does see them.
    const own = await t.newPage();
    await signIn(own, first.merchant.key);
    const res = await own.goto(`/dashboard/invoices/${first.partly}`);
    expect(res?.status()).toBe(200);
    await expect(own.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Invoice 2001");
  });
});
