// Driving the dashboard the way a browser does: form posts with the page's Origin, the session cookie carried
// between requests, the CSRF token read from the rendered form. Every body is read.
import { exports } from "cloudflare:workers";
import { expect } from "vitest";

const worker = (exports as unknown as { default: Fetcher }).default;
export const ORIGIN = "http://ledger.test";

export interface Page {
  status: number;
  headers: Headers;
  text: string;
}

export async function fetchPage(
  method: string,
  path: string,
  opts: {
    cookie?: string;
    form?: Record<string, string>;
    headers?: Record<string, string>;
    origin?: string | null;
  } = {},
): Promise<Page> {
  const headers = new Headers(opts.headers);
  if (opts.cookie) headers.set("cookie", opts.cookie);
  let body: string | undefined;
  if (opts.form) {
    body = new URLSearchParams(opts.form).toString();
    headers.set("content-type", "application/x-www-form-urlencoded");
    if (opts.origin !== null) headers.set("origin", opts.origin ?? ORIGIN);
  }
  const res = await worker.fetch(
    new Request(`${ORIGIN}${path}`, { method, headers, body, redirect: "manual" }),
  );
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The value of every `<input type="hidden" name="csrf_token">` of the form posting to `action`. */
export function tokenOf(html: string, action: string): string {
  const forms = html.split("<form").slice(1);
  const form = forms.find((f) => f.includes(`action="${action.replace(/&/g, "&amp;")}"`));
  if (!form) throw new Error(`no form posting to ${action}`);
  const m = /name="csrf_token" value="([^"]+)"/.exec(form);
  if (!m?.[1]) throw new Error(`no csrf_token in the form posting to ${action}`);
  return m[1];
}

export function hiddenOf(html: string, action: string, name: string): string {
  const form = html.split("<form").find((f) => f.includes(`action="${action}"`));
  const m = form && new RegExp(`name="${name}" value="([^"]+)"`).exec(form);
  if (!m?.[1]) throw new Error(`no ${name} in the form posting to ${action}`);
  return m[1];
}

/** `il_session=...` from a response's Set-Cookie, for the next request's Cookie header. */
export function sessionCookie(headers: Headers): string {
  const set = headers.getSetCookie().find((c) => c.startsWith("il_session="));
  if (!set) throw new Error("no il_session cookie set");
  return set.split(";")[0]!;
}

/** The pre-session cookie and token of the sign-in form. */
export async function signInForm(): Promise<{ cookie: string; token: string }> {
  const page = await fetchPage("GET", "/dashboard/sign-in");
  expect(page.status).toBe(200);
  const pre = page.headers.getSetCookie().find((c) => c.startsWith("il_pre="));
  return { cookie: pre!.split(";")[0]!, token: tokenOf(page.text, "/dashboard/sign-in") };
}

/** Signs in with `apiKey`; returns the session cookie. */
export async function signIn(apiKey: string): Promise<string> {
  const form = await signInForm();
  const res = await fetchPage("POST", "/dashboard/sign-in", {
    cookie: form.cookie,
    form: { csrf_token: form.token, api_key: apiKey },
  });
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/dashboard");
  return sessionCookie(res.headers);
}

/** Posts the form at `action` found on `pagePath`, with its own CSRF token and any hidden fields given. */
export async function submit(
  cookie: string,
  pagePath: string,
  action: string,
  fields: Record<string, string> = {},
) {
  const page = await fetchPage("GET", pagePath, { cookie });
  expect(page.status).toBe(200);
  return fetchPage("POST", action, { cookie, form: { csrf_token: tokenOf(page.text, action), ...fields } });
}
