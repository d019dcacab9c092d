// CPU cost of each provider's verify-and-normalize path, inside workerd (the Workers runtime), on the
// providers' published sample payloads signed here the way each provider signs. One op is what the webhook
// pipeline does before it touches a Durable Object: SHA-256 of the raw body, verify, UTF-8 decode,
// JSON.parse, normalize. `npm run bench:verify`.
import { test } from "vitest";
import { concatBytes, hmacSha256, sha256Hex, toBase64, toHex, utf8 } from "../src/lib/crypto";
import { signStandardWebhook } from "../src/lib/standard-webhooks";
import { PROVIDERS } from "../src/providers/registry";
import type { Delivery, Provider } from "../src/providers/types";
import chargebeeSample from "../test/fixtures/chargebee/payment-succeeded-illustrative.json";
import highlevelSample from "../test/fixtures/highlevel/invoice-partially-paid.json";
import razorpaySample from "../test/fixtures/razorpay/invoice.partially_paid.json";
import rivertySample from "../test/fixtures/riverty/payment-received-partial.json";

interface Case {
  raw: Uint8Array<ArrayBuffer>;
  headers: Headers;
  params?: Record<string, string>;
  ip?: string;
  config: unknown;
}

const now = () => Math.floor(Date.now() / 1000);

async function delivery(c: Case): Promise<Delivery> {
  return {
    raw: c.raw,
    headers: c.headers,
    params: c.params ?? {},
    ip: c.ip ?? null,
    now: now(),
    sha256: await sha256Hex(c.raw),
  };
}

const pem = (spki: ArrayBuffer) =>
  `-----BEGIN PUBLIC KEY-----\n${toBase64(spki)
    .match(/.{1,64}/g)!
    .join("\n")}\n-----END PUBLIC KEY-----`;

/** One realistic, correctly signed delivery per provider, with the merchant configuration that accepts it. */
const CASES: Record<string, () => Promise<Case>> = {
  async standard() {
    const secret = `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(32)))}`;
    const body = JSON.stringify({
      type: "payment.recorded",
      timestamp: new Date().toISOString(),
      data: {
        invoice_id: "inv_2026_0042",
        payment_id: "pay_0001",
        amount: 10000,
        currency: "INR",
        method: "bank_transfer",
        reference: "UTR123456789",
        paid_at: new Date().toISOString(),
      },
    });
    const id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
    const ts = now();
    return {
      raw: utf8(body),
      headers: new Headers({
        "webhook-id": id,
        "webhook-timestamp": String(ts),
        "webhook-signature": await signStandardWebhook(secret, id, ts, body),
      }),
      config: { secrets: [secret] },
    };
  },
  async razorpay() {
    const secret = "bench-razorpay-webhook-secret";
    const raw = utf8(JSON.stringify(razorpaySample));
    return {
      raw,
      headers: new Headers({
        "x-razorpay-signature": toHex(await hmacSha256(secret, raw)),
        "x-razorpay-event-id": "KYxPxdFq9JmA5v",
      }),
      config: { webhook_secrets: [secret] },
    };
  },
  async highlevel() {
    const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const spki = (await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer;
    const raw = utf8(
      JSON.stringify({ ...highlevelSample, webhookId: "wh_bench_1", timestamp: new Date().toISOString() }),
    );
    const signature = await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, raw);
    return {
      raw,
      headers: new Headers({ "x-ghl-signature": toBase64(signature) }),
      config: { location_ids: [highlevelSample.altId], ed25519_public_keys: [pem(spki)] },
    };
  },
  async riverty() {
    const token = "bench_riverty_token_0123456789abcdef";
    return {
      raw: utf8(JSON.stringify(rivertySample)),
      headers: new Headers({ "content-type": "application/json" }),
      params: { token },
      ip: "20.76.134.255",
      config: { tokens: [token] },
    };
  },
  async chargebee() {
    const username = "chargebee-webhooks";
    const password = "bench-basic-auth-password";
    return {
      raw: utf8(JSON.stringify(chargebeeSample)),
      headers: new Headers({ authorization: `Basic ${btoa(`${username}:${password}`)}` }),
      config: { basic_auth: [{ username, password }] },
    };
  },
};

async function prepare(name: string, provider: Provider<unknown>) {
  const c = await CASES[name]!();
  const config = provider.configSchema.parse(c.config);
  const base = await delivery(c);
  // The whole path once, outside the timing: a broken fixture must fail loudly, not time an error.
  const verification = await provider.verify(base, config);
  if (!verification.ok) throw new Error(`${name}: sample delivery did not verify (${verification.reason})`);
  const normalized = provider.normalize(JSON.parse(new TextDecoder().decode(base.raw)), base);
  if (normalized.kind !== "events")
    throw new Error(`${name}: sample delivery normalized to ${normalized.kind}`);
  return { c, config, base };
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const options = { time: 1000, warmupTime: 200 };
const PIPELINE = "pipeline: sha256 + verify + decode + parse + normalize" as const;
const VERIFY = "verify only" as const;
const NORMALIZE = "decode + parse + normalize only" as const;

for (const [name, provider] of Object.entries(PROVIDERS)) {
  test.skipIf(!CASES[name])(name, async ({ bench }) => {
    const { c, config, base } = await prepare(name, provider);
    const results = await bench.compare(
      bench(PIPELINE, async () => {
        const d = await delivery(c);
        const v = await provider.verify(d, config);
        if (!v.ok) throw new Error(v.reason);
        provider.normalize(JSON.parse(decoder.decode(d.raw)), d);
      }),
      bench(VERIFY, async () => {
        const v = await provider.verify(base, config);
        if (!v.ok) throw new Error(v.reason);
      }),
      bench(NORMALIZE, () => {
        provider.normalize(JSON.parse(decoder.decode(base.raw)), base);
      }),
      options,
    );
    const us = (n: typeof PIPELINE | typeof VERIFY | typeof NORMALIZE) =>
      (results.get(n).latency.mean * 1000).toFixed(1);
    console.log(
      `${name}: ${us(PIPELINE)} µs per delivery (verify ${us(VERIFY)} µs, decode+parse+normalize ${us(NORMALIZE)} µs), ${c.raw.byteLength} B body`,
    );
  });
}

// The floor of any HMAC-based check on a Razorpay-sized body.
test("primitives", async ({ bench }) => {
  const body = utf8(JSON.stringify(razorpaySample));
  const signed = concatBytes(utf8("msg_1.1700000000."), body);
  await bench.compare(
    bench("sha256Hex of the Razorpay sample body", async () => {
      await sha256Hex(body);
    }),
    bench("HMAC-SHA256 of id.ts.body (cached key)", async () => {
      await hmacSha256("k".repeat(32), signed);
    }),
    options,
  );
});
