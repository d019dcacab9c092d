import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./types";

export interface LogLine {
  ts: string;
  level: "info" | "warn" | "error";
  method: string;
  route: string;
  merchant: string | null;
  status: number;
  duration_ms: number;
  outcome: string | null;
  request_id: string | null;
}

/**
 * One JSON line per request. Only the matched route pattern (never the concrete path: Riverty's carries a
 * token), the merchant id and an outcome word are logged: never headers, bodies, keys or secrets.
 */
export const requestLogger = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const start = performance.now();
  await next();
  if (c.env.LOG_LEVEL === "silent") return;
  const status = c.res.status;
  const line: LogLine = {
    ts: new Date().toISOString(),
    level: status >= 500 ? "error" : status >= 400 ? "warn" : "info",
    method: c.req.method,
    route: c.req.routePath,
    merchant: c.get("merchantId") ?? null,
    status,
    duration_ms: Math.round((performance.now() - start) * 100) / 100,
    outcome: c.get("outcome") ?? null,
    request_id: c.req.header("cf-ray") ?? null,
  };
  console.log(JSON.stringify(line));
};
