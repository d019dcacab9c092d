import { createRoute, z } from "@hono/zod-openapi";
import { jsonObjectBody } from "../../lib/json-body";
import {
  bodyRefusals,
  errorResponse,
  IdempotencyKeyHeader,
  InvoiceIdParam,
  jsonResponse,
  PageQuery,
  paramRefusals,
} from "../schemas";

const tags = ["reminders"];
const security = [{ apiKey: [] }];
const params = z.object({ invoiceId: InvoiceIdParam });

export const ReminderSchema = z
  .object({
    id: z.string().openapi({ description: "Also the webhook-id of every delivery attempt" }),
    reason: z.enum(["partial_payment", "due_soon", "due_today", "overdue"]),
    day: z.string().openapi({ description: "The day (UTC) the reminder is for", example: "2026-05-04" }),
    status: z.enum(["pending", "sent", "delivered", "failed", "skipped", "cancelled"]).openapi({
      description:
        "pending: not yet handed to the queue; sent: queued, being delivered or waiting for its next attempt; delivered: 2xx; failed: 4xx or retries exhausted (dead-lettered); skipped: never sent (notifications off, a passed point, or reminders paused); cancelled: the invoice stopped owing",
    }),
    attempts: z.number().int().openapi({ description: "POSTs made to the merchant's endpoint" }),
    last_error: z.string().nullable(),
    next_attempt_at: z.string().nullable().openapi({
      description: "While the reminder waits out its backoff after a failed attempt: when it is tried again",
    }),
    resend_of: z.string().nullable().openapi({
      description: "A merchant's resend: the id of the failed reminder it sends again",
    }),
    created_at: z.string(),
    sent_at: z.string().nullable(),
    last_attempt_at: z.string().nullable(),
    delivered_at: z.string().nullable(),
    failed_at: z.string().nullable(),
    dead_lettered_at: z.string().nullable(),
    updated_at: z.string(),
  })
  .openapi("Reminder");

const UpcomingSchema = z
  .object({
    reason: z.enum(["due_soon", "due_today", "overdue"]),
    day: z.string(),
    planned_at: z.string().openapi({ description: "When the cadence point fires (09:00 UTC of its day)" }),
  })
  .openapi("UpcomingReminder");

const ReminderListSchema = z
  .object({
    data: z.array(ReminderSchema),
    has_more: z.boolean().openapi({ description: "True when next_cursor leads to another page" }),
    next_cursor: z.string().nullable(),
    upcoming: z.array(UpcomingSchema).openapi({
      description:
        "Cadence points not recorded yet, earliest first; empty when the invoice owes nothing, has no due date, its reminders are paused or notifications are off",
    }),
  })
  .openapi("ReminderPage");

export const listReminders = createRoute({
  method: "get",
  path: "/v1/invoices/{invoiceId}/reminders",
  tags,
  security,
  summary: "Customer reminders for this invoice and their delivery state, oldest first, and those planned",
  request: { params, query: PageQuery },
  responses: {
    ...paramRefusals,
    200: jsonResponse(ReminderListSchema, "Reminders, oldest first, and the upcoming cadence points"),
    401: errorResponse("Missing or invalid API key"),
    404: errorResponse("Unknown invoice"),
  },
});

export const ReminderIdParam = z
  .string()
  .regex(/^rem_[A-Za-z0-9]{1,64}$/, "reminder ids look like rem_ followed by 1-64 letters and digits")
  .openapi({ param: { name: "reminderId", in: "path" }, example: "rem_fzLFCVKUaJlKbeq17uUQ" });

export const resendReminder = createRoute({
  method: "post",
  path: "/v1/invoices/{invoiceId}/reminders/{reminderId}/resend",
  tags,
  security,
  summary: "Send a failed or dead-lettered reminder again, as a new reminder with its own webhook-id",
  middleware: jsonObjectBody("none"),
  request: { params: params.extend({ reminderId: ReminderIdParam }), headers: IdempotencyKeyHeader },
  responses: {
    ...bodyRefusals,
    202: jsonResponse(ReminderSchema, "The new reminder (resend_of: the original), queued for delivery"),
    401: errorResponse("Missing or invalid API key"),
    404: errorResponse("Unknown invoice or reminder"),
    409: errorResponse(
      "reminder_not_resendable (not failed), reminder_in_flight (a resend of it is still on its way), reminders_paused, invoice_not_owing, idempotency_key_reused",
    ),
    422: errorResponse("A body field was sent (this request takes none)"),
  },
});
