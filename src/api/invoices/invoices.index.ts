import { createRouter } from "../../lib/create-app";
import * as handlers from "./invoices.handlers";
import * as routes from "./invoices.routes";

const router = createRouter();
router
  .openapi(routes.upsertInvoice, handlers.upsertInvoice)
  .openapi(routes.getInvoice, handlers.getInvoice)
  .openapi(routes.patchInvoice, handlers.patchInvoice)
  .openapi(routes.voidInvoice, handlers.voidInvoice)
  .openapi(routes.listAnomalies, handlers.listAnomalies)
  .openapi(routes.listEvents, handlers.listEvents);

export default router;
