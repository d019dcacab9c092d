import { createRouter } from "../../lib/create-app";
import * as handlers from "./reminders.handlers";
import * as routes from "./reminders.routes";

const router = createRouter();
router.openapi(routes.listReminders, handlers.listReminders);
router.openapi(routes.resendReminder, handlers.resendReminder);

export default router;
