// The stylesheet, served by the Worker itself (no CDN). Cached an hour: it changes only with a deploy.
import type { Context } from "hono";
import { DASHBOARD_CSS } from "./styles";

export const serveStylesheet = (c: Context) =>
  c.body(DASHBOARD_CSS, 200, {
    "content-type": "text/css; charset=utf-8",
    "cache-control": "public, max-age=3600",
  });
