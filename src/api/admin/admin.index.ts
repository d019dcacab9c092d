import { createRouter } from "../../lib/create-app";
import * as handlers from "./admin.handlers";
import * as routes from "./admin.routes";

const router = createRouter();
router
  .openapi(routes.putMerchant, handlers.putMerchant)
  .openapi(routes.getMerchant, handlers.getMerchant)
  .openapi(routes.patchMerchant, handlers.patchMerchant)
  .openapi(routes.listMerchants, handlers.listMerchants)
  .openapi(routes.deleteMerchant, handlers.deleteMerchant)
  .openapi(routes.createApiKey, handlers.createApiKey)
  .openapi(routes.revokeApiKey, handlers.revokeApiKey);

export default router;
