import { createRouter } from "../../lib/create-app";
import { verifyIndex } from "./index-verify";
import * as handlers from "./portfolio.handlers";
import * as routes from "./portfolio.routes";

const router = createRouter();
// Authentication runs once per prefix in app.ts (/v1: API key, /admin: admin token).
router
  .openapi(routes.listInvoices, handlers.listInvoices)
  .openapi(routes.agingReport, handlers.agingReport)
  .openapi(routes.exportInvoices, handlers.exportInvoices)
  .openapi(routes.verifyIndex, verifyIndex);

export default router;
