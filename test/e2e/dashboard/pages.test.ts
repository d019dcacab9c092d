// What the dashboard's pages show, and to whom: listing, filters and export from the index, the delivery log
// with Retry, settings with secrets redacted, and never another merchant's data or any secret; with security
// headers on every response.
import { describe, expect } from "vitest";
import { ADMIN, call, createInvoice, createMerchant, getLines, it, track, uid } from "../../helpers";
import { fetchPage, signIn, submit } from "../../support/dashboard";
import { indexedAt } from "../../support/portfolio";
import { deliver } from "../../support/razorpay";
import { deliverStandardPayment, STANDARD_SECRET } from "../../support/standard-payment";

const WRONG_WHSEC = "whsec_QWxsIHRoZSB3cm9uZyBieXRlcyBoZXJlIQ==";
const RAZORPAY_SECRET = "rzp-webhook-secret-for-the-dashboard-test";
const CHARGEBEE_PASSWORD = "chargebee-password-dashboard-1";
const NOTIFY_SECRET = "whsec_bm90aWZpY2F0aW9ucyBzZWNyZXQgZm9yIHRlc3Q=";
const SESSION_SECRET = "test-session-secret-0123456789abcdef0123456789";

const PAGES = ["/dashboard", "/dashboard/invoices", "/dashboard/deliveries", "/dashboard/settings"];

async function configuredMerchant() {
  const m = await createMerchant({
    providers: {
      standard: { secrets: [WRONG_WHSEC] },
      razorpay: { webhook_secrets: [RAZORPAY_SECRET] },
      chargebee: { basic_auth: [{ username: "cb-user", password: CHARGEBEE_PASSWORD }] },
    },
    notifications: { enabled: false, url: "https://hooks.example/reminders", secret: NOTIFY_SECRET },
    timezone: "Asia/Kolkata",
  });
  return m;
}

describe("dashboard pages", () => {
  it("lists, filters, pages and exports the merchant's invoices from the index", async () => {
    const m = await createMerchant();
    const a = await createInvoice(m.key, { number: "A-1", total: 100000 });
    const b = await createInvoice(m.key, {
      number: "B-1",
      total: 50000,
      customer: { email: "b@example.com" },
    });
    const c = await createInvoice(m.key, { number: "C-1", total: 70000 });
    track(m.id, a.id, b.id, c.id);
    expect(
      (await call("POST", `/v1/invoices/${b.id}/payments`, { key: m.key, body: { amount: 1000 } })).status,
    ).toBe(201);
    await indexedAt(m.key, { [a.id]: 1, [b.id]: 2, [c.id]: 1 });
    const cookie = await signIn(m.key);
    const all = await fetchPage("GET", "/dashboard/invoices", { cookie });
    for (const n of ["A-1", "B-1", "C-1"]) expect(all.text).toContain(`>${n}</a>`);
    expect(all.text).toContain(`href="/dashboard/invoices/${b.id}"`);
    const partly = await fetchPage("GET", "/dashboard/invoices?status=partially_paid&currency=&q=", {
      cookie,
    });
    expect(partly.text).toContain(">B-1</a>");
    expect(partly.text).not.toContain(">A-1</a>");
    expect(partly.text).toContain('<option value="partially_paid" selected="">');
    const byEmail = await fetchPage("GET", "/dashboard/invoices?customer_email=B%40example.com", { cookie });
    expect(byEmail.text).toContain(">B-1</a>");
    expect(byEmail.text).not.toContain(">C-1</a>");
    // Paging: one per page, following "Next page" until there is none.
    const seen: string[] = [];
    let next: string | null = "/dashboard/invoices?limit=1";
    for (let i = 0; next && i < 5; i++) {
      const p = await fetchPage("GET", next, { cookie });
      expect(p.status).toBe(200);
      seen.push(...[...p.text.matchAll(/>([ABC]-1)<\/a>/g)].map((x) => x[1]!));
      next = /<a href="([^"]+)">Next page<\/a>/.exec(p.text)?.[1]?.replace(/&amp;/g, "&") ?? null;
    }
    expect(seen.sort()).toEqual(["A-1", "B-1", "C-1"]);
    // The export link carries the filters; the CSV is the API's.
    expect(partly.text).toContain('href="/dashboard/invoices.csv?status=partially_paid"');
    const csv = await fetchPage("GET", "/dashboard/invoices.csv?status=partially_paid", { cookie });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const api = await call("GET", "/v1/exports/invoices.csv?status=partially_paid", { key: m.key });
    expect(csv.text.split("\n").length).toBe(api.text.split("\n").length);
    expect(csv.text).toContain(b.id);
    expect(csv.text).not.toContain(a.id);
    // A bad filter is the API's 422, as an alert naming the field.
    const bad = await fetchPage("GET", "/dashboard/invoices?due_after=tomorrow", { cookie });
    expect(bad.status).toBe(422);
    expect(bad.text).toMatch(/role="alert"[\s\S]*Due after: /);
  });

  it("shows a refused delivery with its reason and retries it after the secret is fixed", async () => {
    const m = await configuredMerchant();
    const inv = uid("inv");
    track(m.id, inv);
    expect((await deliverStandardPayment(m.id, inv)).status).toBe(401);
    const cookie = await signIn(m.key);
    const overview = await fetchPage("GET", "/dashboard", { cookie });
    expect(overview.text).toMatch(/Refused deliveries \(last 24 hours\)[\s\S]*no_matching_signature/);
    const log = await fetchPage("GET", "/dashboard/deliveries?outcome=refused&provider=standard", { cookie });
    expect(log.text).toContain("no_matching_signature");
    const id = /action="\/dashboard\/deliveries\/(whd_[A-Za-z0-9]{20})\/retry"/.exec(log.text)?.[1];
    expect(id).toBeDefined();
    const fix = await call("PATCH", `/admin/merchants/${m.id}`, {
      key: ADMIN,
      body: { providers: { standard: { add_secrets: [STANDARD_SECRET] } } },
    });
    expect(fix.status).toBe(200);
    const action = `/dashboard/deliveries/${id}/retry`;
    const retried = await submit(cookie, "/dashboard/deliveries?outcome=refused", action);
    expect(retried.status).toBe(303);
    expect(retried.headers.get("location")).toBe("/dashboard/deliveries?flash=retried&outcome=applied");
    const after = await fetchPage("GET", retried.headers.get("location")!, { cookie });
    expect(after.text).toMatch(/<p role="status"[^>]*>Retried: applied<\/p>/);
    expect((await getLines(m.key, inv)).map((l) => l.amount)).toEqual([1000]);
    // The invoice (first heard of through this payment) shows the line with its source, and the event with its
    // raw body collapsed and escaped.
    const detail = await fetchPage("GET", `/dashboard/invoices/${inv}`, { cookie });
    expect(detail.status).toBe(200);
    expect(detail.text).toContain(`<h1>Invoice ${inv}</h1>`);
    expect(detail.text).toMatch(/<td>payment<\/td><td>standard<\/td>/);
    expect(detail.text).toMatch(
      /<details><summary>[^<]* · standard · payment\.recorded · applied<\/summary>/,
    );
    expect(detail.text).toContain("<pre>{&quot;type&quot;:&quot;payment.recorded&quot;");
  });

  it("lists deliveries newest first, on the Deliveries page and the overview, older ones on the next page", async () => {
    const m = await configuredMerchant();
    // Oldest: a Standard Webhooks refusal; then 50 Razorpay signature mismatches; newest: a malformed body.
    expect((await deliverStandardPayment(m.id, uid("inv"))).status).toBe(401);
    for (let i = 0; i < 50; i++)
      expect((await deliver(m.id, `{"n":${i}}`, { secret: "wrong-secret-0001" })).status).toBe(401);
    expect((await deliver(m.id, '{"a":1,"a":2}', { secret: RAZORPAY_SECRET })).status).toBe(400);
    const reasons = (html: string) =>
      [...html.matchAll(/<td>(no_matching_signature|signature_mismatch|malformed_payload)<\/td>/g)].map(
        (x) => x[1],
      );
    const cookie = await signIn(m.key);
    const first = await fetchPage("GET", "/dashboard/deliveries", { cookie });
    expect(first.text).toContain("Newest first");
    expect(reasons(first.text)).toEqual(["malformed_payload", ...Array(49).fill("signature_mismatch")]);
    const older = /<a href="([^"]+)">Older deliveries<\/a>/.exec(first.text)?.[1]?.replace(/&amp;/g, "&");
    expect(older).toBeDefined();
    const second = await fetchPage("GET", older!, { cookie });
    expect(second.status).toBe(200);
    expect(reasons(second.text)).toEqual(["signature_mismatch", "no_matching_signature"]);
    expect(second.text).not.toContain("Older deliveries");
    // The first page's cursor does not continue another filter.
    const cursor = new URL(older!, "http://x").searchParams.get("cursor")!;
    const refusedOnly = await fetchPage(
      "GET",
      `/dashboard/deliveries?outcome=refused&cursor=${encodeURIComponent(cursor)}`,
      { cookie },
    );
    expect(refusedOnly.status).toBe(422);
    // The overview's 24 hours: the newest 20, newest first.
    const overview = (await fetchPage("GET", "/dashboard", { cookie })).text;
    const section = overview.slice(overview.indexOf(">Refused deliveries (last 24 hours)</h2>"));
    const shown = [
      ...section.matchAll(/<td>(no_matching_signature|signature_mismatch|malformed_payload)<\/td>/g),
    ];
    expect(shown.map((x) => x[1])).toEqual(["malformed_payload", ...Array(19).fill("signature_mismatch")]);
  });

  it("never renders a secret: API key, provider secrets, notification secret, SESSION_SECRET", async () => {
    const m = await configuredMerchant();
    const inv = await createInvoice(m.key, { number: "S-1" });
    track(m.id, inv.id);
    expect((await deliverStandardPayment(m.id, inv.id)).status).toBe(401);
    const cookie = await signIn(m.key);
    const settings = await fetchPage("GET", "/dashboard/settings", { cookie });
    expect(settings.text).toContain("•••• (set)");
    expect(settings.text).toContain("cb-user");
    expect(settings.text).toContain("https://hooks.example/reminders");
    expect(settings.text).toContain("Asia/Kolkata");
    for (const path of [...PAGES, `/dashboard/invoices/${inv.id}`, "/dashboard/sign-in"]) {
      const page = await fetchPage("GET", path, { cookie });
      expect(page.status, path).toBe(200);
      for (const secret of [
        m.key,
        WRONG_WHSEC,
        STANDARD_SECRET,
        RAZORPAY_SECRET,
        CHARGEBEE_PASSWORD,
        NOTIFY_SECRET,
        SESSION_SECRET,
      ]) {
        expect(page.text, `${path} shows a secret`).not.toContain(secret);
      }
    }
  });

  it("never shows one merchant's invoices or deliveries to another merchant's session", async () => {
    const a = await configuredMerchant();
    const invA = await createInvoice(a.key, { number: "SECRET-A-NUMBER" });
    track(a.id, invA.id);
    expect((await deliverStandardPayment(a.id, invA.id)).status).toBe(401);
    const aLog = await call("GET", "/v1/webhook-deliveries", { key: a.key });
    const deliveryA = aLog.body.data[0].id as string;
    await indexedAt(a.key, { [invA.id]: 1 });
    const b = await createMerchant();
    const cookieB = await signIn(b.key);
    // A search for A's invoice finds nothing (the search box echoes the query, so check the results).
    const search = await fetchPage("GET", `/dashboard/invoices?q=${invA.id}`, { cookie: cookieB });
    expect(search.text).toContain("No invoice matches these filters.");
    expect(search.text).not.toContain(`href="/dashboard/invoices/${invA.id}"`);
    for (const path of [...PAGES, "/dashboard/invoices.csv"]) {
      const page = await fetchPage("GET", path, { cookie: cookieB });
      expect(page.status, path).toBe(200);
      expect(page.text).not.toContain(invA.id);
      expect(page.text).not.toContain("SECRET-A-NUMBER");
      expect(page.text).not.toContain(deliveryA);
    }
    const detail = await fetchPage("GET", `/dashboard/invoices/${invA.id}`, { cookie: cookieB });
    expect(detail.status).toBe(404);
    expect(detail.text).not.toContain("SECRET-A-NUMBER");
    // B's forms cannot reach A's invoice or delivery either.
    const overview = await fetchPage("GET", "/dashboard", { cookie: cookieB });
    expect(overview.status).toBe(200);
    const pay = await fetchPage("POST", `/dashboard/invoices/${invA.id}/payments`, {
      cookie: cookieB,
      form: { csrf_token: "x", idempotency_key: "k1", amount: "1" },
    });
    expect(pay.status).toBe(403);
    const retry = await submitWithToken(cookieB, `/dashboard/deliveries/${deliveryA}/retry`);
    expect(retry.status).toBe(404);
    const payWithToken = await submitWithToken(cookieB, `/dashboard/invoices/${invA.id}/payments`, {
      idempotency_key: "k2",
      amount: "1",
    });
    expect(payWithToken.status).toBe(404);
    expect(await getLines(a.key, invA.id)).toEqual([]);
    // A sees its own.
    const cookieA = await signIn(a.key);
    const own = await fetchPage("GET", `/dashboard/invoices/${invA.id}`, { cookie: cookieA });
    expect(own.status).toBe(200);
    expect(own.text).toContain("<h1>Invoice SECRET-A-NUMBER</h1>");
  });

  it("sends a strict CSP, no framing, a same-origin referrer and no-store on every page", async () => {
    const m = await createMerchant();
    const cookie = await signIn(m.key);
    for (const path of [...PAGES, "/dashboard/sign-in"]) {
      const page = await fetchPage("GET", path, { cookie });
      const csp = page.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'none'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).not.toContain("unsafe-eval");
      expect(page.headers.get("x-frame-options")).toBe("DENY");
      expect(page.headers.get("referrer-policy")).toBe("same-origin");
      expect(page.headers.get("cache-control")).toBe("no-store");
      expect(page.headers.get("x-content-type-options")).toBe("nosniff");
      // Nothing inline for the CSP to need: no script element and no style attribute or element.
      expect(page.text).not.toMatch(/<script|<style|\sstyle=/i);
    }
    const missing = await fetchPage("GET", "/dashboard/no-such-page", { cookie });
    expect(missing.status).toBe(404);
    expect(missing.text).toMatch(/role="alert"[^>]*>There is no such page\./);
    expect(missing.headers.get("content-security-policy")).toContain("default-src 'none'");
    const css = await fetchPage("GET", "/dashboard/assets/dashboard.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toContain("text/css");
  });
});

/** A POST to `action` with the CSRF token this session would be given for it, so only ownership is tested. */
async function submitWithToken(cookie: string, action: string, fields: Record<string, string> = {}) {
  return fetchPage("POST", action, {
    cookie,
    form: { csrf_token: await tokenFor(cookie, action), ...fields },
  });
}

/** The token the server would render for `action` in this session: HMAC(SESSION_SECRET, sid, path). */
async function tokenFor(cookie: string, action: string) {
  const { csrfToken } = await import("../../../src/dashboard/csrf");
  const value = decodeURIComponent(cookie.split("=")[1]!).split(".")[0]!;
  const sid = JSON.parse(atob(value.replace(/-/g, "+").replace(/_/g, "/"))).sid as string;
  return csrfToken(SESSION_SECRET, sid, action);
}
