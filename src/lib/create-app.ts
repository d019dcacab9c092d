import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ApiError } from "./errors";
import { requestLogger } from "./logger";
import type { AppEnv } from "./types";

export const errorBody = (code: string, message: string, details?: unknown) => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

/** Validation failures become 422 {"error": {...}} with the zod issues; malformed JSON is 400 (see onError). */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    strict: false,
    defaultHook: (result, c) => {
      if (result.success) return;
      const issues = result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
      c.set("outcome", "rejected:validation_failed");
      const first = issues[0];
      return c.json(
        errorBody(
          "validation_failed",
          first ? `${first.path || "request"}: ${first.message}` : "Invalid request",
          issues,
        ),
        422,
      );
    },
  });
}

const HTTP_CODES: Record<number, string> = {
  400: "malformed_request",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

export function renderError(err: unknown, c: Context<AppEnv>) {
  if (err instanceof ApiError) {
    // Keep the more precise outcome a handler already set (e.g. "unverified:ip_not_allowed") for the log.
    if (!c.get("outcome")) c.set("outcome", `rejected:${err.code}`);
    return c.json(errorBody(err.code, err.message, err.details), err.status);
  }
  if (err instanceof HTTPException) {
    const code = HTTP_CODES[err.status] ?? `http_${err.status}`;
    c.set("outcome", `rejected:${code}`);
    return c.json(errorBody(code, err.message || "Bad request"), err.status);
  }
  c.set("outcome", "error");
  console.error(JSON.stringify({ level: "error", message: "unhandled", error: String(err) }));
  return c.json(errorBody("internal_error", "Internal error; the request may be retried"), 500);
}

export function createApp() {
  const app = createRouter();
  app.use(requestLogger());
  app.notFound((c) => c.json(errorBody("not_found", "No such route"), 404));
  app.onError(renderError);
  return app;
}
