// What the Refrens and Chargebee dialects share before their handlers run: a body limit, the merchant's
// authentication, and every error (theirs or an unexpected one) rendered in the dialect's own shape.
import { Hono, type MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { API_BODY_LIMIT, limitBody } from "../lib/json-body";
import type { AppEnv } from "../lib/types";

/** An error as a dialect answers it: a status, a body in the dialect's shape, a code for our request log. */
export interface DialectError extends Error {
  readonly status: ContentfulStatusCode;
  /** Our word for the refusal in the request log ("rejected:<logCode>"). */
  readonly logCode: string;
  body(): object;
}

export interface Dialect<E extends DialectError> {
  /** The dialect's error class: anything else thrown is an internal error. */
  errors: abstract new (
    ...args: never[]
  ) => E;
  internal: () => E;
  tooLarge: (limit: number) => E;
  /** Sets `merchantId` on the context or throws the dialect's 401. */
  authenticate: MiddlewareHandler<AppEnv>;
  /** Extra headers for an error (Chargebee's 401 carries a Basic challenge). */
  headers?: (e: E) => Record<string, string> | undefined;
}

/**
 * A router for one dialect and `guard`, the middleware its routes take before their handler: the body
 * limit first (so no oversized body is read, not even by authentication), then authentication.
 */
export function createDialectRouter<E extends DialectError>(dialect: Dialect<E>) {
  const router = new Hono<AppEnv>();
  router.onError((err, c) => {
    const e = err instanceof dialect.errors ? err : dialect.internal();
    if (!(err instanceof dialect.errors)) {
      console.error(JSON.stringify({ level: "error", message: "unhandled", error: String(err) }));
    }
    c.set("outcome", e.status === 500 ? "error" : `rejected:${e.logCode}`);
    return c.json(e.body(), e.status, dialect.headers?.(e));
  });
  const limit = limitBody(API_BODY_LIMIT, () => dialect.tooLarge(API_BODY_LIMIT));
  const guard: [MiddlewareHandler<AppEnv>, MiddlewareHandler<AppEnv>] = [limit, dialect.authenticate];
  return { router, guard };
}
