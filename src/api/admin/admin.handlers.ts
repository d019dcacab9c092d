import type { RouteHandler } from "@hono/zod-openapi";
import { notFound } from "../../lib/errors";
import type { AppEnv } from "../../lib/types";
import { type MerchantRecord, redact } from "../../merchants/config";
import * as store from "../../merchants/store";
import type * as routes from "./admin.routes";

async function view(kv: KVNamespace, m: MerchantRecord) {
  const keys = await store.listApiKeys(kv, m.id);
  return {
    ...redact({ id: m.id, name: m.name, providers: m.providers, notifications: m.notifications }),
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

export const putMerchant: RouteHandler<typeof routes.putMerchant, AppEnv> = async (c) => {
  const { merchantId } = c.req.valid("param");
  const { record, created } = await store.putMerchant(c.env.MERCHANTS, merchantId, c.req.valid("json"));
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
