// App-wide types, in a module of their own so middleware and routers share them without importing
// create-app.ts (which imports the middleware back).
import type { Bindings } from "../bindings";

/** Hono's environment for every router: the Worker's bindings and what middleware leaves for handlers. */
export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    /** Set by the API-key middleware (/v1) or a dialect's authentication: the key's merchant. */
    merchantId?: string;
    /** A word for the request log: "applied", "duplicate", "ignored", "rejected:<code>"... */
    outcome?: string;
    /** A presented API key and its SHA-256, so the rate limit and the lookup hash it once (credential-hash.ts). */
    credentialHash?: { credential: string; hash: string };
  };
}
