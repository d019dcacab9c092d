import type { Bindings } from "../bindings";
import type { MerchantRecord, Notifications } from "../merchants/config";
import { NotificationsSchema } from "../merchants/config";

export const REMINDERS_QUEUE = "invoice-ledger-reminders";
export const REMINDERS_DLQ = "invoice-ledger-reminders-dlq";

export interface DeliverySettings {
  retryBaseSeconds: number;
  timeoutMs: number;
  /** How long a handed-over reminder may go unclaimed before the invoice's alarm hands it over again. */
  handoverLeaseSeconds: number;
}

function positive(value: string | undefined, fallback: number, min: number, max: number): number {
  const n = value === undefined || value.trim() === "" ? Number.NaN : Number(value);
  return Number.isFinite(n) ? Math.min(Math.max(n, min), max) : fallback;
}

export function deliverySettings(env: Partial<Bindings>): DeliverySettings {
  return {
    retryBaseSeconds: positive(env.REMINDER_RETRY_BASE_SECONDS, 60, 0, 3600),
    timeoutMs: positive(env.REMINDER_TIMEOUT_MS, 10_000, 100, 60_000),
    handoverLeaseSeconds: positive(env.REMINDER_HANDOVER_LEASE_SECONDS, 3600, 1, 86_400),
  };
}

/** A merchant's notification settings, read defensively: what cannot be parsed counts as switched off. */
export function notificationsOf(merchant: MerchantRecord | null): Notifications | null {
  if (!merchant) return null;
  const parsed = NotificationsSchema.safeParse(merchant.notifications ?? {});
  return parsed.success ? parsed.data : null;
}

export type Deliverable = Notifications & { enabled: true; url: string; secret: string };

export function deliverable(n: Notifications | null): n is Deliverable {
  return !!n && n.enabled && !!n.url && !!n.secret;
}

export const NOT_CONFIGURED = "notifications are disabled or not configured for this merchant";

/** One JSON log line; never a URL, header or secret. */
export function logReminder(
  env: { LOG_LEVEL?: string },
  level: "info" | "warn" | "error",
  message: string,
  fields: Record<string, unknown> = {},
): void {
  if (env.LOG_LEVEL === "silent") return;
  const line = JSON.stringify({ ts: new Date().toISOString(), level, message, ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
}
