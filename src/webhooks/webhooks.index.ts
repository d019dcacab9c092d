import { Hono } from "hono";
import { ledgerFor } from "../ledger/client";
import { isInvoiceId } from "../ledger/invoice-id";
import { sha256Hex } from "../lib/crypto";
import { ApiError } from "../lib/errors";
import { limitBody } from "../lib/json-body";
import { decodeUtf8, parseStrictJson } from "../lib/strict-json";
import type { AppEnv } from "../lib/types";
import { MERCHANT_ID } from "../merchants/config";
import { getMerchant } from "../merchants/store";
import { PROVIDERS } from "../providers/registry";
import { type Delivery, MalformedPayload, type Normalized } from "../providers/types";

/** Largest webhook body accepted (bytes). Provider payloads are a few KB; this leaves room and caps storage. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

const router = new Hono<AppEnv>();

/**
 * One pipeline for every provider: read the raw bytes once, verify them, only then parse and normalize,
 * then apply to each invoice's ledger and answer 2xx only after every ledger committed.
 */
// Hono's bodyLimit: refused on Content-Length, or, chunked, as soon as the stream passes the limit.
const limit = limitBody(MAX_WEBHOOK_BYTES, () => tooLarge());

router.post("/webhooks/riverty/:merchantId/:token", limit, (c) =>
  receive(c, "riverty", { token: c.req.param("token") }),
);
router.post("/webhooks/:provider/:merchantId", limit, (c) => {
  const provider = c.req.param("provider");
  if (provider === "riverty") throw new ApiError(404, "not_found", "Riverty deliveries need the token path");
  return receive(c, provider, {});
});

async function receive(c: import("hono").Context<AppEnv>, name: string, params: Record<string, string>) {
  const provider = Object.hasOwn(PROVIDERS, name) ? PROVIDERS[name] : undefined;
  const merchantId = c.req.param("merchantId") ?? "";
  if (!provider) throw new ApiError(404, "unknown_provider", `Unknown provider: ${name}`);
  if (!MERCHANT_ID.test(merchantId)) throw new ApiError(404, "not_found", "Unknown merchant");
  c.set("merchantId", merchantId);

  const raw = new Uint8Array(await c.req.arrayBuffer());

  const merchant = await getMerchant(c.env.MERCHANTS, merchantId);
  const config = merchant?.providers?.[name as keyof typeof merchant.providers];
  if (!merchant || !config)
    throw new ApiError(404, "not_found", "Unknown merchant or provider not configured");

  const delivery: Delivery = {
    raw,
    headers: c.req.raw.headers,
    params,
    ip: c.req.header("cf-connecting-ip") ?? null,
    now: Math.floor(Date.now() / 1000),
    sha256: await sha256Hex(raw),
  };
  const verification = await provider.verify(delivery, config);
  if (!verification.ok) {
    c.set("outcome", `unverified:${verification.reason}`);
    throw new ApiError(401, "signature_invalid", "The delivery could not be verified");
  }

  let normalized: Normalized;
  let rawBody = "";
  try {
    // Verified bytes, read strictly: a duplicate key inside a valid signature is refused, not resolved.
    rawBody = decodeUtf8(raw);
    normalized = provider.normalize(parseStrictJson(rawBody), delivery);
  } catch (err) {
    if (err instanceof SyntaxError || err instanceof MalformedPayload) {
      c.set("outcome", "malformed");
      // Both name the problem (a duplicate key and its place, a missing field) without echoing the body.
      throw new ApiError(400, "malformed_payload", err.message);
    }
    if (err instanceof TypeError) {
      // A shape normalize did not foresee (a field of the wrong type deep inside): the sender's to fix.
      c.set("outcome", "malformed");
      throw new ApiError(400, "malformed_payload", "The payload could not be understood");
    }
    throw err;
  }

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
  if (bad) {
    c.set("outcome", "malformed");
    throw new ApiError(
      400,
      "malformed_payload",
      `Invoice id ${JSON.stringify(bad.invoiceId)} is not a valid invoice id`,
    );
  }

  if (normalized.kind === "ignored") {
    if (normalized.invoiceId && isInvoiceId(normalized.invoiceId)) {
      await ledgerFor(c.env, merchantId, normalized.invoiceId).ingest(
        { merchantId, invoiceId: normalized.invoiceId },
        { event: event(), ignored: normalized.reason },
      );
    }
    c.set("outcome", "ignored");
    return c.json({ status: "ignored", event_id: normalized.eventId, reason: normalized.reason }, 200);
  }

  const results = await Promise.all(
    normalized.invoices.map(async ({ invoiceId, command }) => {
      const r = await ledgerFor(c.env, merchantId, invoiceId).ingest(
        { merchantId, invoiceId },
        { ...command, event: event() },
      );
      return { invoice_id: invoiceId, outcome: r.outcome, lines: r.lines, anomalies: r.anomalies };
    }),
  );
  const outcome =
    results.every((r) => r.outcome === "duplicate") && results.length > 0 ? "duplicate" : "applied";
  c.set("outcome", outcome);
  return c.json({ status: outcome, event_id: normalized.eventId, invoices: results }, 200);
}

const tooLarge = () =>
  new ApiError(413, "payload_too_large", `Webhook bodies are limited to ${MAX_WEBHOOK_BYTES} bytes`);

export default router;
