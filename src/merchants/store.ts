import { randomId, sha256Hex } from "../lib/crypto";
import { TtlCache } from "../lib/ttl-cache";
import type { ApiKeyEntry, MerchantRecord, StoredConfig } from "./config";

// KV layout: merchant:<id> holds the configuration; apikey:<sha256(key)> maps a key to its merchant;
// keyentry:<merchant>:<key id> lists the merchant's keys.
// Reads use KV's edge cache (cacheTtl) and then a short per-isolate memo, so a change made elsewhere is
// seen within about 70 seconds (60 + 10), and at once by the isolate that made it.
const CACHE_TTL_SECONDS = 60;
export const MEMO_TTL_MS = 10_000;
// Only hits are memoized: a key or merchant created a moment ago must not be refused for the TTL.
const merchants = new TtlCache<MerchantRecord>(MEMO_TTL_MS);
const apiKeys = new TtlCache<ApiKeyRecord>(MEMO_TTL_MS);
const keyEntries = new TtlCache<ApiKeyEntry>(MEMO_TTL_MS);
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

/**
 * The memoized configuration, if this isolate read it within the memo's lifetime; never I/O, so a Durable
 * Object may consult it inside a synchronous transaction. undefined: not known here, read it with getMerchant.
 */
export function peekMerchant(id: string): MerchantRecord | undefined {
  return merchants.get(id);
}

export async function putMerchant(
  kv: KVNamespace,
  id: string,
  config: StoredConfig,
): Promise<{ record: MerchantRecord; created: boolean }> {
  const existing = await kv.get<MerchantRecord>(merchantKey(id), "json");
  const now = new Date().toISOString();
  const record: MerchantRecord = {
    ...config,
    id,
    created_at: existing?.created_at ?? now,
    updated_at: now,
  };
  // The listing reads names and times from the key's metadata, not one get per merchant.
  const metadata: MerchantSummary = { name: record.name, created_at: record.created_at, updated_at: now };
  await kv.put(merchantKey(id), JSON.stringify(record), { metadata });
  merchants.delete(id);
  return { record, created: !existing };
}

export interface MerchantSummary {
  name: string;
  created_at: string;
  updated_at: string;
}

/** One page of merchants in id order, from KV's own listing (its cursor is opaque; the caller wraps it). */
export async function listMerchants(
  kv: KVNamespace,
  limit: number,
  cursor: string | undefined,
): Promise<{ items: Array<MerchantSummary & { id: string }>; cursor: string | null }> {
  const page = await kv.list<MerchantSummary>({ prefix: "merchant:", limit, ...(cursor ? { cursor } : {}) });
  const items = await Promise.all(
    page.keys.map(async (k) => {
      const id = k.name.slice("merchant:".length);
      const meta = k.metadata ?? (await kv.get<MerchantRecord>(k.name, "json"));
      return {
        id,
        name: meta?.name ?? "",
        created_at: meta?.created_at ?? "",
        updated_at: meta?.updated_at ?? "",
      };
    }),
  );
  return { items, cursor: page.list_complete ? null : page.cursor };
}

/**
 * Removes a merchant: its API keys first, then its configuration, so an interrupted delete can simply be
 * sent again (the configuration is what makes the merchant findable). Its ledgers are not touched.
 */
export async function deleteMerchant(kv: KVNamespace, id: string): Promise<void> {
  for (const key of await listApiKeys(kv, id)) await revokeApiKey(kv, id, key.id);
  await kv.delete(merchantKey(id));
  merchants.delete(id);
}

// Each key's listing entry is its own KV key (keyentry:<merchant>:<key id>, the entry in its metadata), so
// issuing or revoking keys never rewrites a shared record: two at once cannot lose one from the list.
const keyEntryPrefix = (merchantId: string) => `keyentry:${merchantId}:`;

export async function listApiKeys(kv: KVNamespace, merchantId: string): Promise<ApiKeyEntry[]> {
  const entries: ApiKeyEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await kv.list<ApiKeyEntry>({
      prefix: keyEntryPrefix(merchantId),
      ...(cursor ? { cursor } : {}),
    });
    for (const k of page.keys) if (k.metadata) entries.push(k.metadata);
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return entries.sort((a, b) => a.created_at.localeCompare(b.created_at));
}

/** Creates an API key; the key itself is returned once and only its SHA-256 is stored. */
export async function createApiKey(
  kv: KVNamespace,
  merchantId: string,
): Promise<{ id: string; key: string; created_at: string }> {
  const id = randomId("key", 16);
  const key = randomId("ilk", 40);
  const hash = await sha256Hex(key);
  const created_at = new Date().toISOString();
  const entry: ApiKeyEntry = { id, hash, prefix: key.slice(0, 8), created_at };
  // The listing entry first: a key that works is then always one that can be found and revoked.
  await kv.put(`${keyEntryPrefix(merchantId)}${id}`, "", { metadata: entry });
  const record: ApiKeyRecord = { merchant_id: merchantId, key_id: id };
  await kv.put(apiKeyKey(hash), JSON.stringify(record));
  return { id, key, created_at };
}

export async function revokeApiKey(kv: KVNamespace, merchantId: string, keyId: string): Promise<boolean> {
  const { metadata: entry } = await kv.getWithMetadata<ApiKeyEntry>(`${keyEntryPrefix(merchantId)}${keyId}`);
  if (!entry) return false;
  await kv.delete(apiKeyKey(entry.hash));
  apiKeys.delete(entry.hash);
  await kv.delete(`${keyEntryPrefix(merchantId)}${keyId}`);
  keyEntries.delete(`${merchantId}:${keyId}`);
  return true;
}

/** Resolves a presented key by its hash: a lookup, not a comparison, so nothing secret is compared in variable time. */
export async function resolveApiKey(
  kv: KVNamespace,
  key: string,
  hashOf: (key: string) => Promise<string> = sha256Hex,
): Promise<ApiKeyRecord | null> {
  if (!/^ilk_[A-Za-z0-9]{40}$/.test(key)) return null;
  const hash = await hashOf(key);
  const memo = apiKeys.get(hash);
  if (memo) return memo;
  const record = await kv.get<ApiKeyRecord>(apiKeyKey(hash), { type: "json", cacheTtl: CACHE_TTL_SECONDS });
  if (record) apiKeys.set(hash, record);
  return record;
}

/**
 * Whether the merchant's key `keyId` still exists (the dashboard's sessions name a key by its id, never by
 * the key). Same caching as resolveApiKey: KV's edge cache and the per-isolate memo, hits only, so a
 * revocation is seen at once by the isolate that made it and within about 70 seconds everywhere else.
 */
export async function apiKeyIdActive(kv: KVNamespace, merchantId: string, keyId: string): Promise<boolean> {
  const memoKey = `${merchantId}:${keyId}`;
  if (keyEntries.get(memoKey)) return true;
  const { metadata } = await kv.getWithMetadata<ApiKeyEntry>(`${keyEntryPrefix(merchantId)}${keyId}`, {
    cacheTtl: CACHE_TTL_SECONDS,
  });
  if (metadata) keyEntries.set(memoKey, metadata);
  return metadata !== null;
}
