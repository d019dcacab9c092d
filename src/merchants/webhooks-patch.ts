// PATCH of a merchant's event endpoints. RFC 7396 replaces arrays whole, and a secret cannot be read back to
// be resent, so besides a whole list (replaced as PUT replaces it) and null (no endpoints), `webhooks` takes
// operations by endpoint id, applied remove, then update, then add:
//   {"remove": ["we_..."], "update": {"we_...": {<merge patch of url, events, enabled, max_attempts, secret>}},
//    "add": [{url, secret, events, enabled?, max_attempts?}]}
import { z } from "@hono/zod-openapi";
import { ApiError } from "../lib/errors";
import { fromZod, mergePatch } from "../lib/merge-patch";
import { isJsonObject } from "../lib/strict-json";
import {
  ENDPOINT_ID,
  MAX_ENDPOINTS,
  replaceEndpoints,
  type WebhookEndpoint,
  WebhookEndpointInput,
  WebhookEndpoints,
} from "./webhook-endpoints";

const invalid = (path: string, message: string) =>
  new ApiError(422, "validation_failed", `${path}: ${message}`, [{ path, message }]);

const Ops = z
  .object({
    remove: z
      .array(z.string().regex(ENDPOINT_ID, "is not an endpoint id"))
      .min(1)
      .max(MAX_ENDPOINTS)
      .optional(),
    update: z.record(z.string().regex(ENDPOINT_ID, "is not an endpoint id"), z.unknown()).optional(),
    add: z
      .array(WebhookEndpointInput.omit({ id: true }).strict())
      .min(1)
      .max(MAX_ENDPOINTS)
      .optional(),
  })
  .strict();

function parse<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const e = fromZod(parsed.error);
  const issues = (e.details as Array<{ path: string; message: string }>).map((i) => ({
    path: i.path ? `${path}.${i.path}` : path,
    message: i.message,
  }));
  throw new ApiError(422, "validation_failed", `${issues[0]?.path}: ${issues[0]?.message}`, issues);
}

/** The stored endpoints with the body's `webhooks` applied; 422 (nothing changed) for anything invalid. */
export function patchEndpoints(stored: readonly WebhookEndpoint[], patch: unknown, now = Date.now()) {
  if (patch === null) return [];
  if (Array.isArray(patch))
    return replaceEndpoints(stored, parse(WebhookEndpoints, patch, "webhooks"), "webhooks", now);
  if (!isJsonObject(patch)) throw invalid("webhooks", "must be a list of endpoints, operations or null");
  const ops = parse(Ops, patch, "webhooks");
  const known = (id: string, path: string) => {
    if (!stored.some((e) => e.id === id))
      throw invalid(path, `${id} is not one of this merchant's endpoints`);
  };
  for (const id of ops.remove ?? []) known(id, "webhooks.remove");
  let next = stored.filter((e) => !ops.remove?.includes(e.id));
  for (const [id, change] of Object.entries(ops.update ?? {})) {
    const path = `webhooks.update.${id}`;
    known(id, path);
    const current = next.find((e) => e.id === id);
    if (!current) throw invalid(path, `${id} is removed by the same patch`);
    if (!isJsonObject(change)) throw invalid(path, "must be an object (a merge patch of the endpoint)");
    const { url, secret, events, enabled, max_attempts } = current;
    const merged = mergePatch({ id, url, secret, events, enabled, max_attempts }, change);
    const input = parse(WebhookEndpointInput, merged, path);
    next = next.map((e) => (e.id === id ? replaceEndpoints([current], [input], path, now)[0]! : e));
  }
  const added = replaceEndpoints([], ops.add ?? [], "webhooks.add", now);
  if (next.length + added.length > MAX_ENDPOINTS) {
    throw invalid("webhooks", `a merchant has at most ${MAX_ENDPOINTS} endpoints`);
  }
  return [...next, ...added];
}
