// HighLevel signatures and keys over HTTP: what is refused changes nothing.
import { describe, expect } from "vitest";
import {
  HIGHLEVEL_ED25519_KEYS,
  HIGHLEVEL_RSA_KEYS,
  importPublicKey,
} from "../../../../src/providers/highlevel-keys";
import sampleText from "../../../fixtures/highlevel/invoice-partially-paid.json?raw";
import { ADMIN, call, createMerchant, it, track, uid } from "../../../helpers";
import {
  deliver,
  keys,
  ledger,
  merchant,
  SAMPLE_ID,
  SAMPLE_LOCATION,
  signedEd,
  signedRsa,
  snapshot,
} from "../../../support/highlevel";

describe("HighLevel webhooks", () => {
  it("accepts the legacy RSA-SHA256 X-WH-Signature when no X-GHL-Signature is sent", async () => {
    const m = await merchant();
    const body = snapshot({ webhookId: uid("wh") });
    const res = await deliver(m.id, body, await signedRsa(body));
    expect(res.status).toBe(200);
    const { invoice, events } = await ledger(m.key);
    expect(invoice.amount_paid).toBe(89900);
    expect(events.data[0].verification).toBe("highlevel:rsa-sha256:key#0");
    track(m.id, SAMPLE_ID);
  });

  it("refuses a tampered body, a wrong key and missing or garbled headers, changing nothing", async () => {
    const m = await merchant();
    const { ed2, rsa2 } = await keys;
    const tampered = sampleText.replace('"amountPaid": 899', '"amountPaid": 999');
    expect(tampered).not.toBe(sampleText);
    const cases: Array<[string, string, Record<string, string>]> = [
      ["tampered (Ed25519)", tampered, await signedEd(sampleText)],
      ["tampered (RSA)", tampered, await signedRsa(sampleText)],
      ["wrong Ed25519 key", sampleText, await signedEd(sampleText, ed2)],
      ["wrong RSA key", sampleText, await signedRsa(sampleText, rsa2)],
      ["no signature header", sampleText, {}],
      ["signature not base64", sampleText, { "x-ghl-signature": "not base64!" }],
      [
        "RSA signature in the Ed25519 header",
        sampleText,
        { "x-ghl-signature": (await signedRsa(sampleText))["x-wh-signature"] },
      ],
      // HighLevel's SDK never falls back: a present but invalid X-GHL-Signature decides.
      [
        "invalid X-GHL-Signature beside a valid X-WH-Signature",
        sampleText,
        { ...(await signedEd(sampleText, ed2)), ...(await signedRsa(sampleText)) },
      ],
      [
        "empty X-GHL-Signature beside a valid X-WH-Signature",
        sampleText,
        { "x-ghl-signature": "", ...(await signedRsa(sampleText)) },
      ],
    ];
    for (const [name, body, headers] of cases) {
      const res = await deliver(m.id, body, headers);
      expect(res.status, name).toBe(401);
      expect(res.body.error.code, name).toBe("signature_invalid");
      expect((await ledger(m.key)).status, name).toBe(404);
    }

    // With an invoice in place, a rejected delivery must leave every figure and log as it was.
    const first = snapshot({ webhookId: uid("wh") });
    expect((await deliver(m.id, first, await signedEd(first))).status).toBe(200);
    const before = await ledger(m.key);
    const newer = snapshot({ amountPaid: 999, amountDue: 0, updatedAt: "2023-12-13T00:00:00.000Z" });
    for (const headers of [
      await signedEd(newer, ed2),
      await signedRsa(newer, rsa2),
      { ...(await signedEd(newer, ed2)), ...(await signedRsa(newer)) },
      {},
    ]) {
      expect((await deliver(m.id, newer, headers)).status).toBe(401);
      expect(await ledger(m.key)).toEqual(before);
    }
    track(m.id, SAMPLE_ID);
  });

  it("accepts either of two configured keys while HighLevel rotates them", async () => {
    const { ed, ed2, rsa, rsa2 } = await keys;
    const m = await merchant({
      ed25519_public_keys: [ed.pem, ed2.pem],
      rsa_public_keys: [rsa.pem, rsa2.pem],
    });
    const steps: Array<[number, (body: string) => Promise<Record<string, string>>]> = [
      [100, (b) => signedEd(b, ed)],
      [200, (b) => signedEd(b, ed2)],
      [300, (b) => signedRsa(b, rsa)],
      [400, (b) => signedRsa(b, rsa2)],
    ];
    for (const [i, [paid, sign]] of steps.entries()) {
      const body = snapshot({ amountPaid: paid, updatedAt: `2024-01-0${i + 1}T00:00:00.000Z` });
      expect((await deliver(m.id, body, await sign(body))).status).toBe(200);
    }
    const { invoice, events } = await ledger(m.key);
    expect(invoice.amount_paid).toBe(40000);
    expect(events.data.map((e: any) => e.verification)).toEqual([
      "highlevel:ed25519:key#0",
      "highlevel:ed25519:key#1",
      "highlevel:rsa-sha256:key#0",
      "highlevel:rsa-sha256:key#1",
    ]);
    track(m.id, SAMPLE_ID);
  });

  it("uses HighLevel's published keys when none are configured", async () => {
    const ed = await importPublicKey("ed25519", HIGHLEVEL_ED25519_KEYS[0]!);
    const rsa = await importPublicKey("rsa", HIGHLEVEL_RSA_KEYS[0]!);
    expect(ed?.algorithm.name).toBe("Ed25519");
    expect(rsa?.algorithm).toMatchObject({ name: "RSASSA-PKCS1-v1_5", modulusLength: 4096 });

    // Our test keys are not HighLevel's: with the defaults in force the delivery must fail.
    const m = await createMerchant({ providers: { highlevel: { location_ids: [SAMPLE_LOCATION] } } });
    expect((await deliver(m.id, sampleText, await signedEd(sampleText))).status).toBe(401);
    expect((await deliver(m.id, sampleText, await signedRsa(sampleText))).status).toBe(401);
    expect((await ledger(m.key)).status).toBe(404);
    track(m.id, SAMPLE_ID);
  });

  it("refuses keys of the wrong kind or shape in the configuration", async () => {
    const { ed, rsa } = await keys;
    const bad = [
      { ed25519_public_keys: [rsa.pem] },
      { rsa_public_keys: [ed.pem] },
      { ed25519_public_keys: ["-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"] },
      { ed25519_public_keys: [] },
      { ed25519_public_keys: [ed.pem], secret: "x" },
    ].map((keys) => ({ location_ids: [SAMPLE_LOCATION], ...keys }));
    for (const highlevel of bad) {
      const res = await call("PUT", `/admin/merchants/${uid("m")}`, {
        key: ADMIN,
        body: { name: "bad keys", providers: { highlevel } },
      });
      expect(res.status, JSON.stringify(highlevel)).toBe(422);
    }
  });

  it("answers 400 to malformed JSON and malformed invoices, changing nothing", async () => {
    const m = await merchant();
    const cases: Array<[string, string]> = [
      ["not JSON", "{not json"],
      ["truncated", sampleText.slice(0, 200)],
      ["not an object", "[1,2,3]"],
      ["missing _id", snapshot({ _id: undefined, type: "InvoicePartiallyPaid" })],
      ["non-numeric amountPaid", snapshot({ amountPaid: "lots" })],
      ["boolean amountPaid", snapshot({ amountPaid: true })],
      ["negative amountPaid", snapshot({ amountPaid: -1 })],
      ["unknown currency", snapshot({ currency: "ABC" })],
      ["too many decimals", snapshot({ amountPaid: 899.999 })],
      ["too many decimals in total", snapshot({ total: 999.001 })],
      ["missing updatedAt", snapshot({ updatedAt: undefined })],
    ];
    for (const [name, body] of cases) {
      const res = await deliver(m.id, body, await signedEd(body));
      expect(res.status, name).toBe(400);
      expect(res.body.error.code, name).toBe("malformed_payload");
      expect((await ledger(m.key)).status, name).toBe(404);
    }

    const good = snapshot({ webhookId: uid("wh") });
    await deliver(m.id, good, await signedEd(good));
    const before = await ledger(m.key);
    for (const [name, body] of cases.slice(4)) {
      expect((await deliver(m.id, body, await signedEd(body))).status, name).toBe(400);
      expect(await ledger(m.key), name).toEqual(before);
    }
    track(m.id, SAMPLE_ID);
  });

  it("answers 413 to a body over 256 KiB, changing nothing", async () => {
    const m = await merchant();
    const body = snapshot({ title: "x".repeat(256 * 1024) });
    const res = await deliver(m.id, body, await signedEd(body));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
    expect((await ledger(m.key)).status).toBe(404);
    track(m.id, SAMPLE_ID);
  });
});
