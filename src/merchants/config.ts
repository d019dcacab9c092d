import { z } from "@hono/zod-openapi";
import { WhsecSchema } from "../lib/standard-webhooks";
import { safeText } from "../lib/zod-atoms";
import { PROVIDERS } from "../providers/registry";
import { type WebhookEndpoint, WebhookEndpoints } from "./webhook-endpoints";

export const MERCHANT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export { WhsecSchema };

export const NotificationsSchema = z
  .object({
    enabled: z.boolean().default(false),
    url: z
      .url({ protocol: /^https?$/ })
      .nullable()
      .default(null),
    secret: WhsecSchema.nullable().default(null),
    /** Days relative to the due date: -3 = three days before, 0 = on the day, 7 = a week after. */
    cadence_days: z.array(z.number().int().min(-90).max(365)).max(12).default([-3, 0, 7]),
    /**
     * POSTs per reminder before it is dead-lettered and marked failed (1 = never retry). Retries back off
     * exponentially; the queue's own max_retries (wrangler.toml) stays above the largest value allowed here.
     */
    max_attempts: z.number().int().min(1).max(20).default(6),
    /**
     * An invoice first seen after some of its overdue points passed (an imported 2019 invoice): \`none\`
     * sends nothing until its next cadence point; \`latest\` sends the single latest passed overdue point.
     */
    catch_up: z.enum(["none", "latest"]).default("none"),
  })
  .strict()
  .refine((n) => !n.enabled || (n.url && n.secret), {
    message: "enabled notifications need a url and a secret",
  });

export type Notifications = z.infer<typeof NotificationsSchema>;

const providerShape = Object.fromEntries(
  Object.entries(PROVIDERS).map(([name, p]) => [name, (p.configSchema as z.ZodType).optional()]),
);

/** What responses show instead of a secret. */
export const REDACTED = "[redacted]";

/** True when any string in `value` is the placeholder: a configuration read back and sent again as is. */
function containsRedacted(value: unknown): boolean {
  if (typeof value === "string") return value === REDACTED;
  if (Array.isArray(value)) return value.some(containsRedacted);
  if (value && typeof value === "object") return Object.values(value).some(containsRedacted);
  return false;
}

/** An IANA time zone name the runtime knows ("Asia/Kolkata", "UTC"): Intl.DateTimeFormat refuses any other. */
export const TimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "must be an IANA time zone name such as Asia/Kolkata or UTC")
  .openapi({ description: "Where the dashboard shows times (IANA name)", example: "Asia/Kolkata" });

export const MerchantConfigSchema = z
  .object({
    name: safeText(200).min(1),
    providers: z.object(providerShape).strict().default({}),
    notifications: NotificationsSchema.default(NotificationsSchema.parse({})),
    timezone: TimeZoneSchema.default("UTC"),
    /** The merchant's own event endpoints (src/merchants/webhook-endpoints.ts). */
    webhooks: WebhookEndpoints.default([]),
  })
  .strict()
  // A secret shown as the placeholder must be sent again in full, or the placeholder would replace it.
  .refine((config) => !containsRedacted(config), `"${REDACTED}" stands for a secret; send the secret itself`);

export type MerchantConfig = z.infer<typeof MerchantConfigSchema>;

/** What is stored: the endpoints with their server-assigned ids and their secrets' rotation. */
export type StoredConfig = Omit<MerchantConfig, "webhooks"> & { webhooks?: WebhookEndpoint[] };

export interface ApiKeyEntry {
  id: string;
  hash: string;
  prefix: string;
  created_at: string;
}

export interface MerchantRecord extends StoredConfig {
  id: string;
  created_at: string;
  updated_at: string;
}

const SECRET_KEY = /secret|password|token|private/i;

/** Copies a record with every secret replaced, for responses and logs. */
export function redact<T>(value: T, underSecret = false): T {
  if (Array.isArray(value)) return value.map((v) => redact(v, underSecret)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, redact(v, underSecret || SECRET_KEY.test(k))]),
    ) as T;
  }
  if (underSecret && typeof value === "string") return REDACTED as T;
  return value;
}
