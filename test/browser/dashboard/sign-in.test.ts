// Signing in and out: only a valid API key opens a session, every page without one goes to the sign-in form,
// and after sign-out (or once the key is revoked) the dashboard is closed again.
import { describe, expect, it } from "vitest";
import { uniqueId } from "../support/api";
import { shot, useBrowser } from "../support/browser";
import { PAGES, SIGN_IN, signIn, visit } from "../support/dashboard";

const t = useBrowser();

describe("dashboard sign-in", () => {
  it("refuses a wrong key with an alert and no session, and opens the overview for a valid one", async () => {
    const page = await t.newPage();
    await visit(page, SIGN_IN, "sign-in");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Sign in");

    // The valid key with its last character changed: as long, as well-formed, not the key.
    const last = t.acme.key.at(-1) === "a" ? "b" : "a";
    await page.getByLabel("API key").fill(`${t.acme.key.slice(0, -1)}${last}`);
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(SIGN_IN) && r.request().method() === "POST"),
      page.getByRole("button", { name: "Sign in" }).click(),
    ]);
    expect(refused.status()).toBe(401);
    await expect(page.getByRole("alert").textContent()).resolves.toContain("That API key was not accepted.");
    await shot(page, "sign-in-refused");
    expect((await page.context().cookies()).map((c) => c.name)).not.toContain("il_session");
    // The key typed is not echoed back into the page.
    await expect(page.getByLabel("API key").inputValue()).resolves.toBe("");

    await signIn(page, t.acme.key, "sign-in-overview");
    const nav = page.getByRole("navigation", { name: "Dashboard" });
    for (const link of ["Overview", "Invoices", "Deliveries", "Settings"]) {
      await expect(nav.getByRole("link", { name: link }).count()).resolves.toBe(1);
    }
    // The merchant signed in is named in the page header, beside the navigation.
    await expect(page.getByRole("banner").textContent()).resolves.toContain("Acme Traders");
    const cookie = (await page.context().cookies()).find((c) => c.name === "il_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });
    // The session holds which key signed in, never the key.
    expect(cookie?.value).not.toContain(t.acme.key);
  });

  it("sends every page to the sign-in form without a session", async () => {
    const page = await t.newPage();
    for (const { path } of PAGES(t.acme.invoiceId)) {
      const res = await page.request.get(path, { maxRedirects: 0 });
      await res.body();
      expect(res.status(), path).toBe(303);
      expect(new URL(res.headers().location ?? "", t.origin).pathname, path).toBe(SIGN_IN);
    }
    // In the browser: the page asked for ends on the sign-in form.
    await page.goto("/dashboard/invoices");
    expect(new URL(page.url()).pathname).toBe(SIGN_IN);
  });

  it("signs out: the cookie is cleared, every page goes back to the sign-in form, a copied cookie is refused", async () => {
    const page = await t.newPage();
    await signIn(page, t.acme.key);
    const copied = await page.context().cookies();
    await Promise.all([
      page.waitForURL(/\/dashboard\/sign-in$/),
      page.getByRole("button", { name: "Sign out" }).click(),
    ]);
    await shot(page, "signed-out");
    expect((await page.context().cookies()).map((c) => c.name)).not.toContain("il_session");
    for (const { path } of PAGES(t.acme.invoiceId)) {
      await page.goto(path);
      expect(new URL(page.url()).pathname, path).toBe(SIGN_IN);
    }
    // The cookie as it was before sign-out, replayed from elsewhere: the session ended on the server too.
    const replay = await t.newPage();
    await replay.context().addCookies(copied);
    await replay.goto("/dashboard");
    expect(new URL(replay.url()).pathname).toBe(SIGN_IN);
  });

  it("ends a session whose key was revoked: the old cookie replayed is refused", async () => {
    const m = await t.api.createMerchant(uniqueId("revoked"), "Revoked Ltd");
    const page = await t.newPage();
    await signIn(page, m.key);
    const cookies = await page.context().cookies();
    const keys = await t.api.admin("GET", `/merchants/${m.id}`);
    const keyIds: string[] = keys.body.api_keys.map((k: { id: string }) => k.id);
    for (const id of keyIds) {
      const del = await t.api.admin("DELETE", `/merchants/${m.id}/api-keys/${id}`);
      expect(del.status).toBe(204);
    }
    // A new context carrying the old cookie, as someone who copied it would.
    const replay = await t.newPage();
    await replay.context().addCookies(cookies);
    await replay.goto("/dashboard");
    expect(new URL(replay.url()).pathname).toBe(SIGN_IN);
  });
});
