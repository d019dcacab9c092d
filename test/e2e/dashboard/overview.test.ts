// The overview: outstanding and aging per currency from the index (chart and table saying the same), invoices
// that need attention; and the merchant's time zone setting that its dates follow.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect } from "vitest";
import { ADMIN, call, createInvoice, createMerchant, it, track } from "../../helpers";
import { fetchPage, hiddenOf, signIn, tokenOf } from "../../support/dashboard";
import { allFinal, deliveriesUntil, eventsMerchant } from "../../support/events";
import { indexedAt } from "../../support/portfolio";
import { listReminders, pay, settled, setup, until } from "../../support/reminders";
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
    // A PUT that leaves it out would reset it: refused like a PUT that would drop secrets.
    const put = await call("PUT", `/admin/merchants/${m.id}`, { key: ADMIN, body: { name: "Renamed" } });
    expect(put.status).toBe(409);
    expect(put.body.error.message).toContain("timezone (Asia/Kolkata)");
    expect((await patch(null)).status).toBe(200);
    expect(await get()).toBe("UTC");
  });
});

/** The overview's "Failed reminders" section, as the merchant's session sees it now. */
async function failedSection(cookie: string) {
  const html = (await fetchPage("GET", "/dashboard", { cookie })).text;
  return html.slice(html.indexOf(">Failed reminders</h2>"), html.indexOf(">Failed merchant events</h2>"));
}

/** The change feed runs for real: polls the section until `done` holds for it. */
const sectionUntil = (cookie: string, done: (section: string) => boolean) =>
  until(() => failedSection(cookie), done, 15_000);

describe("failed reminders", () => {
  it("lists an invoice whose reminder failed, resends it from the invoice page, and drops it once delivered", async () => {
    // setup() tracks the ledger, so the `it` of test/helpers.ts drops its alarm.
    const { m, id } = await setup([400, 200]);
    expect((await pay(m.key, id, 25000)).status).toBe(201);
    const [failed] = await until(() => listReminders(m.key, id), settled);
    expect(failed).toMatchObject({ status: "failed" });
    const cookie = await signIn(m.key);
    // The change feed's summary carries the failure to the index; the overview reads it from there.
    const section = await sectionUntil(cookie, (html) => html.includes("INV-7"));
    expect(section).toContain(`<a href="/dashboard/invoices/${id}">INV-7</a>`);
    expect(section).toContain("Asha Rao");
    expect(section).toContain('<td class="num">1</td><td class="num">₹750.00</td>');
    // The same invoices, past the overview's window and count, through the listing's filter and its page.
    const failedIds = async (flag: boolean) =>
      (await call("GET", `/v1/invoices?reminders_failed=${flag}`, { key: m.key })).body.data.map(
        (i: { id: string }) => i.id,
      );
    expect(await failedIds(true)).toEqual([id]);
    expect(await failedIds(false)).not.toContain(id);
    expect(section).toContain('href="/dashboard/invoices?reminders_failed=true"');
    const filtered = await fetchPage("GET", "/dashboard/invoices?reminders_failed=true", { cookie });
    expect(filtered.text).toContain(`<a href="/dashboard/invoices/${id}">INV-7</a>`);
    expect(filtered.text).toMatch(/<input id="f-reminders_failed"[^>]*checked/);
    const action = `/dashboard/invoices/${id}/reminders/${failed!.id}/resend`;
    const html = (await fetchPage("GET", `/dashboard/invoices/${id}`, { cookie })).text;
    const form = {
      csrf_token: tokenOf(html, action),
      idempotency_key: hiddenOf(html, action, "idempotency_key"),
    };
    const res = await fetchPage("POST", action, { cookie, form });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/dashboard/invoices/${id}?flash=reminder_resent`);
    // The same form again replays the resend: still one new reminder.
    expect((await fetchPage("POST", action, { cookie, form })).status).toBe(303);
    const all = await until(
      () => listReminders(m.key, id),
      (rs) => rs.some((r: any) => r.resend_of === failed!.id && r.status === "delivered"),
    );
    expect(all.filter((r: any) => r.resend_of === failed!.id)).toHaveLength(1);
    // The resend was delivered: no failure of the invoice stands, and the overview says so.
    const after = await sectionUntil(cookie, (s) => !s.includes("INV-7"));
    expect(after).toContain("is still failing.");
    expect(await failedIds(true)).toEqual([]);
    expect(await failedIds(false)).toContain(id);
    expect((await call("GET", `/v1/invoices/${id}/reminders`, { key: m.key })).body.data[0]).toMatchObject({
      id: failed!.id,
      status: "failed",
    });
  });

  it("drops an invoice that owes nothing more, and the index repair rebuilds the list from each invoice", async () => {
    const { m, id } = await setup([400]);
    expect((await pay(m.key, id, 25000)).status).toBe(201);
    await until(() => listReminders(m.key, id), settled);
    const cookie = await signIn(m.key);
    await sectionUntil(cookie, (s) => s.includes("INV-7"));
    const index = env.MERCHANT_INDEX.getByName(m.id);
    const drift = (n: number) =>
      runInDurableObject(index, (_i, state) => {
        state.storage.sql.exec(
          "UPDATE invoices SET reminders_failed = ?, reminder_failed_at = ? WHERE invoice_id = ?",
          n,
          n > 0 ? new Date().toISOString() : null,
          id,
        );
      });
    const verify = async () => {
      const report = await call("POST", `/admin/merchants/${m.id}/index/verify`, { key: ADMIN });
      expect(report.status).toBe(200);
      return report.body.repaired as Array<{ id: string; fields: string[] }>;
    };
    // The index lost the failure: the repair puts it back from the invoice's own reminders.
    await drift(0);
    expect(await failedSection(cookie)).not.toContain("INV-7");
    expect(await verify()).toEqual([
      expect.objectContaining({ id, fields: ["remindersFailed", "reminderFailedAt"] }),
    ]);
    expect(await failedSection(cookie)).toContain("INV-7");
    // Paid in full: reminders stopped, so no failure stands, through the change feed.
    expect((await pay(m.key, id, 75000)).status).toBe(201);
    await sectionUntil(cookie, (s) => !s.includes("INV-7"));
    // An index that still lists it is put right by the repair.
    await drift(2);
    expect(await failedSection(cookie)).toContain("INV-7");
    expect(await verify()).toEqual([
      expect.objectContaining({ id, fields: ["remindersFailed", "reminderFailedAt"] }),
    ]);
    expect(await failedSection(cookie)).not.toContain("INV-7");
    expect(await verify()).toEqual([]);
  });
});

describe("failed merchant events", () => {
  it("lists an event its endpoint refused for good, newest first, from the merchant's events object", async () => {
    const { m, endpoints } = await eventsMerchant([{ script: [410, 410], events: ["invoice.created"] }]);
    const first = await createInvoice(m.key, {}, "INV-EV-1");
    const second = await createInvoice(m.key, {}, "INV-EV-2");
    track(m.id, first.id, second.id);
    await deliveriesUntil(m.key, endpoints[0]!.id, allFinal(2));
    const cookie = await signIn(m.key);
    const html = (await fetchPage("GET", "/dashboard", { cookie })).text;
    const section = html.slice(html.indexOf(">Failed merchant events</h2>"), html.indexOf('id="refused"'));
    expect(section).not.toContain("No merchant event failed.");
    expect(section).toContain("invoice.created");
    expect(section).toContain("HTTP 410");
    expect(section).toContain(endpoints[0]!.id);
    // Newest first: the second invoice's event is listed before the first's.
    const a = section.indexOf(`/dashboard/invoices/${second.id}"`);
    const b = section.indexOf(`/dashboard/invoices/${first.id}"`);
    expect(a).toBeGreaterThan(-1);
    expect(b).toBeGreaterThan(a);
  });
});
