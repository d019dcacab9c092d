// Everything /openapi.json describes beyond the createRoute routes: the webhook receivers, the Refrens
// dialect (Chargebee's documents itself in src/dialects/chargebee/chargebee-openapi.ts), the outbound webhooks, and the plain routes (health, the spec itself, the reference page).
import { z } from "@hono/zod-openapi";
import { DOCS_ASSETS } from "../docs/reference-page";
import { registerDashboard } from "./dashboard";
import { registerMerchantEvents } from "./merchant-events";
import { registerOutboundWebhooks } from "./outbound-webhooks";
import { registerRefrensRoutes } from "./refrens-routes";
import type { Registry } from "./registry";
import { registerWebhookReceivers } from "./webhook-receivers";

const html = (description: string) => ({ description, content: { "text/html": { schema: z.string() } } });

export function registerContract(registry: Registry) {
  registerWebhookReceivers(registry);
  registerRefrensRoutes(registry);
  registerOutboundWebhooks(registry);
  registerMerchantEvents(registry);
  registerDashboard(registry);
  registry.registerPath({
    method: "get",
    path: "/healthz",
    tags: ["service"],
    summary: "Liveness",
    responses: {
      200: {
        description: "Up",
        content: { "application/json": { schema: z.object({ ok: z.literal(true) }) } },
      },
    },
  });
  registry.registerPath({
    method: "get",
    path: "/openapi.json",
    tags: ["service"],
    summary: "This document (OpenAPI 3.1)",
    responses: {
      200: { description: "The contract", content: { "application/json": { schema: z.looseObject({}) } } },
    },
  });
  registry.registerPath({
    method: "get",
    path: "/docs",
    tags: ["service"],
    summary: "The interactive reference for this document (Swagger UI, served by the Worker itself)",
    responses: { 200: html("The reference page") },
  });
  for (const [path, asset] of Object.entries(DOCS_ASSETS)) {
    registry.registerPath({
      method: "get",
      path,
      tags: ["service"],
      summary: "An asset of the reference page",
      responses: {
        200: {
          description: "The file",
          content: { [asset.type.split(";")[0] ?? "text/plain"]: { schema: z.string() } },
        },
      },
    });
  }
}
