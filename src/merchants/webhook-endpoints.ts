// A merchant's event endpoints (merchant configuration `webhooks`): where its own systems hear about its
// invoices, signed per Standard Webhooks (https://www.standardwebhooks.com/). Ids are the server's, so that a
// delivery history stays attached to an endpoint whatever else changes; secrets are write-only. A new
// secret does not cut the old one off: for ROTATION_OVERLAP_MS both sign each delivery (Standard Webhooks
// sends one `v1,` entry per secret, and a receiver accepts any that matches), so a receiver can switch over.
import { z } from "@hono/zod-openapi";
import { EVENT_TYPES } from "../events/types";
import { randomId } from "../lib/crypto";
import { ApiError } from "../lib/errors";
import { WhsecSchema } from "../lib/standard-webhooks";
import { secretId } from "./secrets";

export const MAX_ENDPOINTS = 5;
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;
export const ENDPOINT_ID = /^we_[A-Za-z0-9]{20}$/;

/** http only for a local receiver (localhost, *.localhost, *.test), as in development; anything else https. */
const LOCAL_HOST = /^(localhost|127\.0\.0\.1|\[::1\]|.+\.localhost|.+\.test)$/;

export const EndpointUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .refine((u) => {
    const url = new URL(u);
    return url.protocol === "https:" || LOCAL_HOST.test(url.hostname);
  }, "must be https (http only for localhost or a .test host)")
  // Credentials in a URL would be shown wherever the URL is; the secret signs instead.
  .refine((u) => {
    const url = new URL(u);
    return url.username === "" && url.password === "";
  }, "must not carry credentials");

export const EventTypes = z
  .array(z.enum(EVENT_TYPES))
  .min(1)
  .max(EVENT_TYPES.length)
  .refine((events) => new Set(events).size === events.length, "lists an event twice");

/** An endpoint as PUT (or a PATCH's `add`) sends it: `id` only to keep an endpoint that exists. */
export const WebhookEndpointInput = z
  .object({
    id: z.string().regex(ENDPOINT_ID, "is not an endpoint id (we_ and 20 letters or digits)").optional(),
    url: EndpointUrl,
    secret: WhsecSchema,
    events: EventTypes,
    enabled: z.boolean().default(true),
    /** POSTs per event before it is dead-lettered and marked failed, under the reminders' rules. */
    max_attempts: z.number().int().min(1).max(20).default(6),
  })
  .strict();

export type WebhookEndpointInputT = z.infer<typeof WebhookEndpointInput>;

export const WebhookEndpoints = z
  .array(WebhookEndpointInput)
  .max(MAX_ENDPOINTS)
  .refine((list) => {
    const ids = list.map((e) => e.id).filter((id) => id !== undefined);
    return new Set(ids).size === ids.length;
  }, "names an endpoint id twice");

/** An endpoint as stored in the merchant's configuration. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  secret: string;
  events: (typeof EVENT_TYPES)[number][];
  enabled: boolean;
  max_attempts: number;
  created_at: string;
  /** The secret replaced last, still signing until `previous_secret_expires_at`. */
  previous_secret?: string | null;
  previous_secret_expires_at?: string | null;
}

const invalid = (path: string, message: string) =>
  new ApiError(422, "validation_failed", `${path}: ${message}`, [{ path, message }]);

/** The secrets that sign a delivery now: the current one, and the previous one while it overlaps. */
export function signingSecrets(e: WebhookEndpoint, now = Date.now()): string[] {
  const until = e.previous_secret_expires_at ? Date.parse(e.previous_secret_expires_at) : 0;
  return e.previous_secret && until > now ? [e.secret, e.previous_secret] : [e.secret];
}

/** `input` over `stored` (same id, or a new one): a changed secret keeps the old one signing for a while. */
function merge(
  stored: WebhookEndpoint | undefined,
  input: WebhookEndpointInputT,
  now: number,
): WebhookEndpoint {
  const rotated = stored && stored.secret !== input.secret;
  const keep = stored && !rotated && signingSecrets(stored, now).length > 1;
  return {
    id: stored?.id ?? randomId("we", 20),
    url: input.url,
    secret: input.secret,
    events: input.events,
    enabled: input.enabled,
    max_attempts: input.max_attempts,
    created_at: stored?.created_at ?? new Date(now).toISOString(),
    previous_secret: rotated ? stored.secret : keep ? (stored.previous_secret ?? null) : null,
    previous_secret_expires_at: rotated
      ? new Date(now + ROTATION_OVERLAP_MS).toISOString()
      : keep
        ? (stored.previous_secret_expires_at ?? null)
        : null,
  };
}

/**
 * The endpoints a PUT (or a PATCH sending the whole list) asks for: an entry with the `id` of a stored
 * endpoint updates it, one without gets a new id; an id the merchant does not have is refused.
 */
export function replaceEndpoints(
  stored: readonly WebhookEndpoint[],
  input: readonly WebhookEndpointInputT[],
  path = "webhooks",
  now = Date.now(),
): WebhookEndpoint[] {
  return input.map((e, i) => {
    const known = e.id === undefined ? undefined : stored.find((s) => s.id === e.id);
    if (e.id !== undefined && !known) {
      throw invalid(
        `${path}.${i}.id`,
        `${e.id} is not one of this merchant's endpoints (leave id out to add one)`,
      );
    }
    return merge(known, e, now);
  });
}

/** An endpoint as every response shows it: the secret redacted, its fingerprint instead. */
export async function endpointView(e: WebhookEndpoint) {
  return {
    id: e.id,
    url: e.url,
    events: e.events,
    enabled: e.enabled,
    max_attempts: e.max_attempts,
    secret: "[redacted]" as const,
    secret_id: await secretId(e.secret),
    previous_secret_expires_at:
      e.previous_secret &&
      e.previous_secret_expires_at &&
      Date.parse(e.previous_secret_expires_at) > Date.now()
        ? e.previous_secret_expires_at
        : null,
    created_at: e.created_at,
  };
}

export const WebhookEndpointView = z
  .object({
    id: z.string().openapi({ example: "we_4kT9zQp2LmX8vR3sYb7N" }),
    url: z.string(),
    events: z.array(z.enum(EVENT_TYPES)),
    enabled: z.boolean(),
    max_attempts: z.number().int(),
    secret: z.literal("[redacted]"),
    secret_id: z.string().openapi({ description: "sec_ + the first 12 hex digits of the secret's SHA-256" }),
    previous_secret_expires_at: z.string().nullable().openapi({
      description: "While a replaced secret still signs beside the new one (24 hours after the change)",
    }),
    created_at: z.string(),
  })
  .openapi("WebhookEndpoint");
