// The merchant dashboard, mounted at /dashboard: wiring only. Security headers and no-store on everything;
// Hono's csrf (Origin / Sec-Fetch-Site) and a body limit before any form is read; the session guard (and each
// POST's CSRF token) on every page but sign-in and the stylesheet.
import { Hono } from "hono";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { limitBody } from "../lib/json-body";
import { serveStylesheet } from "./assets";
import { errorPage, renderDashboardError } from "./errors";
import { deliveryActions } from "./forms/delivery-actions";
import { invoiceActions } from "./forms/invoice-actions";
import { requireSession } from "./guard";
import { dashboardHeaders, noStore } from "./headers";
import { deliveriesPage } from "./pages/deliveries";
import { exportCsv } from "./pages/export";
import { invoicePage } from "./pages/invoice";
import { invoicesPage } from "./pages/invoices";
import { overviewPage } from "./pages/overview";
import { settingsPage } from "./pages/settings";
import { signIn, signInPage } from "./pages/sign-in";
import { signOut } from "./pages/sign-out";
import type { DashEnv } from "./types";

/** Dashboard forms are a few fields; nothing legitimate comes near this. */
export const FORM_BODY_LIMIT = 16 * 1024;

const dashboard = new Hono<DashEnv>();
dashboard.onError(renderDashboardError);
dashboard.use("*", dashboardHeaders(), noStore());
dashboard.use("*", csrf());
dashboard.use(
  "*",
  limitBody(FORM_BODY_LIMIT, () => new HTTPException(413, { message: "The form was too large." })),
);

dashboard.get("/assets/dashboard.css", serveStylesheet);
dashboard.get("/sign-in", signInPage);
dashboard.post("/sign-in", signIn);

dashboard.use("*", requireSession());
dashboard.post("/sign-out", signOut);
dashboard.get("/", overviewPage);
dashboard.get("/invoices", invoicesPage);
dashboard.get("/invoices.csv", exportCsv);
dashboard.get("/invoices/:invoiceId", invoicePage);
invoiceActions(dashboard);
dashboard.get("/deliveries", deliveriesPage);
deliveryActions(dashboard);
dashboard.get("/settings", settingsPage);
// Anything else under /dashboard (signed in): a page in the dashboard's frame rather than the API's JSON 404.
dashboard.all("*", (c) => errorPage(c, 404, "There is no such page."));

export default dashboard;
