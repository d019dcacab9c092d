import type { z } from "zod";
import type { IngestCommand } from "../ledger/commands";

/** A webhook delivery as received: raw bytes first, nothing parsed yet. */
export interface Delivery {
  raw: Uint8Array<ArrayBuffer>;
  headers: Headers;
  /** Path parameters beyond the merchant id (Riverty's token). */
  params: Record<string, string>;
  /** CF-Connecting-IP, when present. */
  ip: string | null;
  /** Unix seconds, injected so verification is testable. */
  now: number;
  /** Hex SHA-256 of the raw body: the dedupe key of last resort for providers without event ids. */
  sha256: string;
}

export type Verification = { ok: true; method: string } | { ok: false; reason: string };

/** What one delivery means for the ledger: per invoice, a command; or nothing (ignored event types). */
export type Normalized =
  | { kind: "ignored"; eventId: string; eventType: string; reason: string; invoiceId?: string }
  | {
      kind: "events";
      eventId: string;
      eventType: string;
      invoices: Array<{ invoiceId: string; command: Omit<IngestCommand, "event"> }>;
    };

/** Thrown by normalize() for a body that verified but cannot be understood: answered 400. */
export class MalformedPayload extends Error {}

/** Validates part of a verified body; on failure, a MalformedPayload naming up to three problems. */
export function parsePayload<T>(schema: z.ZodType<T>, value: unknown, label: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
    .join("; ");
  throw new MalformedPayload(`${label}: ${issues}`);
}

/**
 * A verified body as a JSON object, for the checks that bind it to the merchant before it is accepted;
 * null when it is not one, which normalize then answers 400 without touching any ledger.
 */
export function jsonObjectOf(raw: Uint8Array<ArrayBuffer>): Record<string, unknown> | null {
  try {
    const body: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(raw));
    return typeof body === "object" && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * A webhook provider: one module each (src/providers/<name>.ts). `verify` runs on the raw bytes before
 * anything is parsed; `normalize` turns a verified body into ledger commands.
 */
export interface Provider<C = unknown> {
  name: string;
  /** The provider's slice of the merchant configuration (secrets, keys, allow-lists). */
  configSchema: z.ZodType<C>;
  verify(delivery: Delivery, config: C): Promise<Verification>;
  normalize(body: unknown, delivery: Delivery): Normalized;
}
