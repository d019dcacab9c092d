// Sign-in: an API key pasted into a form, checked by the same resolution as the API's bearer keys, then a
// session cookie. Attempts are limited per source address (SIGN_IN_LIMITER) before any key is looked up.
import type { Context } from "hono";
import { overLimit } from "../../lib/rate-limit";
import { getMerchant, resolveApiKey } from "../../merchants/store";
import { signInToken, signInTokenValid } from "../csrf";
import { CsrfRefused } from "../guard";
import { Csrf, FormError, Page } from "../layout";
import { respond } from "../respond";
import { startSession } from "../session";
import type { DashEnv } from "../types";

export const NOT_ACCEPTED = "That API key was not accepted.";
const TOO_MANY = "Too many sign-in attempts from this address. Wait a minute and try again.";

async function render(c: Context<DashEnv>, error: string | null, status: 200 | 401 | 429) {
  const token = await signInToken(c);
  return respond(
    c,
    <Page title="Sign in">
      <div class="signin">
        <h1>Sign in</h1>
        <p>Paste one of your API keys. The dashboard keeps only a signed session cookie, never the key.</p>
        <FormError message={error} />
        <form method="post" action="/dashboard/sign-in">
          <Csrf token={token} />
          <div class="field">
            <label for="api_key">API key</label>
            <input id="api_key" name="api_key" type="password" autocomplete="off" required size={48} />
          </div>
          <button type="submit">Sign in</button>
        </form>
      </div>
    </Page>,
    status,
  );
}

export const signInPage = (c: Context<DashEnv>) => render(c, null, 200);

export async function signIn(c: Context<DashEnv>) {
  const ip = c.req.header("cf-connecting-ip") ?? "unknown";
  if (await overLimit(c.env.SIGN_IN_LIMITER, `sign-in:${ip}`)) {
    c.header("Retry-After", "60");
    c.set("outcome", "rejected:rate_limited");
    return render(c, TOO_MANY, 429);
  }
  const form = await c.req.parseBody();
  if (!(await signInTokenValid(c, form.csrf_token))) throw new CsrfRefused();
  const key = typeof form.api_key === "string" ? form.api_key.trim() : "";
  const record = key ? await resolveApiKey(c.env.MERCHANTS, key) : null;
  const merchant = record ? await getMerchant(c.env.MERCHANTS, record.merchant_id) : null;
  if (!record || !merchant) {
    c.set("outcome", "rejected:unauthorized");
    return render(c, NOT_ACCEPTED, 401);
  }
  await startSession(c, record.key_id, merchant.id);
  c.set("merchantId", merchant.id);
  c.set("outcome", "signed_in");
  return c.redirect("/dashboard", 303);
}
