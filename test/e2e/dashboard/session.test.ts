// Signing in to the dashboard: the cookie's attributes, what a session is refused for (tampering, expiry, a
// revoked key, a deleted merchant, sign-out), and that a missing SESSION_SECRET fails closed.
import { env } from "cloudflare:test";
import { generateSignedCookie } from "hono/cookie";
import { describe, expect } from "vitest";
import dashboard from "../../../src/dashboard";
import { ADMIN, call, createMerchant, it } from "../../helpers";
import { fetchPage, signIn, signInForm, tokenOf } from "../../support/dashboard";

const SECRET = (env as unknown as { SESSION_SECRET: string }).SESSION_SECRET;

/** A session cookie signed with the real secret, with whatever payload the test needs. */
async function forged(payload: Record<string, unknown>, secret = SECRET) {
  const value = btoa(JSON.stringify(payload)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return (await generateSignedCookie("il_session", value, secret)).split(";")[0]!;
}

const refusedToSignIn = async (cookie: string) => {
  const page = await fetchPage("GET", "/dashboard/invoices", { cookie });
  expect(page.status).toBe(303);
  expect(page.headers.get("location")).toBe("/dashboard/sign-in");
};

describe("dashboard sign-in", () => {
  it("signs in with an API key into a Strict, HttpOnly, Secure cookie on /dashboard for 12 hours", async () => {
    const m = await createMerchant();
    const form = await signInForm();
    const res = await fetchPage("POST", "/dashboard/sign-in", {
      cookie: form.cookie,
      form: { csrf_token: form.token, api_key: m.key },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/dashboard");
    const set = res.headers.getSetCookie().find((c) => c.startsWith("il_session="))!;
    const attrs = set.split(";").map((a) => a.trim());
    expect(attrs).toEqual(
      expect.arrayContaining(["Max-Age=43200", "Path=/dashboard", "HttpOnly", "Secure", "SameSite=Strict"]),
    );
    // Bound to the key's id and merchant, never the key itself.
    expect(set).not.toContain(m.key);
    expect(decodeURIComponent(set)).not.toContain(m.key);
    const payload = JSON.parse(atob(decodeURIComponent(set.split("=")[1]!.split(";")[0]!).split(".")[0]!));
    expect(payload).toMatchObject({ kid: m.keyId, mid: m.id });
    const overview = await fetchPage("GET", "/dashboard", { cookie: set.split(";")[0] });
    expect(overview.status).toBe(200);
    expect(overview.text).toContain(`Merchant ${m.id}`);
  });

  it("leaves out Secure on localhost, where wrangler dev serves plain http", async () => {
    const m = await createMerchant();
    const page = await dashboard.request("http://localhost:8787/sign-in", {}, env);
    const pre = page.headers.getSetCookie()[0]!.split(";")[0]!;
    const token = tokenOf(await page.text(), "/dashboard/sign-in");
    const res = await dashboard.request(
      "http://localhost:8787/sign-in",
      {
        method: "POST",
        headers: {
          cookie: pre,
          origin: "http://localhost:8787",
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ csrf_token: token, api_key: m.key }).toString(),
      },
      env,
    );
    await res.text();
    expect(res.status).toBe(303);
    const set = res.headers.getSetCookie().find((c) => c.startsWith("il_session="))!;
    expect(set).toContain("HttpOnly");
    expect(set).toContain("SameSite=Strict");
    expect(set).not.toContain("Secure");
  });

  it("refuses a wrong key with 401 and the form again, setting no session", async () => {
    const m = await createMerchant();
    for (const key of [`${m.key.slice(0, -1)}x`, "ilk_short", "", "not a key at all"]) {
      const form = await signInForm();
      const res = await fetchPage("POST", "/dashboard/sign-in", {
        cookie: form.cookie,
        form: { csrf_token: form.token, api_key: key },
      });
      expect(res.status).toBe(401);
      expect(res.text).toMatch(/<p role="alert"[^>]*>That API key was not accepted\.<\/p>/);
      expect(res.text).toContain("<h1>Sign in</h1>");
      expect(res.headers.getSetCookie().some((c) => c.startsWith("il_session="))).toBe(false);
    }
  });

  it("sends every page to sign-in without a session", async () => {
    for (const path of [
      "/dashboard",
      "/dashboard/invoices",
      "/dashboard/invoices/x",
      "/dashboard/deliveries",
      "/dashboard/settings",
      "/dashboard/invoices.csv",
    ]) {
      const page = await fetchPage("GET", path);
      expect(page.status, path).toBe(303);
      expect(page.headers.get("location")).toBe("/dashboard/sign-in");
    }
  });

  it("refuses a tampered, re-signed, malformed or expired cookie", async () => {
    const m = await createMerchant();
    const good = await signIn(m.key);
    const other = await createMerchant();
    // The payload changed to another merchant, signature kept.
    const [name, value] = good.split("=") as [string, string];
    const [payload, sig] = decodeURIComponent(value).split(".") as [string, string];
    const swapped = btoa(atob(payload).replace(m.id, other.id)).replace(/=+$/, "");
    await refusedToSignIn(`${name}=${encodeURIComponent(`${swapped}.${sig}`)}`);
    // Signed with another secret.
    const exp = Math.floor(Date.now() / 1000) + 3600;
    await refusedToSignIn(
      await forged({ sid: "ses_x", kid: m.keyId, mid: m.id, exp }, "another-secret-0123456789abcdef-xyz"),
    );
    // Signed correctly, but expired, or missing a field.
    await refusedToSignIn(
      await forged({ sid: "ses_x", kid: m.keyId, mid: m.id, exp: Math.floor(Date.now() / 1000) - 1 }),
    );
    await refusedToSignIn(await forged({ sid: "ses_x", kid: m.keyId, exp }));
    await refusedToSignIn("il_session=garbage");
    // The same payload, correctly signed and current, is accepted: the refusals above are for what they changed.
    const ok = await fetchPage("GET", "/dashboard/invoices", {
      cookie: await forged({ sid: "ses_x", kid: m.keyId, mid: m.id, exp }),
    });
    expect(ok.status).toBe(200);
  });

  it("ends the sessions of a revoked key and of a deleted merchant", async () => {
    const m = await createMerchant();
    const cookie = await signIn(m.key);
    expect((await fetchPage("GET", "/dashboard", { cookie })).status).toBe(200);
    const revoke = await call("DELETE", `/admin/merchants/${m.id}/api-keys/${m.keyId}`, { key: ADMIN });
    expect(revoke.status).toBe(204);
    await refusedToSignIn(cookie);

    const d = await createMerchant();
    const dCookie = await signIn(d.key);
    expect((await call("DELETE", `/admin/merchants/${d.id}`, { key: ADMIN })).status).toBe(204);
    await refusedToSignIn(dCookie);
  });

  it("signs out: the cookie is cleared, and the old cookie no longer works", async () => {
    const m = await createMerchant();
    const cookie = await signIn(m.key);
    const overview = await fetchPage("GET", "/dashboard", { cookie });
    const res = await fetchPage("POST", "/dashboard/sign-out", {
      cookie,
      form: { csrf_token: tokenOf(overview.text, "/dashboard/sign-out") },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/dashboard/sign-in");
    const cleared = res.headers.getSetCookie().find((c) => c.startsWith("il_session="))!;
    expect(cleared).toMatch(/Max-Age=0/);
    await refusedToSignIn(cookie);
  });

  it("fails closed with a clear 500 when SESSION_SECRET is missing or too short, never signing with a default", async () => {
    for (const secret of [undefined, "", "short"]) {
      const res = await dashboard.request(
        "http://ledger.test/sign-in",
        {},
        { ...env, SESSION_SECRET: secret },
      );
      const text = await res.text();
      expect(res.status).toBe(500);
      expect(text).toContain("SESSION_SECRET");
      expect(res.headers.getSetCookie()).toEqual([]);
      const post = await dashboard.request(
        "http://ledger.test/invoices",
        { headers: { cookie: "il_session=x" } },
        { ...env, SESSION_SECRET: secret },
      );
      await post.text();
      expect(post.status).toBe(500);
    }
  });
});
