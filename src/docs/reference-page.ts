// GET /docs: Swagger UI over /openapi.json, every asset served by this Worker (no CDN), under a
// Content-Security-Policy that names no other origin. The assets are swagger-ui-dist's published files,
// bundled as text (wrangler.toml [[rules]]); the page's script is a file too, since the CSP allows no inline.
import { Hono } from "hono";
import css from "swagger-ui-dist/swagger-ui.css";
import bundle from "swagger-ui-dist/swagger-ui-bundle.js";
import type { AppEnv } from "../lib/types";

// Swagger UI sets inline style attributes, hence 'unsafe-inline' for styles only; its icons are data: URIs.
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

// validatorUrl: null, or Swagger UI sends the whole spec to validator.swagger.io for its badge.
const INIT = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>invoice-ledger API reference</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

/** Each file the page loads, by path: its content type and body. */
export const DOCS_ASSETS: Record<string, { type: string; body: string }> = {
  "/docs/swagger-ui.css": { type: "text/css; charset=utf-8", body: css },
  "/docs/swagger-ui-bundle.js": { type: "text/javascript; charset=utf-8", body: bundle },
  "/docs/init.js": { type: "text/javascript; charset=utf-8", body: INIT },
};

const router = new Hono<AppEnv>();

const send = (type: string, body: string, cache: string) =>
  new Response(body, {
    headers: {
      "content-type": type,
      "cache-control": cache,
      "content-security-policy": DOCS_CSP,
      "x-content-type-options": "nosniff",
    },
  });

router.get("/docs", () => send("text/html; charset=utf-8", PAGE, "no-cache"));
for (const [path, asset] of Object.entries(DOCS_ASSETS)) {
  // An hour: a deploy with a newer swagger-ui-dist reaches browsers soon without versioned names.
  router.get(path, () => send(asset.type, asset.body, "public, max-age=3600"));
}

export default router;
