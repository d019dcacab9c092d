import type { Json } from "@hyperjump/json-pointer";
import { BASIC } from "@hyperjump/json-schema/experimental";
import { validate } from "@hyperjump/json-schema/openapi-3-1";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { PROVIDERS } from "../../src/providers/registry";
import { call, createInvoice, createMerchant, type Reply, track, it as trackedIt } from "../helpers";

type Operation = { responses: Record<string, unknown>; parameters?: { name: string; in: string }[] };
type Spec = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  webhooks: Record<string, Record<string, Operation & { requestBody: unknown }>>;
  components: { schemas: Record<string, unknown> };
};

let spec: Spec;
// The validator takes JSON values; the parsed spec is one.
const asJson = (doc: unknown) => doc as Json;
beforeAll(async () => {
  const res = await call<Spec>("GET", "/openapi.json");
  expect(res.status).toBe(200);
  spec = res.body;
});

const METHODS = new Set(["get", "put", "post", "delete", "patch"]);
const toTemplate = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
const isParam = (segment: string) => /^\{[^}]+\}$/.test(segment);

/** A route with a parameter segment (the webhooks' {provider}) is covered by the paths that spell it out. */
function covering(routePath: string, method: string): string[] {
  const want = routePath.split("/");
  return Object.keys(spec.paths).filter((p) => {
    const have = p.split("/");
    return (
      spec.paths[p]?.[method] !== undefined &&
      have.length === want.length &&
      want.every((seg, i) => seg === have[i] || (isParam(seg) && have[i] !== undefined))
    );
  });
}

describe("/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document, its schemas included", async () => {
    expect(spec.openapi).toBe("3.1.0");
    // schema-base also validates every Schema Object against the OAS 3.1 base dialect.
    const result = await validate("https://spec.openapis.org/oas/3.1/schema-base", asJson(spec), BASIC);
    expect("errors" in result ? result.errors : []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("the validator catches a broken document (so the check above means something)", async () => {
    const broken = { ...spec, paths: { "/x": { get: { responses: { 200: { description: 5 } } } } } };
    const result = await validate("https://spec.openapis.org/oas/3.1/schema-base", asJson(broken), BASIC);
    expect(result.valid).toBe(false);
  });

  it("describes every route the app serves, with its method", () => {
    const routes = app.routes.filter((r) => METHODS.has(r.method.toLowerCase()));
    expect(routes.length).toBeGreaterThan(20);
    // A route with its own middleware (a body limit) appears once per handler: count it once.
    const unique = new Set(routes.map((r) => `${r.method.toLowerCase()} ${toTemplate(r.path)}`));
    const missing = [...unique].filter((r) => {
      const [method = "", path = ""] = r.split(" ");
      return covering(path, method).length === 0;
    });
    expect(missing).toEqual([]);
  });

  it("gives each webhook provider its own path, and Riverty its token", () => {
    for (const name of Object.keys(PROVIDERS)) {
      const path =
        name === "riverty" ? `/webhooks/riverty/{merchantId}/{token}` : `/webhooks/${name}/{merchantId}`;
      const op = spec.paths[path]?.post;
      expect(op, path).toBeDefined();
      expect(Object.keys(op?.responses ?? {}).sort()).toEqual(["200", "400", "401", "404", "413", "429"]);
    }
    expect(spec.paths["/webhooks/riverty/{merchantId}"]).toBeUndefined();
    const razorpay = spec.paths["/webhooks/razorpay/{merchantId}"]?.post;
    expect(razorpay?.parameters?.map((p) => `${p.in}:${p.name}`)).toContain("header:x-razorpay-signature");
    const standard = spec.paths["/webhooks/standard/{merchantId}"]?.post;
    expect(standard?.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(["header:webhook-id", "header:webhook-timestamp", "header:webhook-signature"]),
    );
  });

  it("lists the customer reminder under webhooks, with its Standard Webhooks headers and payload", () => {
    const reminder = spec.webhooks["invoice.reminder"]?.post;
    expect(reminder).toBeDefined();
    expect(reminder?.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual([
      "header:webhook-id",
      "header:webhook-timestamp",
      "header:webhook-signature",
    ]);
    expect(JSON.stringify(reminder?.requestBody)).toContain("#/components/schemas/ReminderPayload");
    expect(spec.components.schemas.ReminderPayload).toBeDefined();
  });
});

describe("the responses the routes give are the responses they declare", () => {
  const declared = (path: string, method: string, res: Reply) => {
    const op = spec.paths[path]?.[method];
    expect(op, `${method} ${path}`).toBeDefined();
    expect(Object.keys(op?.responses ?? {}), `${method} ${path} declares ${res.status}`).toContain(
      String(res.status),
    );
  };

  // Its invoice may set a reminder alarm: the helpers' it drops it when the test ends.
  trackedIt("/v1 and /admin body and parameter refusals", async () => {
    const { id, key } = await createMerchant();
    const { id: invoiceId } = await createInvoice(key);
    track(id, invoiceId);
    const inv = `/v1/invoices/${invoiceId}`;
    const text = { raw: "{}", headers: { "content-type": "text/plain" }, key };

    const cases: [string, string, Reply][] = [
      ["/v1/invoices/{invoiceId}/void", "post", await call("POST", `${inv}/void`, text)],
      [
        "/v1/invoices/{invoiceId}/void",
        "post",
        await call("POST", `${inv}/void`, { key, raw: "[", headers: { "content-type": "application/json" } }),
      ],
      ["/v1/invoices/{invoiceId}/void", "post", await call("POST", `${inv}/void`, { key, body: { x: 1 } })],
      [
        "/v1/invoices/{invoiceId}/payments/{paymentId}/reverse",
        "post",
        await call("POST", `${inv}/payments/p1/reverse`, text),
      ],
      [
        "/v1/invoices/{invoiceId}/payments/{paymentId}/reverse",
        "post",
        await call("POST", `${inv}/payments/p1/reverse`, {
          key,
          raw: "x".repeat(70_000),
          headers: { "content-type": "application/json" },
        }),
      ],
      ["/v1/invoices/{invoiceId}/payments", "get", await call("GET", `${inv}/payments?limit=abc`, { key })],
      ["/v1/invoices/{invoiceId}/events", "get", await call("GET", `${inv}/events?cursor=nope`, { key })],
      ["/v1/invoices/{invoiceId}/anomalies", "get", await call("GET", `${inv}/anomalies?limit=0`, { key })],
      ["/v1/invoices/{invoiceId}/reminders", "get", await call("GET", `${inv}/reminders?limit=1e2`, { key })],
      [
        "/admin/merchants/{merchantId}",
        "put",
        await call("PUT", `/admin/merchants/${id}`, { ...text, key: "test-admin-token" }),
      ],
      [
        "/admin/merchants/{merchantId}/api-keys",
        "post",
        await call("POST", `/admin/merchants/${id}/api-keys`, { key: "test-admin-token", body: { x: 1 } }),
      ],
    ];
    for (const [path, method, res] of cases) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      declared(path, method, res);
    }
    expect(cases.map(([, , r]) => r.status)).toEqual([415, 400, 422, 415, 413, 422, 422, 422, 422, 415, 422]);
  });

  it("webhook receivers and the Refrens dialect", async () => {
    const { id, key } = await createMerchant();
    const cases: [string, string, Reply][] = [
      [
        "/webhooks/razorpay/{merchantId}",
        "post",
        await call("POST", `/webhooks/razorpay/${id}`, { raw: "{}" }),
      ],
      [
        "/webhooks/standard/{merchantId}",
        "post",
        await call("POST", `/webhooks/standard/${id}`, { raw: "x".repeat(300_000) }),
      ],
      [
        "/businesses/{urlKey}/invoices/{invoice}/payments",
        "post",
        await call("POST", `/businesses/${id}/invoices/x/payments`, {
          key,
          raw: "{}",
          headers: { "content-type": "text/plain" },
        }),
      ],
    ];
    for (const [path, method, res] of cases) declared(path, method, res);
    expect(cases.map(([, , r]) => r.status)).toEqual([404, 413, 415]);
  });
});
