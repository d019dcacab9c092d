import { createRouter } from "../../lib/create-app";
import * as handlers from "./payments.handlers";
import * as routes from "./payments.routes";

const router = createRouter();
router
  .openapi(routes.createPayment, handlers.createPayment)
  .openapi(routes.listPayments, handlers.listPayments)
  .openapi(routes.reversePayment, handlers.reversePayment);

export default router;
