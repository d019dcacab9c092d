import { createRouter } from "../../lib/create-app";
import * as handlers from "./corrections.handlers";
import * as routes from "./corrections.routes";

const router = createRouter();
router
  .openapi(routes.createWriteOff, handlers.createWriteOff)
  .openapi(routes.createAdjustment, handlers.createAdjustment);

export default router;
