// Finding a partly paid invoice and recording a payment on it, as a merchant would with the mouse, with the
// keyboard alone, and with an impatient double submit: the balance moves once, by exactly what was typed.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { shot, useBrowser } from "../support/browser";
import { flash, formData, paymentForm, posted, signIn, term } from "../support/dashboard";
import { seedPortfolio } from "../support/seed";

const t = useBrowser();

/** Presses Tab until the focused element is the one named (its label, or its text), as a keyboard user. */
async function tabTo(page: Page, name: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLInputElement | null;
      if (!el) return "";
      const label = el.labels?.[0]?.textContent ?? el.getAttribute("aria-label") ?? el.textContent ?? "";
      return label.trim();
    });
    if (focused === name) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

describe("invoices and payments", () => {
  it("finds the partly paid invoice through the Status filter, opens it and records a payment", async () => {
    const p = await seedPortfolio(t.api);
    const page = await t.newPage();
    await signIn(page, p.merchant.key);
    await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Invoices" }).click();
    await page.getByRole("heading", { level: 1, name: "Invoices" }).waitFor();
    await shot(page, "payments-invoices");
    const table = page.getByRole("table");
    // Unfiltered, both the partly paid and the open invoice are listed.
    await expect(table.getByRole("link", { name: "2002", exact: true }).count()).resolves.toBe(1);

    await page.getByLabel("Status").selectOption("partially_paid");
    await Promise.all([
      page.waitForURL(/status=partially_paid/),
      page.getByRole("button", { name: "Apply filters" }).click(),
    ]);
    await shot(page, "payments-invoices-partly-paid");
    await expect(table.getByRole("link", { name: "2001", exact: true }).count()).resolves.toBe(1);
    await expect(table.getByRole("link", { name: "2002", exact: true }).count()).resolves.toBe(0);
    // The filter form keeps what was chosen.
    await expect(page.getByLabel("Status").inputValue()).resolves.toBe("partially_paid");

    await table.getByRole("link", { name: "2001", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Invoice 2001" }).waitFor();
    await shot(page, "payments-invoice-before");
    await expect(term(page, "Amount due").textContent()).resolves.toContain("600.00");

    const form = paymentForm(page);
    await form.getByLabel("Amount", { exact: true }).fill("150.25");
    await form.getByLabel("Method").selectOption("upi");
    await form.getByLabel("Reference").fill("UPI-4471");
    await posted(page, "payment_recorded", () =>
      form.getByRole("button", { name: "Record payment" }).click(),
    );
    await expect(flash(page).textContent()).resolves.toContain("Payment recorded.");
    await shot(page, "payments-invoice-after");
    await expect(term(page, "Amount paid").textContent()).resolves.toContain("550.25");
    await expect(term(page, "Amount due").textContent()).resolves.toContain("449.75");

    // The ledger itself holds exactly that payment, in minor units.
    const inv = await t.api.invoice(p.merchant.key, p.partly);
    expect(inv).toMatchObject({ amount_paid: 55025, amount_due: 44975, status: "partially_paid" });
    const lines = await t.api.lines(p.merchant.key, p.partly);
    expect(lines.map((l) => [l.amount, l.method, l.reference])).toEqual([
      [40000, "bank_transfer", "NEFT-77"],
      [15025, "upi", "UPI-4471"],
    ]);
  });

  it("records one payment however often the same form is sent", async () => {
    const p = await seedPortfolio(t.api);
    const page = await t.newPage();
    await signIn(page, p.merchant.key);
    await page.goto(`/dashboard/invoices/${p.partly}`);
    const form = paymentForm(page);
    await form.getByLabel("Amount", { exact: true }).fill("100.00");
    await form.getByLabel("Reference").fill("CASH-1");
    const sent = await formData(form);
    expect(sent.idempotency_key).toBeTruthy();
    expect(sent.csrf_token).toBeTruthy();

    // A double click: the browser sends the form twice, the second cancelling the first navigation.
    await posted(page, "payment_recorded", () =>
      form.evaluate((f) => {
        (f as HTMLFormElement).requestSubmit();
        (f as HTMLFormElement).requestSubmit();
      }),
    );
    await page.getByRole("heading", { level: 1, name: "Invoice 2001" }).waitFor();
    // The same form state posted again later (a reload that resubmits, a back-and-resend): same key.
    const action = await form.getAttribute("action");
    expect(action).toBeTruthy();
    // From the same page, as the browser would send it (Origin: the dashboard's own, which Hono's csrf checks).
    const again = await page.request.post(action ?? "", {
      form: sent,
      maxRedirects: 0,
      headers: { origin: t.origin },
    });
    await again.body();
    expect(again.status()).toBe(303);
    await page.goto(`/dashboard/invoices/${p.partly}`);
    await shot(page, "payments-double-submit");
    // A form rendered anew is a new payment: its key is not the one sent.
    expect((await formData(paymentForm(page))).idempotency_key).not.toBe(sent.idempotency_key);
    await expect(term(page, "Amount due").textContent()).resolves.toContain("500.00");

    const lines = await t.api.lines(p.merchant.key, p.partly);
    expect(lines.filter((l) => l.reference === "CASH-1").map((l) => l.amount)).toEqual([10000]);
    const inv = await t.api.invoice(p.merchant.key, p.partly);
    expect(inv).toMatchObject({ amount_paid: 50000, amount_due: 50000 });
  });

  it("signs in and records a payment with the keyboard alone", async () => {
    const p = await seedPortfolio(t.api);
    const page = await t.newPage();
    await page.goto("/dashboard/sign-in");
    await tabTo(page, "API key");
    await page.keyboard.type(p.merchant.key);
    await Promise.all([page.waitForURL(/\/dashboard$/), page.keyboard.press("Enter")]);
    await tabTo(page, "Invoices");
    await Promise.all([page.waitForURL(/\/dashboard\/invoices$/), page.keyboard.press("Enter")]);
    await tabTo(page, "2001");
    await Promise.all([page.waitForURL(/\/dashboard\/invoices\/GX-2001$/), page.keyboard.press("Enter")]);
    await tabTo(page, "Amount");
    await page.keyboard.type("75.50");
    await tabTo(page, "Record payment");
    await posted(page, "payment_recorded", () => page.keyboard.press("Enter"));
    await expect(flash(page).textContent()).resolves.toContain("Payment recorded.");
    await shot(page, "payments-keyboard");
    await expect(term(page, "Amount due").textContent()).resolves.toContain("524.50");
    const inv = await t.api.invoice(p.merchant.key, p.partly);
    expect(inv).toMatchObject({ amount_paid: 47550, amount_due: 52450 });
  });
});
