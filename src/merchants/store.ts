import { randomId, sha256Hex } from "../lib/crypto";
import { TtlCache } from "../lib/ttl-cache";
import type { MerchantConfig, MerchantRecord } from "./config";

// KV layout: merchant:<id> holds the configuration; apikey:<sha256(key)> maps a key to its merchant.
// Reads use KV's edge cache (cacheTtl) and then a short per-isolate memo, so a change made elsewhere is
// seen within about 70 seconds (60 + 10), and at once by the isolate that made it.
const CACHE_TTL_SECONDS = 60;
export const MEMO_TTL_MS = 10_000;
// Only hits are memoized: a key or merchant created a moment ago must not be refused for the TTL.
const merchants = new TtlCache<MerchantRecord>(MEMO_TTL_MS);
const apiKeys = new TtlCache<ApiKeyRecord>(MEMO_TTL_MS);
const merchantKey = (id: string) => `merchant:${id}`;
const apiKeyKey = (hash: string) => `apikey:${hash}`;

export interface ApiKeyRecord {
  merchant_id: string;
  key_id: string;
}

export async function getMerchant(kv: KVNamespace, id: string): Promise<MerchantRecord | null> {
  const memo = merchants.get(id);
  if (memo) return memo;
  const record = await kv.get<MerchantRecord>(merchantKey(id), { type: "json", cacheTtl: CACHE_TTL_SECONDS });
  if (record) merchants.set(id, record);
  return record;
}

export async function putMerchant(
  kv: KVNamespace,
  id: string,
  config: MerchantConfig,
): Promise<{ record: MerchantRecord; created: boolean }> {
  const existing = await kv.get<MerchantRecord>(merchantKey(id), "json");
  const now = new Date().toISOString();
  const record: MerchantRecord = {
    ...config,
    id,
    api_keys: existing?.api_keys ?? [],
    created_at: existing?.created_at ?? now,
    updated_at: now,
  };
  await kv.put(merchantKey(id), JSON.stringify(record));
  merchants.delete(id);
  return { record, created: !existing };
}

/** Creates an API key; the key itself is returned once and only its SHA-256 is stored. */
export async function createApiKey(
  kv: KVNamespace,
  merchant: MerchantRecord,
): Promise<{ id: string; key: string; created_at: string }> {
  const id = randomId("key", 16);
  const key = randomId("ilk", 40);
  const hash = await sha256Hex(key);
  const created_at = new Date().toISOString();
  const record: ApiKeyRecord = { merchant_id: merchant.id, key_id: id };
  await kv.put(apiKeyKey(hash), JSON.stringify(record));
  const updated = {
    ...merchant,
    api_keys: [...merchant.api_keys, { id, hash, prefix: key.slice(0, 8), created_at }],
  };
  await kv.put(merchantKey(merchant.id), JSON.stringify(updated));
  merchants.delete(merchant.id);
  return { id, key, created_at };
}

export async function revokeApiKey(
  kv: KVNamespace,
  merchant: MerchantRecord,
  keyId: string,
): Promise<boolean> {
  const entry = merchant.api_keys.find((k) => k.id === keyId);
  if (!entry) return false;
  await kv.delete(apiKeyKey(entry.hash));
  apiKeys.delete(entry.hash);
  const updated = { ...merchant, api_keys: merchant.api_keys.filter((k) => k.id !== keyId) };
  await kv.put(merchantKey(merchant.id), JSON.stringify(updated));
  merchants.delete(merchant.id);
  return true;
}

/** Resolves a presented key by its hash: a lookup, not a comparison, so nothing secret is compared in variable time. */
export async function resolveApiKey(kv: KVNamespace, key: string): Promise<ApiKeyRecord | null> {
  if (!/^ilk_[A-Za-z0-9]{40}$/.test(key)) return null;
  const hash = await sha256Hex(key);
  const memo = apiKeys.get(hash);
  if (memo) return memo;
  const record = await kv.get<ApiKeyRecord>(apiKeyKey(hash), { type: "json", cacheTtl: CACHE_TTL_SECONDS });
  if (record) apiKeys.set(hash, record);
  return record;
}
