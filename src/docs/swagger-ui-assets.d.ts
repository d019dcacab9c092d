// Bundled as text by the [[rules]] in wrangler.toml (Text modules: https://developers.cloudflare.com/workers/wrangler/configuration/#bundling).
declare module "swagger-ui-dist/swagger-ui-bundle.js" {
  const source: string;
  export default source;
}
declare module "swagger-ui-dist/swagger-ui.css" {
  const source: string;
  export default source;
}
