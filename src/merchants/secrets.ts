// Provider secrets, one at a time. Each provider keeps its secrets in one list (several while rotating);
// GET shows each as an id, its SHA-256 fingerprint, so one can be removed by PATCH without resending the
// others, and an operator can tell which is which by hashing their own copy.
import { sha256Hex } from "../lib/crypto";

/** The list that holds a provider's secrets, and the part of an entry that is secret. */
export const SECRET_LISTS: Record<string, { field: string; secretOf: (entry: unknown) => string }> = {
  razorpay: { field: "webhook_secrets", secretOf: (e) => String(e) },
  standard: { field: "secrets", secretOf: (e) => String(e) },
  riverty: { field: "tokens", secretOf: (e) => String(e) },
  chargebee: { field: "basic_auth", secretOf: (e) => String((e as { password?: unknown }).password) },
};

/** 48 bits of the secret's SHA-256: `printf %s "$SECRET" | sha256sum | cut -c1-12` gives the same. */
export const secretId = async (secret: string) => `sec_${(await sha256Hex(secret)).slice(0, 12)}`;

export interface SecretView {
  id: string;
  provider: string;
  field: string;
  /** Chargebee's Basic-auth username, which is not secret and tells pairs apart. */
  username?: string;
}

/** Every provider secret of a configuration, as ids: what GET shows and PATCH's remove_secrets takes. */
export async function listSecrets(providers: Record<string, unknown>): Promise<SecretView[]> {
  const out: SecretView[] = [];
  for (const [provider, config] of Object.entries(providers)) {
    const list = SECRET_LISTS[provider];
    const entries = list && (config as Record<string, unknown> | undefined)?.[list.field];
    if (!list || !Array.isArray(entries)) continue;
    for (const entry of entries) {
      const username = (entry as { username?: unknown }).username;
      out.push({
        id: await secretId(list.secretOf(entry)),
        provider,
        field: list.field,
        ...(typeof username === "string" ? { username } : {}),
      });
    }
  }
  return out;
}
