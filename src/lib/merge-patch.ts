// JSON Merge Patch (RFC 7396, https://www.rfc-editor.org/rfc/rfc7396), hand-written because it is a dozen
// lines and must keep an own "__proto__" key as a key, which the strict schemas then refuse.
import type { z } from "@hono/zod-openapi";
import { ApiError } from "./errors";
import { isJsonObject } from "./strict-json";

/** RFC 7396 §2: objects merge key by key, null removes, anything else (arrays too) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return patch;
  const out: Record<string, unknown> = {};
  const own = (k: string, v: unknown) =>
    // defineProperty, so an own "__proto__" key stays a key (and is refused by the strict schemas).
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  if (isJsonObject(target)) for (const [k, v] of Object.entries(target)) own(k, v);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else own(k, mergePatch(out[k], v));
  }
  return out;
}

/** A zod failure as the API's 422, every issue listed. */
export function fromZod(error: z.ZodError): ApiError {
  const issues = error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  const first = issues[0];
  return new ApiError(
    422,
    "validation_failed",
    first ? `${first.path || "request"}: ${first.message}` : "Invalid configuration",
    issues,
  );
}
