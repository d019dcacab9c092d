import { toBase64, utf8 } from "../../src/lib/crypto";
import sampleText from "../fixtures/highlevel/invoice-partially-paid.json?raw";
import { call, createMerchant, ledgerView } from "../helpers";

export const SAMPLE_ID = "6578278e879ad2646715ba9c";
/** The location the official sample names (`altId` with `altType: "location"`). */
export const SAMPLE_LOCATION = "6578278e879ad2646715ba9c";
export const OTHER_LOCATION = "ve9EPM428h8vShlRW1KT";
export const sample = JSON.parse(sampleText) as Record<string, unknown>;

export interface Signer {
  pem: string;
  sign(body: string): Promise<string>;
}

export async function toPem(key: CryptoKey): Promise<string> {
  const der = (await crypto.subtle.exportKey("spki", key)) as ArrayBuffer;
  const lines = toBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join("\n")}\n-----END PUBLIC KEY-----\n`;
}

export async function ed25519Signer(): Promise<Signer> {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  return {
    pem: await toPem(pair.publicKey),
    sign: async (body) => toBase64(await crypto.subtle.sign("Ed25519", pair.privateKey, utf8(body))),
  };
}

export async function rsaSigner(): Promise<Signer> {
  const pair = (await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  return {
    pem: await toPem(pair.publicKey),
    sign: async (body) =>
      toBase64(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", pair.privateKey, utf8(body))),
  };
}

// Key generation is slow next to a delivery; one set serves every test, each with its own merchant.
export const keys = Promise.all([ed25519Signer(), ed25519Signer(), rsaSigner(), rsaSigner()]).then(
  ([ed, ed2, rsa, rsa2]) => ({ ed, ed2, rsa, rsa2 }),
);

export async function merchant(config: Record<string, unknown> = {}) {
  const { ed, rsa } = await keys;
  return createMerchant({
    providers: {
      highlevel: {
        location_ids: [SAMPLE_LOCATION],
        ed25519_public_keys: [ed.pem],
        rsa_public_keys: [rsa.pem],
        ...config,
      },
    },
  });
}

export const deliver = (merchantId: string, body: string, headers: Record<string, string> = {}) =>
  call("POST", `/webhooks/highlevel/${merchantId}`, {
    raw: body,
    headers: { "content-type": "application/json", ...headers },
  });

export async function signedEd(body: string, signer?: Signer) {
  return { "x-ghl-signature": await (signer ?? (await keys).ed).sign(body) };
}

export async function signedRsa(body: string, signer?: Signer) {
  return { "x-wh-signature": await (signer ?? (await keys).rsa).sign(body) };
}

/** The official sample with overrides: a snapshot of the invoice at `updatedAt`. */
export function snapshot(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...sample, ...overrides });
}

export const ledger = (key: string, invoiceId = SAMPLE_ID) => ledgerView(key, invoiceId);
