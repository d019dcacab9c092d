// Response headers for every dashboard response, through Hono's secureHeaders
// (https://hono.dev/docs/middleware/builtin/secure-headers): a Content-Security-Policy that allows only this
// Worker's own stylesheet and no script at all (the pages need none: plain forms), no framing, no referrer
// beyond this origin, and pages never stored by a cache (they show a merchant's money).
import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { DashEnv } from "./types";

export const dashboardHeaders = (): MiddlewareHandler<DashEnv> =>
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'none'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      formAction: ["'self'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: "DENY",
    referrerPolicy: "same-origin",
    crossOriginResourcePolicy: "same-origin",
    crossOriginOpenerPolicy: "same-origin",
  });

export const noStore = (): MiddlewareHandler<DashEnv> => async (c, next) => {
  await next();
  if (!c.res.headers.has("cache-control")) c.header("Cache-Control", "no-store");
};
