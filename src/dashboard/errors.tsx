// How the dashboard answers what goes wrong: an HTML page in the dashboard's frame with the reason as an
// alert, never the API's JSON and never a stack trace.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ApiError } from "../lib/errors";
import { CsrfRefused } from "./guard";
import { Page } from "./layout";
import { respond } from "./respond";
import { MissingSessionSecret } from "./session";
import type { DashEnv } from "./types";

const CSRF_MESSAGE =
  "This form was not accepted: it came from another site, or from a page that is too old. Go back, reload the page and try again.";

export function errorPage(c: Context<DashEnv>, status: ContentfulStatusCode, message: string) {
  return respond(
    c,
    <Page title="Something went wrong">
      <h1>Something went wrong</h1>
      <p role="alert" class="alert">
        {message}
      </p>
      <p>
        <a href="/dashboard">Back to the dashboard</a>
      </p>
    </Page>,
    status,
  );
}

export function renderDashboardError(err: Error, c: Context<DashEnv>) {
  c.header("Cache-Control", "no-store");
  if (err instanceof MissingSessionSecret) {
    c.set("outcome", "error:session_secret_missing");
    return errorPage(c, 500, err.message);
  }
  if (err instanceof CsrfRefused || (err instanceof HTTPException && err.status === 403)) {
    c.set("outcome", "rejected:csrf");
    return errorPage(c, 403, CSRF_MESSAGE);
  }
  if (err instanceof ApiError) {
    c.set("outcome", `rejected:${err.code}`);
    return errorPage(c, err.status, err.message);
  }
  if (err instanceof HTTPException) {
    c.set("outcome", `rejected:http_${err.status}`);
    const message = err.status === 413 ? "The form was too large." : err.message || "Bad request";
    return errorPage(c, err.status as ContentfulStatusCode, message);
  }
  c.set("outcome", "error");
  console.error(JSON.stringify({ level: "error", message: "dashboard_unhandled", error: String(err) }));
  return errorPage(
    c,
    500,
    "Internal error. The action may or may not have been applied: reload the page to see the current state before trying again.",
  );
}
