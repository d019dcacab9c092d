import { createRoute, z } from "@hono/zod-openapi";
import { jsonObjectBody } from "../../lib/json-body";
import { identifier } from "../../lib/zod-atoms";
import { MerchantConfigSchema } from "../../merchants/config";
import {
  bodyRefusals,
  errorResponse,
  jsonBody,
  jsonResponse,
  MerchantIdParam,
  paramRefusals,
} from "../schemas";

const tags = ["admin"];
const security = [{ adminToken: [] }];

export const MerchantSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    providers: z.record(z.string(), z.unknown()),
    notifications: z.record(z.string(), z.unknown()),
    api_keys: z.array(z.object({ id: z.string(), prefix: z.string(), created_at: z.string() })),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Merchant");

export const putMerchant = createRoute({
  method: "put",
  path: "/admin/merchants/{merchantId}",
  tags,
  security,
  summary: "Create or replace a merchant's configuration (secrets are write-only)",
  middleware: jsonObjectBody("required"),
  request: { params: z.object({ merchantId: MerchantIdParam }), body: jsonBody(MerchantConfigSchema) },
  responses: {
    ...bodyRefusals,
    200: jsonResponse(MerchantSchema, "Updated"),
    201: jsonResponse(MerchantSchema, "Created"),
    401: errorResponse("Missing or wrong admin token"),
    422: errorResponse("Invalid configuration"),
  },
});

export const getMerchant = createRoute({
  method: "get",
  path: "/admin/merchants/{merchantId}",
  tags,
  security,
  summary: "Read a merchant's configuration, secrets redacted",
  request: { params: z.object({ merchantId: MerchantIdParam }) },
  responses: {
    ...paramRefusals,
    200: jsonResponse(MerchantSchema, "The merchant"),
    401: errorResponse("Missing or wrong admin token"),
    404: errorResponse("Unknown merchant"),
  },
});

export const createApiKey = createRoute({
  method: "post",
  path: "/admin/merchants/{merchantId}/api-keys",
  tags,
  security,
  summary: "Issue an API key; the key is shown once, only its hash is stored",
  middleware: jsonObjectBody("none"),
  request: { params: z.object({ merchantId: MerchantIdParam }) },
  responses: {
    ...bodyRefusals,
    201: jsonResponse(z.object({ id: z.string(), key: z.string(), created_at: z.string() }), "The new key"),
    401: errorResponse("Missing or wrong admin token"),
    404: errorResponse("Unknown merchant"),
  },
});

export const revokeApiKey = createRoute({
  method: "delete",
  path: "/admin/merchants/{merchantId}/api-keys/{keyId}",
  tags,
  security,
  summary: "Revoke an API key",
  middleware: jsonObjectBody("none"),
  request: { params: z.object({ merchantId: MerchantIdParam, keyId: identifier(64) }) },
  responses: {
    ...bodyRefusals,
    204: { description: "Revoked" },
    401: errorResponse("Missing or wrong admin token"),
    404: errorResponse("Unknown merchant or key"),
  },
});
