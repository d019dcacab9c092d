import { createRouter } from "../../lib/create-app";
import * as handlers from "./webhook-endpoints.handlers";
import * as routes from "./webhook-endpoints.routes";

const router = createRouter();
// Authenticated with every /v1 route, once per request (src/app.ts).
router
  .openapi(routes.listEndpoints, handlers.listEndpoints)
  .openapi(routes.listEndpointDeliveries, handlers.listEndpointDeliveries)
  .openapi(routes.resendDelivery, handlers.resendDelivery);

export default router;
