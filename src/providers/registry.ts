import { chargebee } from "./chargebee";
import { highlevel } from "./highlevel";
import { razorpay } from "./razorpay";
import { riverty } from "./riverty";
import { standard } from "./standard";
import type { Provider } from "./types";

/** Every webhook provider, by the name used in `/webhooks/{provider}/...` and in merchant configuration. */
export const PROVIDERS: Record<string, Provider<unknown>> = {
  chargebee,
  highlevel,
  razorpay,
  riverty,
  standard,
};
