// The page frame every dashboard page shares: landmarks (header, nav, main), the signed-in merchant and the
// sign-out form, the flash message. Server-rendered by hono/jsx, which escapes every interpolated value.
import type { Child } from "hono/jsx";

export const ASSET_CSS = "/dashboard/assets/dashboard.css";

const NAV = [
  ["Overview", "/dashboard"],
  ["Invoices", "/dashboard/invoices"],
  ["Deliveries", "/dashboard/deliveries"],
  ["Settings", "/dashboard/settings"],
] as const;

export interface Frame {
  title: string;
  /** The nav entry to mark as current. */
  current?: (typeof NAV)[number][0];
  merchantName?: string;
  /** The sign-out form's CSRF token; present on signed-in pages. */
  signOutToken?: string;
  flash?: string | null;
  children?: Child;
}

export function Page({ title, current, merchantName, signOutToken, flash, children }: Frame) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · invoice-ledger`}</title>
        <link rel="stylesheet" href={ASSET_CSS} />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <span>invoice-ledger</span>
          {signOutToken !== undefined && (
            <>
              <nav aria-label="Dashboard">
                <ul>
                  {NAV.map(([label, href]) => (
                    <li>
                      <a href={href} aria-current={current === label ? "page" : undefined}>
                        {label}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
              <div class="who">
                <span>{merchantName}</span>
                <form method="post" action="/dashboard/sign-out" class="inline">
                  <input type="hidden" name="csrf_token" value={signOutToken} />
                  <button type="submit">Sign out</button>
                </form>
              </div>
            </>
          )}
        </header>
        <main id="main">
          {flash && (
            <p role="status" class="status">
              {flash}
            </p>
          )}
          {children}
        </main>
      </body>
    </html>
  );
}

/** A form-level error, announced to screen readers. */
export const FormError = ({ message }: { message?: string | null | undefined }) =>
  message ? (
    <p role="alert" class="alert">
      {message}
    </p>
  ) : null;

/** The hidden CSRF field every POST form carries. */
export const Csrf = ({ token }: { token: string }) => <input type="hidden" name="csrf_token" value={token} />;

/** A page section: a region named by its h2. */
export const Section = ({ id, title, children }: { id: string; title: string; children?: Child }) => (
  <section aria-labelledby={id}>
    <h2 id={id}>{title}</h2>
    {children}
  </section>
);
