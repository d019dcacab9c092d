import { createRouter } from "../../lib/create-app";
import * as handlers from "./webhook-deliveries.handlers";
import * as routes from "./webhook-deliveries.routes";

const router = createRouter();
// Authenticated with every /v1 route, once per request (src/app.ts).
router
  .openapi(routes.listDeliveries, handlers.listDeliveries)
  .openapi(routes.getDelivery, handlers.getDelivery)
  .openapi(routes.retryDelivery, handlers.retryDelivery);

export default router;
