// Shared setup of the admin API tests: a sample configuration of every provider and of notifications, and
// the KV namespace as stored.
import { env } from "cloudflare:workers";
import { PROVIDERS } from "../../src/providers/registry";

export const WHSEC = `whsec_${btoa("0123456789abcdef0123456789abcdef")}`;

// A valid configuration, with its secrets, for each provider this build knows; providers not listed
// here are left out of the merchant rather than guessed at.
export const PROVIDER_SAMPLES: Record<string, { config: unknown; secrets: string[] }> = {
  razorpay: { config: { webhook_secrets: ["rzp-hook-secret-1"] }, secrets: ["rzp-hook-secret-1"] },
  standard: { config: { secrets: [WHSEC] }, secrets: [WHSEC] },
  chargebee: {
    config: { basic_auth: [{ username: "cb-hooks", password: "cb-password-0123" }] },
    secrets: ["cb-password-0123"],
  },
  riverty: {
    config: { tokens: ["rvt_path_token_0123456789abcdef"] },
    secrets: ["rvt_path_token_0123456789abcdef"],
  },
};
export const providers = Object.fromEntries(
  Object.entries(PROVIDER_SAMPLES)
    .filter(([name]) => name in PROVIDERS)
    .map(([name, s]) => [name, s.config]),
);
export const providerSecrets = Object.entries(PROVIDER_SAMPLES)
  .filter(([name]) => name in PROVIDERS)
  .flatMap(([, s]) => s.secrets);

export const NOTIFICATIONS = {
  enabled: true,
  url: "https://merchant.example/hooks/reminders",
  secret: `whsec_${btoa("notification-secret-0123456789ab")}`,
  cadence_days: [-1, 3],
};

/** Every key and value in the MERCHANTS namespace, as text. */
export async function kvDump(): Promise<Array<{ name: string; value: string }>> {
  const out: Array<{ name: string; value: string }> = [];
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<unknown, string> = await env.MERCHANTS.list(cursor ? { cursor } : {});
    for (const k of page.keys) out.push({ name: k.name, value: (await env.MERCHANTS.get(k.name)) ?? "" });
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return out;
}
