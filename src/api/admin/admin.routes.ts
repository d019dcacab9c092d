import { createRoute, z } from "@hono/zod-openapi";
import { jsonObjectBody } from "../../lib/json-body";
import { identifier, safeText } from "../../lib/zod-atoms";
import { MerchantConfigSchema } from "../../merchants/config";
import { WebhookEndpointView } from "../../merchants/webhook-endpoints";
import {
  bodyRefusals,
  cursorParam,
  errorResponse,
  jsonBody,
  jsonResponse,
  MERGE_PATCH_TYPES,
  MerchantIdParam,
  mergePatchBody,
  PageQuery,
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
    timezone: z
      .string()
      .openapi({ description: "IANA time zone the dashboard shows times in", example: "UTC" }),
    webhooks: z.array(WebhookEndpointView).openapi({
      description: "The merchant's event endpoints (see Merchant events); secrets are write-only",
    }),
    secrets: z
      .array(
        z.object({
          id: z.string().openapi({ example: "sec_5e884898da28" }),
          provider: z.string(),
          field: z.string(),
          username: z.string().optional(),
        }),
      )
      .openapi({
        description:
          "Each provider secret as an id: sec_ + the first 12 hex digits of its SHA-256. PATCH remove_secrets takes these ids",
      }),
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
  summary: "Create or replace a merchant's whole configuration (secrets are write-only)",
  description:
    "Replaces everything. On an existing merchant, a body without providers, notifications or webhooks while some are stored (or without a stored non-UTC timezone) is refused with 409 replace_would_drop: send them, send {} (or [] for webhooks) to clear them on purpose, or use PATCH. An endpoint sent with the id of a stored one keeps it; one without an id gets a new one.",
  middleware: jsonObjectBody("required"),
  request: { params: z.object({ merchantId: MerchantIdParam }), body: jsonBody(MerchantConfigSchema) },
  responses: {
    ...bodyRefusals,
    200: jsonResponse(MerchantSchema, "Updated"),
    201: jsonResponse(MerchantSchema, "Created"),
    401: errorResponse("Missing or wrong admin token"),
    409: errorResponse(
      "replace_would_drop: the body leaves out stored providers, notifications, webhooks or timezone",
    ),
    422: errorResponse("Invalid configuration"),
  },
});

// Documented as records; the handler reads the body as sent (an own __proto__ key included), not these copies.
const ProviderPatch = z
  .record(z.string(), z.unknown())
  .nullable()
  .openapi({
    description:
      "Merged into the provider's configuration (RFC 7396); null removes the provider. add_secrets: entries to add to its secret list (razorpay webhook_secrets, standard secrets, riverty tokens, chargebee basic_auth pairs); remove_secrets: ids from GET's secrets",
    example: { add_secrets: ["new-razorpay-secret"], remove_secrets: ["sec_5e884898da28"] },
  });

export const MerchantPatchSchema = z
  .object({
    name: safeText(200).min(1).optional(),
    providers: z.record(z.string(), ProviderPatch).optional(),
    notifications: z.record(z.string(), z.unknown()).nullable().optional().openapi({
      description: "Merged into the notification settings (RFC 7396); null restores every default",
    }),
    timezone: z.string().nullable().optional().openapi({
      description: "IANA time zone name for the dashboard; null restores UTC",
      example: "Asia/Kolkata",
    }),
    webhooks: z
      .union([z.array(z.record(z.string(), z.unknown())), z.record(z.string(), z.unknown())])
      .nullable()
      .optional()
      .openapi({
        description:
          "A whole list of endpoints (replaced as PUT replaces it), null (no endpoints), or operations by endpoint id: remove (ids), update ({id: merge patch of url, events, enabled, max_attempts, secret}), add (new endpoints)",
        example: { update: { we_4kT9zQp2LmX8vR3sYb7N: { events: ["invoice.paid"] } } },
      }),
  })
  .strict()
  .openapi("MerchantPatch");

export const patchMerchant = createRoute({
  method: "patch",
  path: "/admin/merchants/{merchantId}",
  tags,
  security,
  summary: "Change some settings, or add or remove one secret, without resending the rest",
  middleware: jsonObjectBody("required", MERGE_PATCH_TYPES),
  request: {
    params: z.object({ merchantId: MerchantIdParam }),
    body: mergePatchBody(
      MerchantPatchSchema,
      "A JSON Merge Patch of the configuration, with per-provider add_secrets and remove_secrets",
    ),
  },
  responses: {
    ...bodyRefusals,
    200: jsonResponse(MerchantSchema, "The configuration after the patch"),
    401: errorResponse("Missing or wrong admin token"),
    404: errorResponse("Unknown merchant"),
    415: errorResponse("Content-Type is not application/merge-patch+json or application/json"),
    422: errorResponse("The patched configuration is invalid, or a secret id is unknown; nothing changed"),
  },
});

export const MerchantListQuery = z.object({
  cursor: cursorParam(2048),
  limit: PageQuery.shape.limit,
});

export const listMerchants = createRoute({
  method: "get",
  path: "/admin/merchants",
  tags,
  security,
  summary: "Every merchant, by id, a page at a time",
  request: { query: MerchantListQuery },
  responses: {
    200: jsonResponse(
      z
        .object({
          data: z.array(
            z.object({ id: z.string(), name: z.string(), created_at: z.string(), updated_at: z.string() }),
          ),
          has_more: z.boolean(),
          next_cursor: z.string().nullable(),
        })
        .openapi("MerchantPage"),
      "A page of merchants",
    ),
    401: errorResponse("Missing or wrong admin token"),
    422: errorResponse("Bad limit or cursor"),
  },
});

export const deleteMerchant = createRoute({
  method: "delete",
  path: "/admin/merchants/{merchantId}",
  tags,
  security,
  summary: "Delete a merchant: its API keys and webhooks stop working; its ledgers are kept",
  middleware: jsonObjectBody("none"),
  request: { params: z.object({ merchantId: MerchantIdParam }) },
  responses: {
    ...bodyRefusals,
    204: { description: "Deleted" },
    401: errorResponse("Missing or wrong admin token"),
    404: errorResponse("Unknown merchant"),
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
