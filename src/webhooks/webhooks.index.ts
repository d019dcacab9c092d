import { type Context, Hono } from "hono";
import { entryOf, recordQuietly } from "../deliveries/log";
import { sha256Hex } from "../lib/crypto";
import { ApiError } from "../lib/errors";
import { limitBody } from "../lib/json-body";
import { overLimit, RATE_LIMIT_PERIOD_SECONDS } from "../lib/rate-limit";
import type { AppEnv } from "../lib/types";
import { MERCHANT_ID } from "../merchants/config";
import { getMerchant } from "../merchants/store";
import { PROVIDERS } from "../providers/registry";
import type { Delivery } from "../providers/types";
import { providerConfig, type Refused, runPipeline } from "./pipeline";

/** Largest webhook body accepted (bytes). Provider payloads are a few KB; this leaves room and caps storage. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

const router = new Hono<AppEnv>();

/**
 * One pipeline for every provider: read the raw bytes once, verify them, only then parse and normalize,
 * then apply to each invoice's ledger and answer 2xx only after every ledger committed (pipeline.ts).
 * Every delivery for a known merchant is then recorded in its delivery log.
 */
// Hono's bodyLimit: refused on Content-Length, or, chunked, as soon as the stream passes the limit.
const limit = limitBody(MAX_WEBHOOK_BYTES, () => tooLarge());

router.use("/webhooks/*", async (c, next) => {
  await next();
  if (c.res.status === 413) await recordOversized(c);
});
router.post("/webhooks/riverty/:merchantId/:token", limit, (c) =>
  receive(c, "riverty", { token: c.req.param("token") }),
);
router.post("/webhooks/:provider/:merchantId", limit, (c) => {
  const provider = c.req.param("provider");
  if (provider === "riverty") throw new ApiError(404, "not_found", "Riverty deliveries need the token path");
  return receive(c, provider, {});
});

async function receive(c: Context<AppEnv>, name: string, params: Record<string, string>) {
  const merchantId = c.req.param("merchantId") ?? "";
  if (!Object.hasOwn(PROVIDERS, name))
    throw new ApiError(404, "unknown_provider", `Unknown provider: ${name}`);
  if (!MERCHANT_ID.test(merchantId)) throw new ApiError(404, "not_found", "Unknown merchant");
  c.set("merchantId", merchantId);

  const raw = new Uint8Array(await c.req.arrayBuffer());

  // No merchant, nothing logged: there is no one whose log could hold it (and no one to charge for it).
  const merchant = await getMerchant(c.env.MERCHANTS, merchantId);
  if (!merchant) throw new ApiError(404, "not_found", "Unknown merchant or provider not configured");

  const delivery: Delivery = {
    raw,
    headers: c.req.raw.headers,
    params,
    ip: c.req.header("cf-connecting-ip") ?? null,
    now: Math.floor(Date.now() / 1000),
    sha256: await sha256Hex(raw),
  };
  const result = await runPipeline(c.env, merchantId, merchant, name, delivery);
  if (result.ok) {
    c.set("outcome", result.outcome);
    // After the answer: the ledger has committed, and the log must not add latency or failure to that.
    c.executionCtx.waitUntil(recordQuietly(c.env, merchantId, entryOf(name, delivery, result, 200)));
    return c.json(result.body, 200);
  }
  return refuse(c, merchantId, name, delivery, result);
}

/**
 * A refusal is recorded before it is answered (nothing to slow down: no money moved). Unverified traffic
 * is the sender's to choose, so past the per-(merchant, address) limit it is answered 429 and not stored.
 */
async function refuse(c: Context<AppEnv>, merchantId: string, name: string, delivery: Delivery, r: Refused) {
  if (r.reason !== "not_configured") c.set("outcome", r.verified ? "malformed" : `unverified:${r.reason}`);
  if (!r.verified && (await refusalsOverLimit(c, merchantId, delivery.ip))) throw rateLimited(c);
  await recordQuietly(c.env, merchantId, entryOf(name, delivery, r, r.error.status));
  throw r.error;
}

const refusalsOverLimit = (c: Context<AppEnv>, merchantId: string, ip: string | null) =>
  overLimit(c.env.WEBHOOK_REFUSAL_LIMITER, `refused:${merchantId}:${ip ?? "unknown"}`);

function rateLimited(c: Context<AppEnv>) {
  c.set("outcome", "rejected:rate_limited");
  c.header("Retry-After", String(RATE_LIMIT_PERIOD_SECONDS));
  return new ApiError(
    429,
    "rate_limited",
    `Too many refused deliveries from this address; retry after ${RATE_LIMIT_PERIOD_SECONDS} seconds`,
  );
}

/** An oversized body for a known merchant and configured provider: recorded (without its body). */
async function recordOversized(c: Context<AppEnv>) {
  // From the path itself: the middleware runs for every webhook route, whatever matched.
  const [, , name = "", merchantId = ""] = new URL(c.req.url).pathname.split("/");
  if (!MERCHANT_ID.test(merchantId) || !Object.hasOwn(PROVIDERS, name)) return;
  const merchant = await getMerchant(c.env.MERCHANTS, merchantId);
  if (!merchant || !providerConfig(merchant, name)) return;
  const ip = c.req.header("cf-connecting-ip") ?? null;
  if (await refusalsOverLimit(c, merchantId, ip)) return;
  const size = Number(c.req.header("content-length") ?? Number.NaN);
  await recordQuietly(c.env, merchantId, {
    provider: name,
    receivedAt: Date.now(),
    ip,
    size: Number.isSafeInteger(size) ? size : MAX_WEBHOOK_BYTES + 1,
    sha256: null,
    status: 413,
    outcome: "refused",
    reason: "payload_too_large",
    eventId: null,
    invoiceIds: [],
    retryOf: null,
    body: null,
    replay: null,
  });
}

const tooLarge = () =>
  new ApiError(413, "payload_too_large", `Webhook bodies are limited to ${MAX_WEBHOOK_BYTES} bytes`);

export default router;
