import { createRouter } from "../../lib/create-app";
import { apiKeyAuth } from "../auth";
import * as handlers from "./reminders.handlers";
import * as routes from "./reminders.routes";

const router = createRouter();
// Scoped to these routes: a broader pattern would run the key lookup again for every other /v1 route.
router.use("/v1/invoices/:invoiceId/reminders", apiKeyAuth());
router.use("/v1/invoices/:invoiceId/reminders/:reminderId/resend", apiKeyAuth());
router.openapi(routes.listReminders, handlers.listReminders);
router.openapi(routes.resendReminder, handlers.resendReminder);

export default router;
