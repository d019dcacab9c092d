// HTTP Basic credentials (RFC 7617), as Chargebee sends them to webhooks and takes them on its API.
import { fromBase64 } from "./crypto";

export interface BasicCredentials {
  username: string;
  password: string;
}

/** `Authorization: Basic base64(user:pass)` -> credentials; null when absent or not well formed. */
export function parseBasicAuth(header: string | null | undefined): BasicCredentials | null {
  if (!header) return null;
  const m = /^Basic[ \t]+([A-Za-z0-9+/=_-]{1,4096})[ \t]*$/i.exec(header);
  if (!m?.[1]) return null;
  const bytes = fromBase64(m[1]);
  if (!bytes) return null;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
  // The user name cannot contain a colon (RFC 7617 §2); the password may.
  const colon = text.indexOf(":");
  if (colon < 0) return null;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}
