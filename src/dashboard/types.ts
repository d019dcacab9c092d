// The dashboard's Hono environment: the app's, plus what the session guard leaves for the pages.

import type { AppEnv } from "../lib/types";
import type { MerchantRecord } from "../merchants/config";

export interface Session {
  /** Random per sign-in: what the per-form CSRF tokens are bound to. */
  sid: string;
  /** The API key's id (`key_...`, as the admin API lists it), never the key. */
  kid: string;
  /** The merchant the key belongs to. */
  mid: string;
  /** Unix seconds after which the session is refused. */
  exp: number;
}

export interface DashEnv {
  Bindings: AppEnv["Bindings"];
  Variables: AppEnv["Variables"] & {
    session?: Session;
    merchant?: MerchantRecord;
    /** SESSION_SECRET, checked present and long enough by the guard. */
    sessionSecret?: string;
  };
}
