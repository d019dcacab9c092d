import adminRouter from "./api/admin/admin.index";
import { adminAuth, apiKeyAuth } from "./api/auth";
import correctionsRouter from "./api/corrections/corrections.index";
import invoicesRouter from "./api/invoices/invoices.index";
import paymentsRouter from "./api/payments/payments.index";
import portfolioRouter from "./api/portfolio/portfolio.index";
import { apiRateLimits } from "./api/rate-limits";
import remindersRouter from "./api/reminders/reminders.index";
import webhookDeliveriesRouter from "./api/webhook-deliveries/webhook-deliveries.index";
import webhookEndpointsRouter from "./api/webhook-endpoints/webhook-endpoints.index";
import { registerContract } from "./contract";
import dashboard from "./dashboard";
import chargebeeDialect from "./dialects/chargebee/chargebee.index";
import { documentChargebee } from "./dialects/chargebee/chargebee-openapi";
import refrensDialect from "./dialects/refrens/refrens.index";
import referencePage from "./docs/reference-page";
import { createApp } from "./lib/create-app";
import { apiBodyLimit } from "./lib/json-body";
import webhooksRouter from "./webhooks/webhooks.index";

export const app = createApp();

// Before any router, so no /v1 or /admin handler ever reads an oversized body (the dialects and the
// webhooks set their own limits, in their own error shapes). Per API key first, before any key is looked up or
// body read, each family answering 429 in its own shape; then authentication: once per request, here, for
// every route under the prefix (the dialects and the webhooks authenticate their own way).
apiRateLimits(app);
app.use("/v1/*", apiBodyLimit(), apiKeyAuth());
app.use("/admin/*", apiBodyLimit(), adminAuth());
app.get("/healthz", (c) => c.json({ ok: true }));
app.route("/", adminRouter).route("/", invoicesRouter).route("/", paymentsRouter).route("/", webhooksRouter);
app.route("/", remindersRouter).route("/", correctionsRouter).route("/", webhookDeliveriesRouter);
app.route("/", portfolioRouter).route("/", webhookEndpointsRouter);
app.route("/", refrensDialect);
app.route("/", chargebeeDialect);
app.route("/", referencePage);
app.route("/dashboard", dashboard);

app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", { type: "http", scheme: "bearer" });
app.openAPIRegistry.registerComponent("securitySchemes", "adminToken", { type: "http", scheme: "bearer" });
documentChargebee(app);
registerContract(app.openAPIRegistry);
app.doc31("/openapi.json", {
  openapi: "3.1.0",
  info: {
    title: "invoice-ledger",
    version: "1.0.0",
    description: "Exact per-invoice ledgers for invoices paid in parts. Amounts are integers in minor units.",
  },
});

export type App = typeof app;
