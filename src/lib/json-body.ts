// How /v1 and /admin read a body: limited before it is read, typed as JSON, strictly parsed, an object.
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "./errors";
import { decodeUtf8, isJsonContentType, isJsonObject, parseStrictJson, StrictJsonError } from "./strict-json";
import type { AppEnv } from "./types";

/** Largest request body /v1, /admin and the dialects take (bytes). Ours are well under 4 KiB. */
export const API_BODY_LIMIT = 64 * 1024;

/**
 * Hono's bodyLimit refuses on Content-Length alone, and without one (chunked) stops reading the stream as
 * soon as it passes `maxSize` (https://hono.dev/docs/middleware/builtin/body-limit), so an oversized body is
 * never buffered in full. `tooLarge` builds the error in the caller's shape (ours, Refrens's, Chargebee's).
 */
export const limitBody = (maxSize: number, tooLarge: () => Error): MiddlewareHandler<AppEnv> =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw tooLarge();
    },
  });

export const apiBodyLimit = () =>
  limitBody(
    API_BODY_LIMIT,
    () => new ApiError(413, "payload_too_large", `Request bodies are limited to ${API_BODY_LIMIT} bytes`),
  );

export const MEDIA_TYPE_MESSAGE = "Send the body as JSON with Content-Type: application/json";

/** Why a body was refused, for a caller to phrase in its own error shape. */
export type BodyRefusal =
  | { status: 400; code: "invalid_body" | "malformed_request"; message: string }
  | { status: 415; code: "unsupported_media_type"; message: string };

/**
 * Reads a request body as one strict JSON object: `undefined` when there is no body at all, otherwise
 * the object or a refusal. A present body needs `Content-Type: application/json` (charset, if any, utf-8).
 */
export async function readJsonObject(
  request: Request,
  mediaTypes?: readonly string[],
): Promise<
  { ok: true; value: Record<string, unknown> | undefined; text: string } | { ok: false; refusal: BodyRefusal }
> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  const type = request.headers.get("content-type");
  if (bytes.byteLength === 0 && type === null) return { ok: true, value: undefined, text: "" };
  if (!isJsonContentType(type, mediaTypes)) {
    const message = mediaTypes
      ? `Send the body as JSON with Content-Type: ${mediaTypes.join(" or ")}`
      : MEDIA_TYPE_MESSAGE;
    return { ok: false, refusal: { status: 415, code: "unsupported_media_type", message } };
  }
  if (bytes.byteLength === 0) return { ok: true, value: undefined, text: "" };
  let value: unknown;
  let text: string;
  try {
    text = decodeUtf8(bytes);
    value = parseStrictJson(text);
  } catch (err) {
    if (err instanceof SyntaxError) {
      const message = err instanceof StrictJsonError ? err.message : "The body is not valid JSON";
      return { ok: false, refusal: { status: 400, code: "malformed_request", message } };
    }
    throw err;
  }
  if (!isJsonObject(value)) {
    return { ok: false, refusal: { status: 400, code: "invalid_body", message: OBJECT_REQUIRED } };
  }
  return { ok: true, value, text };
}

const OBJECT_REQUIRED = "The body must be a JSON object";

/**
 * Route middleware for /v1 and /admin (runs before @hono/zod-openapi's validators). `required`: the route
 * needs a JSON object (`{}` is an explicit "all defaults"; no body is refused, so an empty POST can never
 * pay the whole amount due). `optional`: no body, or an object. `none`: no body, or `{}`.
 */
export const jsonObjectBody =
  (mode: "required" | "optional" | "none", mediaTypes?: readonly string[]): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const read = await readJsonObject(c.req.raw, mediaTypes);
    if (!read.ok) throw new ApiError(read.refusal.status, read.refusal.code, read.refusal.message);
    if (read.value === undefined) {
      if (mode === "required") {
        throw new ApiError(400, "invalid_body", `${OBJECT_REQUIRED}; send {} to take every default`);
      }
    } else if (mode === "none" && Object.keys(read.value).length > 0) {
      throw new ApiError(422, "validation_failed", "This request takes no body fields", [
        { path: Object.keys(read.value)[0], message: "is not a field of this request" },
      ]);
    }
    // The validator behind this reads the body again through c.req.json(), i.e. JSON.parse of the same,
    // now checked, text; an absent body reads as {} so an optional body's defaults apply.
    // Hono keeps promises in bodyCache (its type says otherwise).
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(
      read.value === undefined ? "{}" : read.text,
    );
    await next();
  };
