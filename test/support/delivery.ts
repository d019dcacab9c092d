// A webhook delivery as the pipeline hands it to a provider (raw bytes, headers, path parameters, the
// caller's IP, the clock), for unit tests of each provider's verify and normalize as pure functions.
import { sha256Hex, utf8 } from "../../src/lib/crypto";
import type { Delivery, Normalized } from "../../src/providers/types";

export interface DeliveryParts {
  headers?: Record<string, string>;
  params?: Record<string, string>;
  ip?: string | null;
  /** Unix seconds. */
  now?: number;
}

export async function rawDelivery(body: string, parts: DeliveryParts = {}): Promise<Delivery> {
  const raw = utf8(body);
  return {
    raw,
    headers: new Headers(parts.headers),
    params: parts.params ?? {},
    ip: parts.ip ?? null,
    now: parts.now ?? 1_700_000_000,
    sha256: await sha256Hex(raw),
  };
}

/** The body as the pipeline passes it to normalize, once verified: parsed JSON. */
export const bodyOf = (d: Delivery): unknown => JSON.parse(new TextDecoder().decode(d.raw));

/** The one invoice's command of a delivery that must be acted on. */
export function onlyInvoice(n: Normalized) {
  if (n.kind !== "events") throw new Error(`expected events, got ${n.kind}: ${n.reason}`);
  if (n.invoices.length !== 1) throw new Error(`expected one invoice, got ${n.invoices.length}`);
  return n.invoices[0]!;
}
