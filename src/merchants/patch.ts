// PATCH of a merchant's configuration: a JSON Merge Patch (RFC 7396, https://www.rfc-editor.org/rfc/rfc7396)
// over the stored configuration, plus two per-provider operations for secrets, which a merge patch cannot
// express: it replaces arrays whole, and a secret cannot be read back to be resent.
import { ApiError } from "../lib/errors";
import { fromZod, mergePatch } from "../lib/merge-patch";
import { isJsonObject } from "../lib/strict-json";
import { PROVIDERS } from "../providers/registry";
import { MerchantConfigSchema, type StoredConfig } from "./config";
import { SECRET_LISTS, secretId } from "./secrets";
import { patchEndpoints } from "./webhooks-patch";

export { mergePatch };

const invalid = (path: string, message: string) =>
  new ApiError(422, "validation_failed", `${path}: ${message}`, [{ path, message }]);

/** Applies one provider's remove_secrets, then add_secrets (an entry already present is not added twice). */
async function applySecretOps(provider: string, config: unknown, ops: { add?: unknown; remove?: unknown }) {
  const path = `providers.${provider}`;
  const list = SECRET_LISTS[provider];
  if (!list) throw invalid(`${path}.add_secrets`, `${provider} has no secrets to add or remove`);
  for (const [name, v] of [
    ["add_secrets", ops.add],
    ["remove_secrets", ops.remove],
  ] as const) {
    if (v !== undefined && (!Array.isArray(v) || v.length === 0 || v.length > 5)) {
      throw invalid(`${path}.${name}`, "must be a list of 1 to 5 entries");
    }
  }
  const current = isJsonObject(config) ? config : {};
  const existing = Array.isArray(current[list.field]) ? (current[list.field] as unknown[]) : [];
  const ids = await Promise.all(existing.map((e) => secretId(list.secretOf(e))));
  const remove = (ops.remove as unknown[] | undefined) ?? [];
  for (const id of remove) {
    if (typeof id !== "string" || !ids.includes(id)) {
      throw invalid(
        `${path}.remove_secrets`,
        `${String(id)} is not one of ${provider}'s secret ids (see GET)`,
      );
    }
  }
  const kept = existing.filter((_, i) => !remove.includes(ids[i]));
  const keptIds = new Set(ids.filter((id) => !remove.includes(id)));
  for (const entry of (ops.add as unknown[] | undefined) ?? []) {
    const id = typeof list.secretOf(entry) === "string" ? await secretId(list.secretOf(entry)) : null;
    if (id && keptIds.has(id)) continue;
    if (id) keptIds.add(id);
    kept.push(entry);
  }
  return mergePatch(current, { [list.field]: kept });
}

/** The stored configuration with `patch` applied, validated as a whole exactly as PUT validates a body. */
export async function applyMerchantPatch(
  stored: StoredConfig,
  patch: Record<string, unknown>,
): Promise<StoredConfig> {
  const base = {
    name: stored.name,
    providers: stored.providers,
    notifications: stored.notifications,
    ...(stored.timezone === undefined ? {} : { timezone: stored.timezone }),
  };
  const { providers, webhooks, ...rest } = patch;
  const merged = mergePatch(base, rest) as Record<string, unknown>;
  let nextProviders = merged.providers as Record<string, unknown>;
  if (providers !== undefined) {
    if (!isJsonObject(providers)) throw invalid("providers", "must be an object of provider patches");
    const next: Record<string, unknown> = mergePatch(nextProviders, {}) as Record<string, unknown>;
    for (const [name, p] of Object.entries(providers)) {
      if (!Object.hasOwn(PROVIDERS, name)) throw invalid(`providers.${name}`, "is not a provider");
      if (p === null) {
        delete next[name];
        continue;
      }
      if (!isJsonObject(p)) throw invalid(`providers.${name}`, "must be an object or null");
      const { add_secrets, remove_secrets, ...fields } = p;
      let config = mergePatch(next[name], fields);
      if (add_secrets !== undefined || remove_secrets !== undefined) {
        config = await applySecretOps(name, config, { add: add_secrets, remove: remove_secrets });
      }
      next[name] = config;
    }
    nextProviders = next;
  }
  // The endpoints are checked apart (their ids and secrets live only in what is stored), after the rest.
  const parsed = MerchantConfigSchema.safeParse({ ...merged, providers: nextProviders, webhooks: [] });
  if (!parsed.success) throw fromZod(parsed.error);
  const endpoints = stored.webhooks ?? [];
  return {
    ...parsed.data,
    webhooks: webhooks === undefined ? endpoints : patchEndpoints(endpoints, webhooks),
  };
}
