// The dashboard's pages and forms in /openapi.json: HTML for people, not an API, but every route the Worker
// serves is in the contract. Forms are application/x-www-form-urlencoded with a csrf_token field; a signed-in
// route without a valid session answers 303 to the sign-in page.
import { z } from "@hono/zod-openapi";
import type { Registry } from "./registry";

const tags = ["dashboard"];
const html = (description: string) => ({ description, content: { "text/html": { schema: z.string() } } });
const redirect = (description: string) => ({
  description,
  headers: { Location: { schema: { type: "string" as const } } },
});
const session = [{ dashboardSession: [] }];

const invoiceId = z.string().openapi({ param: { name: "invoiceId", in: "path" } });
const paymentId = z.string().openapi({ param: { name: "paymentId", in: "path" } });
const reminderId = z.string().openapi({ param: { name: "reminderId", in: "path" } });
const deliveryId = z.string().openapi({ param: { name: "deliveryId", in: "path" } });

const form = (fields: Record<string, z.ZodType>) => ({
  body: {
    content: {
      "application/x-www-form-urlencoded": {
        schema: z.object({ csrf_token: z.string(), ...fields }),
      },
    },
    required: true,
  },
});

const pageResponses = {
  200: html("The page"),
  303: redirect("No valid session: to /dashboard/sign-in"),
  404: html("Unknown invoice or delivery"),
  422: html("The filters or cursor could not be applied (shown as an alert)"),
};

const actionResponses = {
  303: redirect("Done: back to the page with a flash message (or, without a session, to sign-in)"),
  403: html("The CSRF token or the request's Origin was refused"),
  404: html("Unknown invoice, payment, reminder or delivery"),
  409: html("Refused by the ledger (the API's 409 codes), shown as a form error"),
  413: html("The form was larger than 16 KiB"),
  422: html("Invalid input or refused by the ledger (the API's 422 codes), shown as a form error"),
  500: html("SESSION_SECRET is not configured"),
};

const pages: Array<[string, string, Record<string, z.ZodType>?]> = [
  ["/dashboard", "Overview: outstanding, aging chart, what needs attention, failures"],
  ["/dashboard/invoices", "The invoices, with GET /v1/invoices' filters, search and paging"],
  [
    "/dashboard/invoices/{invoiceId}",
    "One invoice: balance, lines, reports, anomalies, events, reminders, forms",
    { invoiceId },
  ],
  ["/dashboard/deliveries", "The webhook delivery log, filterable by outcome and provider"],
  ["/dashboard/settings", "The merchant's configuration, secrets redacted"],
];

const actions: Array<[string, string, Record<string, z.ZodType>, Record<string, z.ZodType>]> = [
  ["/dashboard/sign-out", "Sign out (clears the session cookie)", {}, {}],
  [
    "/dashboard/invoices/{invoiceId}/payments",
    "Record an offline payment (as POST /v1/invoices/{invoiceId}/payments; idempotency_key is the Idempotency-Key)",
    { invoiceId },
    {
      amount: z
        .string()
        .optional()
        .openapi({ description: "Major units, exact decimal", example: "1500.50" }),
      tds: z.string().optional(),
      method: z.string().optional(),
      reference: z.string().optional(),
      idempotency_key: z.string(),
    },
  ],
  [
    "/dashboard/invoices/{invoiceId}/payments/{paymentId}/reverse",
    "Reverse a payment",
    { invoiceId, paymentId },
    { idempotency_key: z.string() },
  ],
  [
    "/dashboard/invoices/{invoiceId}/write-offs",
    "Write off the remainder",
    { invoiceId },
    { reason: z.string(), idempotency_key: z.string() },
  ],
  ["/dashboard/invoices/{invoiceId}/void", "Void the invoice", { invoiceId }, {}],
  ["/dashboard/invoices/{invoiceId}/reminders/pause", "Pause the invoice's reminders", { invoiceId }, {}],
  ["/dashboard/invoices/{invoiceId}/reminders/resume", "Resume the invoice's reminders", { invoiceId }, {}],
  [
    "/dashboard/invoices/{invoiceId}/reminders/{reminderId}/resend",
    "Resend a failed reminder",
    { invoiceId, reminderId },
    { idempotency_key: z.string() },
  ],
  [
    "/dashboard/deliveries/{deliveryId}/retry",
    "Retry a refused delivery (as POST /v1/webhook-deliveries/{deliveryId}/retry)",
    { deliveryId },
    {},
  ],
];

export function registerDashboard(registry: Registry) {
  registry.registerComponent("securitySchemes", "dashboardSession", {
    type: "apiKey",
    in: "cookie",
    name: "il_session",
    description: "The dashboard's signed session cookie, set by POST /dashboard/sign-in",
  });
  registry.registerPath({
    method: "get",
    path: "/dashboard/sign-in",
    tags,
    summary: "The sign-in form",
    responses: { 200: html("The form") },
  });
  registry.registerPath({
    method: "post",
    path: "/dashboard/sign-in",
    tags,
    summary: "Sign in with an API key; sets the il_session cookie",
    request: form({ api_key: z.string() }),
    responses: {
      303: redirect("Signed in: to /dashboard, with Set-Cookie il_session"),
      401: html("That API key was not accepted"),
      403: html("The CSRF token or the request's Origin was refused"),
      429: html("Too many sign-in attempts from this address (Retry-After: 60)"),
      500: html("SESSION_SECRET is not configured"),
    },
  });
  registry.registerPath({
    method: "get",
    path: "/dashboard/assets/dashboard.css",
    tags,
    summary: "The dashboard's stylesheet",
    responses: { 200: { description: "The file", content: { "text/css": { schema: z.string() } } } },
  });
  registry.registerPath({
    method: "get",
    path: "/dashboard/invoices.csv",
    tags,
    security: session,
    summary: "GET /v1/exports/invoices.csv with the session: the same filters, the same CSV",
    responses: {
      200: { description: "The CSV", content: { "text/csv": { schema: z.string() } } },
      303: redirect("No valid session: to /dashboard/sign-in"),
      422: html("The filters could not be applied"),
    },
  });
  for (const [path, summary, params] of pages) {
    registry.registerPath({
      method: "get",
      path,
      tags,
      security: session,
      summary,
      ...(params ? { request: { params: z.object(params) } } : {}),
      responses: pageResponses,
    });
  }
  for (const [path, summary, params, fields] of actions) {
    registry.registerPath({
      method: "post",
      path,
      tags,
      security: session,
      summary,
      request: { ...(Object.keys(params).length ? { params: z.object(params) } : {}), ...form(fields) },
      responses: actionResponses,
    });
  }
}
