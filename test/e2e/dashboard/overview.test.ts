// The overview: outstanding and aging per currency from the index (chart and table saying the same), invoices
// that need attention; and the merchant's time zone setting that its dates follow.
import { describe, expect } from "vitest";
import { ADMIN, call, createInvoice, createMerchant, it, track } from "../../helpers";
import { fetchPage, signIn } from "../../support/dashboard";
import { indexedAt } from "../../support/portfolio";
import { deliverStandardPayment, STANDARD_SECRET } from "../../support/standard-payment";

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

describe("dashboard overview", () => {
  it("shows outstanding and aging per currency, as an SVG chart with a text equivalent and a table", async () => {
    const m = await createMerchant({ providers: { standard: { secrets: [STANDARD_SECRET] } } });
    const old = await createInvoice(m.key, { total: 479030, due_date: daysAgo(45), number: "OLD-1" });
    const usd = await createInvoice(m.key, {
      currency: "USD",
      total: 1999,
      due_date: daysAgo(-10),
      number: "USD-1",
    });
    track(m.id, old.id, usd.id);
    expect(
      (await call("POST", `/v1/invoices/${old.id}/payments`, { key: m.key, body: { amount: 9000 } })).status,
    ).toBe(201);
    // A payment in the wrong currency is kept as an anomaly: the invoice needs attention.
    expect((await deliverStandardPayment(m.id, usd.id, 500)).status).toBe(200);
    await indexedAt(m.key, { [old.id]: 2, [usd.id]: 2 });
    const cookie = await signIn(m.key);
    const page = await fetchPage("GET", "/dashboard", { cookie });
    expect(page.status).toBe(200);
    const html = page.text;
    for (const h2 of [
      "Outstanding",
      "Aging",
      "Needs attention",
      "Failed reminders",
      "Failed merchant events",
      "Refused deliveries (last 24 hours)",
    ]) {
      expect(html).toContain(`>${h2}</h2>`);
    }
    // Outstanding: one row per currency, never added across currencies.
    expect(html).toContain('<th scope="row">INR</th><td class="num">₹4,700.30</td>');
    expect(html).toContain('<th scope="row">USD</th><td class="num">$19.99</td>');
    // The chart names every bucket's exact amount for a screen reader; the table says the same.
    const label = /<svg[^>]*role="img"[^>]*aria-label="Amount due by age in INR\. ([^"]*)"/.exec(html)?.[1];
    expect(label).toContain("31-60 days overdue: ₹4,700.30");
    expect(label).toContain("Not yet due: ₹0.00");
    expect(html).toContain(
      '<th scope="row">31-60 days overdue</th><td class="num">₹4,700.30</td><td class="num">1</td>',
    );
    expect(html).toMatch(/aria-label="Amount due by age in USD\. Not yet due: \$19\.99/);
    // Needs attention: the invoice with the anomaly, linked by its number.
    const attention = html.slice(
      html.indexOf(">Needs attention</h2>"),
      html.indexOf(">Failed reminders</h2>"),
    );
    expect(attention).toContain(`<a href="/dashboard/invoices/${usd.id}">USD-1</a>`);
    expect(attention).not.toContain("OLD-1");
  });
});

describe("the merchant's time zone", () => {
  it("defaults to UTC, takes an IANA name, refuses anything else, and resets with null", async () => {
    const m = await createMerchant();
    const get = async () => (await call("GET", `/admin/merchants/${m.id}`, { key: ADMIN })).body.timezone;
    expect(await get()).toBe("UTC");
    const patch = (timezone: unknown) =>
      call("PATCH", `/admin/merchants/${m.id}`, { key: ADMIN, body: { timezone } });
    for (const bad of ["Mars/Olympus", "", "UTC+5", 5]) {
      const res = await patch(bad);
      expect(res.status, String(bad)).toBe(422);
    }
    expect(await get()).toBe("UTC");
    expect((await patch("Asia/Kolkata")).status).toBe(200);
    expect(await get()).toBe("Asia/Kolkata");
    const cookie = await signIn(m.key);
    const settings = await fetchPage("GET", "/dashboard/settings", { cookie });
    expect(settings.text).toContain("Times on these pages are shown in Asia/Kolkata.");
    expect((await patch(null)).status).toBe(200);
    expect(await get()).toBe("UTC");
  });
});
