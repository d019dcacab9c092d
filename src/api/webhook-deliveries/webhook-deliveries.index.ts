import { createRouter } from "../../lib/create-app";
import { apiKeyAuth } from "../auth";
import * as handlers from "./webhook-deliveries.handlers";
import * as routes from "./webhook-deliveries.routes";

const router = createRouter();
// Scoped to these routes: a broader pattern would run the key lookup again for every other /v1 route.
router.use("/v1/webhook-deliveries", apiKeyAuth());
router.use("/v1/webhook-deliveries/*", apiKeyAuth());
router
  .openapi(routes.listDeliveries, handlers.listDeliveries)
  .openapi(routes.getDelivery, handlers.getDelivery)
  .openapi(routes.retryDelivery, handlers.retryDelivery);

export default router;
