import { createRoute, z } from "@hono/zod-openapi";
import { errorResponse, InvoiceIdParam, jsonResponse, PageQuery, pageOf, paramRefusals } from "../schemas";

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
        "pending: not yet handed to the queue; sent: queued or being delivered; delivered: 2xx; failed: 4xx or retries exhausted (dead-lettered); skipped: never sent; cancelled: the invoice stopped owing",
    }),
    attempts: z.number().int().openapi({ description: "POSTs made to the merchant's endpoint" }),
    last_error: z.string().nullable(),
    created_at: z.string(),
    sent_at: z.string().nullable(),
    last_attempt_at: z.string().nullable(),
    delivered_at: z.string().nullable(),
    failed_at: z.string().nullable(),
    dead_lettered_at: z.string().nullable(),
    updated_at: z.string(),
  })
  .openapi("Reminder");

export const listReminders = createRoute({
  method: "get",
  path: "/v1/invoices/{invoiceId}/reminders",
  tags,
  security,
  summary: "Customer reminders for this invoice and their delivery state, oldest first",
  request: { params, query: PageQuery },
  responses: {
    ...paramRefusals,
    200: jsonResponse(pageOf(ReminderSchema, "ReminderPage"), "Reminders, oldest first"),
    401: errorResponse("Missing or invalid API key"),
    404: errorResponse("Unknown invoice"),
  },
});
