import { describe, expect, it } from "vitest";
import { call } from "../helpers";

const EXTERNAL = /(?:https?:)?\/\/[a-z0-9.-]+/i;

describe("GET /docs: the API reference, served by the Worker itself", () => {
  it("serves the page and every asset it loads from this origin, under a CSP that names no other origin", async () => {
    const page = await call("GET", "/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/https?:|\*/);
    expect(page.text).not.toMatch(EXTERNAL);
    expect(page.text).not.toMatch(/<script>|<style>|\son\w+=/i); // nothing inline for the CSP to allow

    const refs = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(refs.sort()).toEqual(["/docs/init.js", "/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css"]);
    const types: Record<string, string> = {
      js: "text/javascript; charset=utf-8",
      css: "text/css; charset=utf-8",
    };
    for (const ref of refs) {
      const asset = await call("GET", ref);
      expect(asset.status, ref).toBe(200);
      expect(asset.headers.get("content-type"), ref).toBe(types[ref.split(".").pop() ?? ""]);
      expect(asset.headers.get("x-content-type-options")).toBe("nosniff");
      expect(asset.text.length, ref).toBeGreaterThan(0);
    }
  });

  it("points Swagger UI at this Worker's /openapi.json and turns off its external validator badge", async () => {
    const init = await call("GET", "/docs/init.js");
    expect(init.text).toContain('url: "/openapi.json"');
    expect(init.text).toContain("validatorUrl: null");
    expect(init.text).not.toMatch(EXTERNAL);
    const bundle = await call("GET", "/docs/swagger-ui-bundle.js");
    expect(bundle.text).toContain("SwaggerUIBundle");
  });
});
