import type { RouteHandler } from "@hono/zod-openapi";
import { openSealedCursor, sealCursor } from "../../lib/cursor";
import { ApiError, notFound } from "../../lib/errors";
import type { AppEnv } from "../../lib/types";
import { type MerchantRecord, NotificationsSchema, redact } from "../../merchants/config";
import { applyMerchantPatch } from "../../merchants/patch";
import { listSecrets } from "../../merchants/secrets";
import * as store from "../../merchants/store";
import { endpointView, replaceEndpoints } from "../../merchants/webhook-endpoints";
import type * as routes from "./admin.routes";

async function view(kv: KVNamespace, m: MerchantRecord) {
  const keys = await store.listApiKeys(kv, m.id);
  return {
    ...redact({ id: m.id, name: m.name, providers: m.providers, notifications: m.notifications }),
    // Stored before the setting existed: the default.
    timezone: m.timezone ?? "UTC",
    webhooks: await Promise.all((m.webhooks ?? []).map(endpointView)),
    secrets: await listSecrets(m.providers),
    api_keys: keys.map(({ id, prefix, created_at }) => ({ id, prefix, created_at })),
    created_at: m.created_at,
    updated_at: m.updated_at,
  };
}

async function load(kv: KVNamespace, id: string): Promise<MerchantRecord> {
  // Admin reads bypass the edge cache: an operator must see what was just written.
  const m = await kv.get<MerchantRecord>(`merchant:${id}`, "json");
  if (!m) throw notFound("Merchant");
  return m;
}

/**
 * PUT replaces; a body that leaves out a part the merchant has set would erase it (every provider secret,
 * the reminder endpoint) without a word, so leaving it out must be said on purpose: `{}` for providers,
 * `null`-free defaults for notifications, or PATCH.
 */
async function refuseSilentDrop(kv: KVNamespace, id: string, sent: Record<string, unknown>) {
  const stored = await kv.get<MerchantRecord>(`merchant:${id}`, "json");
  if (!stored) return;
  const dropped: string[] = [];
  if (!("providers" in sent) && Object.keys(stored.providers).length > 0) {
    dropped.push(`providers (${Object.keys(stored.providers).join(", ")})`);
  }
  const defaults = JSON.stringify(NotificationsSchema.parse({}));
  if (!("notifications" in sent) && JSON.stringify(stored.notifications) !== defaults) {
    dropped.push("notifications");
  }
  if (!("timezone" in sent) && stored.timezone !== undefined && stored.timezone !== "UTC") {
    dropped.push(`timezone (${stored.timezone})`);
  }
  if (!("webhooks" in sent) && (stored.webhooks ?? []).length > 0) {
    dropped.push(`webhooks (${stored.webhooks!.map((e) => e.id).join(", ")})`);
  }
  if (dropped.length === 0) return;
  throw new ApiError(
    409,
    "replace_would_drop",
    `PUT replaces the whole configuration, and this body would erase ${dropped.join(" and ")}. Send them ` +
      'again, send "providers": {}, "notifications": {}, "webhooks": [] or "timezone": "UTC" to clear them on ' +
      "purpose, or PATCH only what changes",
  );
}

export const putMerchant: RouteHandler<typeof routes.putMerchant, AppEnv> = async (c) => {
  const { merchantId } = c.req.valid("param");
  // The body as sent, before defaults: whether a part was left out.
  await refuseSilentDrop(c.env.MERCHANTS, merchantId, await c.req.json());
  const body = c.req.valid("json");
  // Endpoints sent with their id keep it (and their delivery history); the others get one.
  const stored = await c.env.MERCHANTS.get<MerchantRecord>(`merchant:${merchantId}`, "json");
  const webhooks = replaceEndpoints(stored?.webhooks ?? [], body.webhooks);
  const { record, created } = await store.putMerchant(c.env.MERCHANTS, merchantId, { ...body, webhooks });
  c.set("merchantId", merchantId);
  return c.json(await view(c.env.MERCHANTS, record), created ? 201 : 200);
};

export const getMerchant: RouteHandler<typeof routes.getMerchant, AppEnv> = async (c) => {
  const { merchantId } = c.req.valid("param");
  return c.json(await view(c.env.MERCHANTS, await load(c.env.MERCHANTS, merchantId)), 200);
};

export const createApiKey: RouteHandler<typeof routes.createApiKey, AppEnv> = async (c) => {
  const { merchantId } = c.req.valid("param");
  c.set("merchantId", merchantId);
  await load(c.env.MERCHANTS, merchantId);
  const key = await store.createApiKey(c.env.MERCHANTS, merchantId);
  return c.json(key, 201);
};

export const revokeApiKey: RouteHandler<typeof routes.revokeApiKey, AppEnv> = async (c) => {
  const { merchantId, keyId } = c.req.valid("param");
  c.set("merchantId", merchantId);
  await load(c.env.MERCHANTS, merchantId);
  const revoked = await store.revokeApiKey(c.env.MERCHANTS, merchantId, keyId);
  if (!revoked) throw notFound("API key");
  return c.body(null, 204);
};

export const patchMerchant: RouteHandler<typeof routes.patchMerchant, AppEnv> = async (c) => {
  const { merchantId } = c.req.valid("param");
  c.set("merchantId", merchantId);
  const stored = await load(c.env.MERCHANTS, merchantId);
  // The body as sent: a merge patch is about which keys are present, which defaults would hide.
  const config = await applyMerchantPatch(stored, await c.req.json());
  const { record } = await store.putMerchant(c.env.MERCHANTS, merchantId, config);
  return c.json(await view(c.env.MERCHANTS, record), 200);
};

const LIST_SCOPE = "merchants";
const notOurCursor = () => new ApiError(422, "invalid_cursor", "cursor: is not a cursor this API issued");

export const listMerchants: RouteHandler<typeof routes.listMerchants, AppEnv> = async (c) => {
  const { cursor, limit } = c.req.valid("query");
  // KV's cursor is opaque, so it is sealed under the admin token (the one secret /admin has) rather than
  // checked: only a cursor this API issued reaches KV. Rotating the token ends the pages in flight (422).
  const key = c.env.ADMIN_TOKEN;
  const inner = cursor === undefined ? undefined : await openSealedCursor(cursor, LIST_SCOPE, key);
  if (inner === null) throw notOurCursor();
  let page: Awaited<ReturnType<typeof store.listMerchants>>;
  try {
    page = await store.listMerchants(c.env.MERCHANTS, limit, inner);
  } catch {
    // A sealed cursor KV no longer takes (it expired, or the namespace changed under it).
    throw notOurCursor();
  }
  const next = page.cursor === null ? null : await sealCursor(page.cursor, LIST_SCOPE, key);
  return c.json({ data: page.items, has_more: next !== null, next_cursor: next }, 200);
};

export const deleteMerchant: RouteHandler<typeof routes.deleteMerchant, AppEnv> = async (c) => {
  const { merchantId } = c.req.valid("param");
  c.set("merchantId", merchantId);
  await load(c.env.MERCHANTS, merchantId);
  await store.deleteMerchant(c.env.MERCHANTS, merchantId);
  return c.body(null, 204);
};
