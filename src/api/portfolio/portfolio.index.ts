import { createRouter } from "../../lib/create-app";
import { adminAuth, apiKeyAuth } from "../auth";
import { verifyIndex } from "./index-verify";
import * as handlers from "./portfolio.handlers";
import * as routes from "./portfolio.routes";

const router = createRouter();
router.use("/v1/*", apiKeyAuth());
router.use("/admin/*", adminAuth());
router
  .openapi(routes.listInvoices, handlers.listInvoices)
  .openapi(routes.agingReport, handlers.agingReport)
  .openapi(routes.exportInvoices, handlers.exportInvoices)
  .openapi(routes.verifyIndex, verifyIndex);

export default router;
