// Refrens answers errors the way Feathers.js does: {name, message, code, className, data, errors}.
const CLASSES = {
  400: ["BadRequest", "bad-request"],
  401: ["NotAuthenticated", "not-authenticated"],
  404: ["NotFound", "not-found"],
  409: ["Conflict", "conflict"],
  // Feathers has no class for these (https://feathersjs.com/api/errors); named the way its own classes are.
  413: ["PayloadTooLarge", "payload-too-large"],
  415: ["UnsupportedMediaType", "unsupported-media-type"],
  422: ["Unprocessable", "unprocessable"],
  500: ["GeneralError", "general-error"],
} as const;

export type RefrensStatus = keyof typeof CLASSES;

export class RefrensError extends Error {
  constructor(
    readonly status: RefrensStatus,
    message: string,
    /** Our error code, so a client can tell amount_exceeds_due from too_many_decimals. */
    readonly reason: string,
    readonly errors: Record<string, string> = {},
  ) {
    super(message);
  }

  get logCode() {
    return this.reason;
  }

  body() {
    const [name, className] = CLASSES[this.status];
    // Refrens's own 401 carries the message in data; the other classes add our reason beside it.
    const data =
      this.status === 401 ? { message: this.message } : { message: this.message, reason: this.reason };
    return { name, message: this.message, code: this.status, className, data, errors: this.errors };
  }
}

/** Same answer for no key, a wrong key and another business's key: nothing says whether urlKey exists. */
export const notAuthenticated = () => new RefrensError(401, "Invalid login", "unauthorized");

export const notFound = () => new RefrensError(404, "No record found for this invoice", "not_found");
