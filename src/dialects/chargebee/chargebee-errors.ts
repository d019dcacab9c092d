// Chargebee's error body (research §4.4): {message, type, api_error_code, param}. http_status_code is
// added because the official SDKs read it from the body when present.
export type ChargebeeStatus = 400 | 401 | 404 | 409 | 413 | 422 | 500;

export class ChargebeeError extends Error {
  constructor(
    readonly status: ChargebeeStatus,
    readonly apiErrorCode: string,
    message: string,
    readonly type: "invalid_request" | "operation_failed" | null = "invalid_request",
    readonly param: string | null = null,
  ) {
    super(message);
  }

  get logCode() {
    return this.apiErrorCode;
  }

  body() {
    return {
      message: this.message,
      ...(this.type ? { type: this.type } : {}),
      api_error_code: this.apiErrorCode,
      ...(this.param ? { param: this.param } : {}),
      http_status_code: this.status,
    };
  }
}

/** Chargebee's own wording; auth errors carry no `type`. Same answer for a missing and a wrong key. */
export const authenticationFailed = () =>
  new ChargebeeError(401, "api_authentication_failed", "Sorry, authentication failed. Invalid api key", null);

export const resourceNotFound = () =>
  new ChargebeeError(404, "resource_not_found", "Sorry, we couldn't find that resource");

export const paramError = (param: string, code: "param_required" | "param_wrong_value", message: string) =>
  new ChargebeeError(400, code, message, "invalid_request", param);
