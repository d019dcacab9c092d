// Standard Webhooks' verify as a pure function: raw bytes and headers in, an outcome out, no Worker involved.
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
// config before the provider: config.ts -> registry -> standard.ts is the module order the app uses.
import { MerchantConfigSchema } from "../../../src/merchants/config";
import { standard } from "../../../src/providers/standard";
import type { Delivery } from "../../../src/providers/types";
import { DECOY, encoder, NEW_SECRET, SECRET, VECTOR } from "../../support/standard";

describe("standard verify (unit)", () => {
  const delivery = (
    headers: Record<string, string>,
    now = VECTOR.timestamp,
    raw = VECTOR.payload,
  ): Delivery => ({
    raw: encoder.encode(raw) as Uint8Array<ArrayBuffer>,
    headers: new Headers(headers),
    params: {},
    ip: null,
    now,
    sha256: "0".repeat(64),
  });
  const headers = (signature: string, extra: Record<string, string> = {}) => ({
    "webhook-id": VECTOR.id,
    "webhook-timestamp": String(VECTOR.timestamp),
    "webhook-signature": signature,
    ...extra,
  });

  it("accepts the official vector, with the secret in either form", async () => {
    expect(await standard.verify(delivery(headers(VECTOR.signature)), { secrets: [SECRET] })).toEqual({
      ok: true,
      method: "standard:v1:secret#0",
    });
    const bare = SECRET.slice("whsec_".length);
    expect((await standard.verify(delivery(headers(VECTOR.signature)), { secrets: [bare] })).ok).toBe(true);
    expect(new Webhook(SECRET).sign(VECTOR.id, new Date(VECTOR.timestamp * 1000), VECTOR.payload)).toBe(
      VECTOR.signature,
    );
  });

  it("skips decoys and other versions while a valid v1 entry passes", async () => {
    const multi = [`v1,${DECOY}`, `v2,${DECOY}`, VECTOR.signature, `v1,${DECOY}`].join(" ");
    expect((await standard.verify(delivery(headers(multi)), { secrets: [SECRET] })).ok).toBe(true);
    const withV1a = `v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg== ${VECTOR.signature}`;
    expect((await standard.verify(delivery(headers(withV1a)), { secrets: [SECRET] })).ok).toBe(true);
  });

  it("refuses bad, truncated and decoy-only signatures, missing headers and stale or future timestamps", async () => {
    const cfg = { secrets: [SECRET] };
    const refused = async (d: Delivery) => (await standard.verify(d, cfg)).ok;
    expect(await refused(delivery(headers("v1,dawfeoifkpqwoekfpqoekf")))).toBe(false);
    expect(await refused(delivery(headers(VECTOR.signature.slice(0, 8))))).toBe(false);
    expect(await refused(delivery(headers("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=")))).toBe(false);
    expect(await refused(delivery(headers(`v1,${DECOY} v2,${DECOY}`)))).toBe(false);
    expect(await refused(delivery(headers(VECTOR.signature.replace("v1,", "v2,"))))).toBe(false);
    expect(await refused(delivery(headers(VECTOR.signature), VECTOR.timestamp, '{"test": 2432232315}'))).toBe(
      false,
    );
    for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
      const h: Record<string, string> = headers(VECTOR.signature);
      delete h[name];
      expect(await standard.verify(delivery(h), cfg)).toEqual({ ok: false, reason: "missing_headers" });
    }
    expect(
      await standard.verify(delivery(headers(VECTOR.signature, { "webhook-timestamp": "1614265330a" })), cfg),
    ).toEqual({ ok: false, reason: "bad_timestamp" });
    // A changed id is a different signed message.
    expect(await refused(delivery(headers(VECTOR.signature, { "webhook-id": "msg_other" })))).toBe(false);
    expect(await standard.verify(delivery(headers(VECTOR.signature), VECTOR.timestamp + 301), cfg)).toEqual({
      ok: false,
      reason: "timestamp_too_old",
    });
    expect(await standard.verify(delivery(headers(VECTOR.signature), VECTOR.timestamp - 301), cfg)).toEqual({
      ok: false,
      reason: "timestamp_too_new",
    });
    // Within the five-minute tolerance either way.
    expect((await standard.verify(delivery(headers(VECTOR.signature), VECTOR.timestamp + 300), cfg)).ok).toBe(
      true,
    );
    expect((await standard.verify(delivery(headers(VECTOR.signature), VECTOR.timestamp - 300), cfg)).ok).toBe(
      true,
    );
    expect((await standard.verify(delivery(headers(VECTOR.signature)), { secrets: [NEW_SECRET] })).ok).toBe(
      false,
    );
  });

  it("tries every configured secret (rotation)", async () => {
    expect(
      await standard.verify(delivery(headers(VECTOR.signature)), { secrets: [NEW_SECRET, SECRET] }),
    ).toEqual({
      ok: true,
      method: "standard:v1:secret#1",
    });
  });

  it("configuration: 1-5 whsec_ secrets, nothing else", () => {
    const ok = (v: unknown) => standard.configSchema.safeParse(v).success;
    expect(ok({ secrets: [SECRET] })).toBe(true);
    expect(ok({ secrets: [SECRET, NEW_SECRET] })).toBe(true);
    expect(ok({ secrets: [] })).toBe(false);
    expect(ok({ secrets: [SECRET.slice(6)] })).toBe(false);
    expect(ok({ secrets: ["whsec_short"] })).toBe(false);
    expect(ok({ secrets: Array(6).fill(SECRET) })).toBe(false);
    expect(ok({ secrets: [SECRET], secret: SECRET })).toBe(false);
    const merchant = (standardConfig: unknown) =>
      MerchantConfigSchema.safeParse({ name: "m", providers: { standard: standardConfig } }).success;
    expect(merchant({ secrets: [SECRET] })).toBe(true);
    expect(merchant({ secrets: ["not-a-secret"] })).toBe(false);
  });
});
