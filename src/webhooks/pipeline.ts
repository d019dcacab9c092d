// Everything a webhook delivery goes through once its raw bytes are read: verify, parse (once, strictly),
// authorize, normalize, apply.
// One function for both ways a delivery arrives: from the provider (webhooks.index.ts) and replayed by the
// merchant from the delivery log (POST /v1/webhook-deliveries/{id}/retry), so a replay is deduped exactly
// as a redelivery would be.

import type { Bindings } from "../bindings";
import { ledgerFor } from "../ledger/client";
import { isInvoiceId } from "../ledger/invoice-id";
import { ApiError } from "../lib/errors";
import { decodeUtf8, parseStrictJson } from "../lib/strict-json";
import type { MerchantRecord } from "../merchants/config";
import { PROVIDERS } from "../providers/registry";
import { type Delivery, MalformedPayload, type Normalized } from "../providers/types";

export type Accepted = {
  ok: true;
  outcome: "applied" | "duplicate" | "ignored";
  eventId: string;
  invoiceIds: string[];
  body: Record<string, unknown>;
};

/** A refusal, with the reason the delivery log and request log record (never a secret or signature). */
export type Refused = { ok: false; verified: boolean; reason: string; error: ApiError };

export type PipelineResult = Accepted | Refused;

const refused = (verified: boolean, reason: string, error: ApiError): Refused => ({
  ok: false,
  verified,
  reason,
  error,
});

const malformed = (message: string) =>
  refused(true, "malformed_payload", new ApiError(400, "malformed_payload", message));

/** Not verified, or verified but not the merchant's: one answer, so neither tells a sender which it was. */
const unverified = (reason: string) =>
  refused(false, reason, new ApiError(401, "signature_invalid", "The delivery could not be verified"));

/** Runs one step over the verified body; what the sender got wrong is answered 400, never echoing it. */
function understood<T>(step: () => T): { ok: true; value: T } | Refused {
  try {
    return { ok: true, value: step() };
  } catch (err) {
    // Both name the problem (a duplicate key and its place, a missing field) without echoing the body.
    if (err instanceof SyntaxError || err instanceof MalformedPayload) return malformed(err.message);
    // A shape normalize did not foresee (a field of the wrong type deep inside), or bytes that are not
    // UTF-8: the sender's to fix.
    if (err instanceof TypeError) return malformed("The payload could not be understood");
    throw err;
  }
}

/** The provider's slice of the merchant's configuration, or undefined when it has none. */
export const providerConfig = (merchant: MerchantRecord, name: string): unknown =>
  merchant.providers?.[name as keyof typeof merchant.providers];

/**
 * Verifies `delivery` against the merchant's current configuration for `name` and, only if it verifies,
 * parses, normalizes and applies it; resolves after every ledger committed. Ledger failures throw (5xx).
 */
export async function runPipeline(
  env: Bindings,
  merchantId: string,
  merchant: MerchantRecord,
  name: string,
  delivery: Delivery,
): Promise<PipelineResult> {
  const provider = PROVIDERS[name];
  const config = providerConfig(merchant, name);
  if (!provider || !config) {
    return refused(
      false,
      "not_configured",
      new ApiError(404, "not_found", "Unknown merchant or provider not configured"),
    );
  }
  const verification = await provider.verify(delivery, config);
  if (!verification.ok) return unverified(verification.reason);

  // Verified bytes, read once and strictly: a duplicate key inside a valid signature is refused, not
  // resolved, and every later step (the binding to the merchant's accounts included) reads this one parse.
  const parsed = understood(() => {
    const rawBody = decodeUtf8(delivery.raw);
    return { rawBody, body: parseStrictJson(rawBody) };
  });
  if (!parsed.ok) return parsed;
  const { rawBody, body } = parsed.value;
  // A signature that proves only the provider sent it (one key for all its accounts): the body must speak
  // for one of this merchant's accounts, checked before any ledger is touched.
  const authorization = provider.authorize?.(body, config) ?? { ok: true };
  if (!authorization.ok) return unverified(authorization.reason);
  const normalizing = understood(() => provider.normalize(body, delivery));
  if (!normalizing.ok) return normalizing;
  const normalized: Normalized = normalizing.value;

  const event = () => ({
    source: name,
    id: normalized.eventId,
    type: normalized.eventType,
    verification: verification.method,
    rawBody,
    receivedAt: new Date(delivery.now * 1000).toISOString(),
  });

  // Every provider's ids pass the same rule, so a ledger is never created that the API could not read.
  const bad =
    normalized.kind === "events" ? normalized.invoices.find((i) => !isInvoiceId(i.invoiceId)) : undefined;
  if (bad) return malformed(`Invoice id ${JSON.stringify(bad.invoiceId)} is not a valid invoice id`);

  if (normalized.kind === "ignored") {
    const invoiceId = normalized.invoiceId;
    const known = invoiceId !== undefined && isInvoiceId(invoiceId);
    if (known) {
      await ledgerFor(env, merchantId, invoiceId).ingest(
        { merchantId, invoiceId },
        { event: event(), ignored: normalized.reason },
      );
    }
    return {
      ok: true,
      outcome: "ignored",
      eventId: normalized.eventId,
      invoiceIds: known ? [invoiceId] : [],
      body: { status: "ignored", event_id: normalized.eventId, reason: normalized.reason },
    };
  }

  const results = await Promise.all(
    normalized.invoices.map(async ({ invoiceId, command }) => {
      const r = await ledgerFor(env, merchantId, invoiceId).ingest(
        { merchantId, invoiceId },
        { ...command, event: event() },
      );
      return { invoice_id: invoiceId, outcome: r.outcome, lines: r.lines, anomalies: r.anomalies };
    }),
  );
  const outcome =
    results.every((r) => r.outcome === "duplicate") && results.length > 0 ? "duplicate" : "applied";
  return {
    ok: true,
    outcome,
    eventId: normalized.eventId,
    invoiceIds: results.map((r) => r.invoice_id),
    body: { status: outcome, event_id: normalized.eventId, invoices: results },
  };
}
