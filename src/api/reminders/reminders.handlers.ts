import type { RouteHandler } from "@hono/zod-openapi";
import { idempotency, ledgerFor } from "../../ledger/client";
import { settleOutcome } from "../../lib/replay";
import type { AppEnv } from "../../lib/types";
import { getMerchant } from "../../merchants/store";
import { deliverable, notificationsOf } from "../../reminders/settings";
import type { Reminder } from "../../reminders/types";
import { listed, readPage } from "../cursor";
import { unwrap } from "../ledger-client";
import type * as routes from "./reminders.routes";

export const reminderView = (r: Reminder) => ({
  id: r.id,
  reason: r.reason,
  day: r.day,
  status: r.status,
  attempts: r.attempts,
  last_error: r.lastError,
  next_attempt_at: r.nextAttemptAt,
  resend_of: r.resendOf,
  created_at: r.createdAt,
  sent_at: r.sentAt,
  last_attempt_at: r.lastAttemptAt,
  delivered_at: r.deliveredAt,
  failed_at: r.failedAt,
  dead_lettered_at: r.deadLetteredAt,
  updated_at: r.updatedAt,
});

export const listReminders: RouteHandler<typeof routes.listReminders, AppEnv> = async (c) => {
  const { invoiceId } = c.req.valid("param");
  const merchantId = c.get("merchantId")!;
  const page = await readPage(c.env, merchantId, invoiceId, "reminders", c.req.valid("query"));
  // The cadence is the merchant's setting; the points already recorded are the invoice's.
  const notifications = notificationsOf(await getMerchant(c.env.MERCHANTS, merchantId));
  const upcoming = deliverable(notifications)
    ? ((await ledgerFor(c.env, merchantId, invoiceId).listUpcomingReminders(notifications.cadence_days)) ??
      [])
    : [];
  return c.json(
    {
      ...listed(page, reminderView),
      upcoming: upcoming.map((u) => ({ reason: u.reason, day: u.day, planned_at: u.plannedAt })),
    },
    200,
  );
};

export const resendReminder: RouteHandler<typeof routes.resendReminder, AppEnv> = async (c) => {
  const { invoiceId, reminderId } = c.req.valid("param");
  const idem = await idempotency(
    "api",
    c.req.valid("header")["idempotency-key"],
    `resend ${invoiceId} ${reminderId}`,
    {},
  );
  const { value, replayed } = unwrap(
    await ledgerFor(c.env, c.get("merchantId")!, invoiceId).resendReminder(reminderId, idem),
  );
  settleOutcome(c, replayed, "resent");
  return c.json(reminderView(value), 202);
};
