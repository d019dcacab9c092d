// Reading a posted form: text fields only (a file where text belongs is treated as absent), and the idempotency
// key every action form carries, checked with the API's own rule for the Idempotency-Key header.
import { IdempotencyKeyHeader } from "../../api/schemas";
import { randomId } from "../../lib/crypto";
import { ApiError } from "../../lib/errors";

export type Form = Record<string, string | File | (string | File)[]>;

export const text = (form: Form, name: string): string => {
  const v = form[name];
  return typeof v === "string" ? v : "";
};

/** A fresh key for a form being rendered: one submission of it, however many times it is sent, is one action. */
export const newIdempotencyKey = () => randomId("dash", 24);

export function idempotencyKeyOf(form: Form): string {
  const key = text(form, "idempotency_key");
  const parsed = IdempotencyKeyHeader.safeParse({ "idempotency-key": key });
  if (!key || !parsed.success) {
    throw new ApiError(
      422,
      "validation_failed",
      "The form's idempotency key is missing or malformed; reload the page",
    );
  }
  return key;
}

/** The first problem zod found, in the API's wording ("path: message"). */
export function firstIssue(error: { issues: Array<{ path: PropertyKey[]; message: string }> }): string {
  const i = error.issues[0];
  return i ? `${i.path.map(String).join(".") || "form"}: ${i.message}` : "Invalid form";
}
