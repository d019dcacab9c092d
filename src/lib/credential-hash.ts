// The SHA-256 of a presented credential, computed once per request: the per-key rate limit and the key
// lookup both need it (two digests of the same key per /v1 request before; 9% of a balance read's isolate
// time in a bench profile was those two). Kept on the request's context only, never logged or rendered.
import type { Context } from "hono";
import { sha256Hex } from "./crypto";
import type { AppEnv } from "./types";

export async function credentialHash(c: Context<AppEnv>, credential: string): Promise<string> {
  const seen = c.get("credentialHash");
  if (seen?.credential === credential) return seen.hash;
  const hash = await sha256Hex(credential);
  c.set("credentialHash", { credential, hash });
  return hash;
}
