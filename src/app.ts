import adminRouter from "./api/admin/admin.index";
import invoicesRouter from "./api/invoices/invoices.index";
import paymentsRouter from "./api/payments/payments.index";
import remindersRouter from "./api/reminders/reminders.index";
import chargebeeDialect from "./dialects/chargebee/chargebee.index";
import refrensDialect from "./dialects/refrens/refrens.index";
import { createApp } from "./lib/create-app";
import webhooksRouter from "./webhooks/webhooks.index";

export const app = createApp();

app.get("/healthz", (c) => c.json({ ok: true }));
app.route("/", adminRouter).route("/", invoicesRouter).route("/", paymentsRouter).route("/", webhooksRouter);
app.route("/", remindersRouter);
app.route("/", refrensDialect);
app.route("/", chargebeeDialect);

app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", { type: "http", scheme: "bearer" });
app.openAPIRegistry.registerComponent("securitySchemes", "adminToken", { type: "http", scheme: "bearer" });
app.doc31("/openapi.json", {
  openapi: "3.1.0",
  info: {
    title: "invoice-ledger",
    version: "1.0.0",
    description: "Exact per-invoice ledgers for invoices paid in parts. Amounts are integers in minor units.",
  },
});

export type App = typeof app;
