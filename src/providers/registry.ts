import { highlevel } from "./highlevel";
import { riverty } from "./riverty";
import type { Provider } from "./types";

/** Every webhook provider, by the name used in `/webhooks/{provider}/...` and in merchant configuration. */
export const PROVIDERS: Record<string, Provider<unknown>> = {
  highlevel,
  riverty,
};
