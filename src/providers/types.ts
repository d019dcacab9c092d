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

/** Whether a verified, parsed body is the merchant's to accept; a refusal is answered 401, as a bad signature. */
export type Authorization = { ok: true } | { ok: false; reason: string };

/** The body as a JSON object, or null: what the binding checks read (anything else, normalize answers 400). */
export const objectOf = (body: unknown): Record<string, unknown> | null =>
  typeof body === "object" && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : null;

/**
 * A webhook provider: one module each (src/providers/<name>.ts). `verify` runs on the raw bytes before
 * anything is parsed; `authorize` (when the provider has one) checks that the body, parsed once and
 * strictly, speaks for one of the merchant's own accounts, for providers whose signature alone does not
 * say so; `normalize` turns it into ledger commands. The pipeline runs all three before any ledger.
 */
export interface Provider<C = unknown> {
  name: string;
  /** The provider's slice of the merchant configuration (secrets, keys, allow-lists). */
  configSchema: z.ZodType<C>;
  verify(delivery: Delivery, config: C): Promise<Verification>;
  authorize?(body: unknown, config: C): Authorization;
  normalize(body: unknown, delivery: Delivery): Normalized;
}
