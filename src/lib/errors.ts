import type { ContentfulStatusCode } from "hono/utils/http-status";

/** A refusal the client can act on; rendered as {"error": {"code", "message"}} unless a dialect reshapes it. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what = "Resource") => new ApiError(404, "not_found", `${what} not found`);
