import type { MerchantRecord, Notifications } from "../merchants/config";
import { NotificationsSchema } from "../merchants/config";

export const REMINDERS_QUEUE = "invoice-ledger-reminders";
export const REMINDERS_DLQ = "invoice-ledger-reminders-dlq";

export { type DeliverySettings, deliverySettings } from "../outbound/settings";

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
