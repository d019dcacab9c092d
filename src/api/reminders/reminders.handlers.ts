import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../lib/create-app";
import type { Reminder } from "../../reminders/types";
import { readPage } from "../cursor";
import type * as routes from "./reminders.routes";

export const reminderView = (r: Reminder) => ({
  id: r.id,
  reason: r.reason,
  day: r.day,
  status: r.status,
  attempts: r.attempts,
  last_error: r.lastError,
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
  const page = await readPage(c.env, c.get("merchantId")!, invoiceId, "reminders", c.req.valid("query"));
  return c.json(
    { data: page.items.map(reminderView), has_more: page.has_more, next_cursor: page.next_cursor },
    200,
  );
};
