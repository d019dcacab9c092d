import { describe, expect, it } from "vitest";
import { sha256Hex, toBase64, utf8 } from "../../src/lib/crypto";
import {
  HIGHLEVEL_ED25519_KEYS,
  HIGHLEVEL_RSA_KEYS,
  importPublicKey,
} from "../../src/providers/highlevel-keys";
import sampleText from "../fixtures/highlevel/invoice-partially-paid.json?raw";
import { ADMIN, call, clearAlarms, createMerchant, uid } from "../helpers";

const SAMPLE_ID = "6578278e879ad2646715ba9c";
/** The location the official sample names (`altId` with `altType: "location"`). */
const SAMPLE_LOCATION = "6578278e879ad2646715ba9c";
const OTHER_LOCATION = "ve9EPM428h8vShlRW1KT";
const sample = JSON.parse(sampleText) as Record<string, unknown>;

interface Signer {
  pem: string;
  sign(body: string): Promise<string>;
}

async function toPem(key: CryptoKey): Promise<string> {
  const der = (await crypto.subtle.exportKey("spki", key)) as ArrayBuffer;
  const lines = toBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join("\n")}\n-----END PUBLIC KEY-----\n`;
}

async function ed25519Signer(): Promise<Signer> {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  return {
    pem: await toPem(pair.publicKey),
    sign: async (body) => toBase64(await crypto.subtle.sign("Ed25519", pair.privateKey, utf8(body))),
  };
}

async function rsaSigner(): Promise<Signer> {
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
const keys = Promise.all([ed25519Signer(), ed25519Signer(), rsaSigner(), rsaSigner()]).then(
  ([ed, ed2, rsa, rsa2]) => ({ ed, ed2, rsa, rsa2 }),
);

async function merchant(config: Record<string, unknown> = {}) {
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

const deliver = (merchantId: string, body: string, headers: Record<string, string> = {}) =>
  call("POST", `/webhooks/highlevel/${merchantId}`, {
    raw: body,
    headers: { "content-type": "application/json", ...headers },
  });

async function signedEd(body: string, signer?: Signer) {
  return { "x-ghl-signature": await (signer ?? (await keys).ed).sign(body) };
}

async function signedRsa(body: string, signer?: Signer) {
  return { "x-wh-signature": await (signer ?? (await keys).rsa).sign(body) };
}

/** The official sample with overrides: a snapshot of the invoice at `updatedAt`. */
function snapshot(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...sample, ...overrides });
}

/** Everything a delivery could change, read through the API. */
async function ledger(key: string, invoiceId = SAMPLE_ID) {
  const [invoice, lines, events] = await Promise.all([
    call("GET", `/v1/invoices/${invoiceId}`, { key }),
    call("GET", `/v1/invoices/${invoiceId}/payments`, { key }),
    call("GET", `/v1/invoices/${invoiceId}/events`, { key }),
  ]);
  return { status: invoice.status, invoice: invoice.body, lines: lines.body, events: events.body };
}

describe("HighLevel webhooks", () => {
  it("applies the official InvoicePartiallyPaid sample signed with Ed25519", async () => {
    const m = await merchant();
    const res = await deliver(m.id, sampleText, await signedEd(sampleText));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: "applied",
      event_id: `sha256:${await sha256Hex(sampleText)}`,
      invoices: [{ invoice_id: SAMPLE_ID, outcome: "applied", lines: ["applied"], anomalies: [] }],
    });

    const { invoice, lines, events } = await ledger(m.key);
    expect(invoice).toMatchObject({
      id: SAMPLE_ID,
      number: "19",
      currency: "USD",
      total: 99900,
      amount_paid: 89900,
      amount_due: 10000,
      status: "partially_paid",
      due_date: "2023-01-01",
      customer: { name: "Alex", email: "alex@example.com", phone: "+1-214-559-6993" },
      payments_count: 1,
      anomalies_count: 0,
      provider_reports: [
        {
          source: "highlevel",
          currency: "USD",
          total: 99900,
          amount_paid: 89900,
          amount_due: 10000,
          status: "partially_paid",
          reported_at: "2023-12-12T09:27:42.355Z",
          mismatch: false,
        },
      ],
    });
    expect(lines.data).toHaveLength(1);
    expect(lines.data[0]).toMatchObject({
      kind: "payment",
      source: "highlevel",
      amount: 89900,
      currency: "USD",
      external_id: `snapshot:${Date.parse("2023-12-12T09:27:42.355Z")}`,
    });
    expect(events.data).toHaveLength(1);
    expect(events.data[0]).toMatchObject({
      source: "highlevel",
      event_type: "InvoicePartiallyPaid",
      verification: "highlevel:ed25519:key#0",
      raw_body: sampleText,
    });
    await clearAlarms(m.id, SAMPLE_ID);
  });

  it("accepts the legacy RSA-SHA256 X-WH-Signature when no X-GHL-Signature is sent", async () => {
    const m = await merchant();
    const body = snapshot({ webhookId: uid("wh") });
    const res = await deliver(m.id, body, await signedRsa(body));
    expect(res.status).toBe(200);
    const { invoice, events } = await ledger(m.key);
    expect(invoice.amount_paid).toBe(89900);
    expect(events.data[0].verification).toBe("highlevel:rsa-sha256:key#0");
    await clearAlarms(m.id, SAMPLE_ID);
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
    await clearAlarms(m.id, SAMPLE_ID);
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
    await clearAlarms(m.id, SAMPLE_ID);
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
    await clearAlarms(m.id, SAMPLE_ID);
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

  it("answers a duplicate delivery without a second line", async () => {
    const m = await merchant();
    const body = snapshot({ webhookId: "wh-dup-1" });
    const headers = await signedEd(body);
    const first = await deliver(m.id, body, headers);
    const again = await deliver(m.id, body, headers);
    expect(first.body.status).toBe("applied");
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: "duplicate", event_id: "wh-dup-1" });

    // The same state re-sent under a new webhookId is a new event but not a new payment.
    const resent = snapshot({ webhookId: "wh-dup-2" });
    const third = await deliver(m.id, resent, await signedEd(resent));
    expect(third.body.status).toBe("applied");
    expect(third.body.invoices[0].lines).toEqual([]);

    const { invoice, lines, events } = await ledger(m.key);
    expect(invoice.amount_paid).toBe(89900);
    expect(lines.data).toHaveLength(1);
    expect(events.data.map((e: any) => e.event_id)).toEqual(["wh-dup-1", "wh-dup-2"]);
    await clearAlarms(m.id, SAMPLE_ID);
  });

  it("never regresses on an older snapshot delivered late", async () => {
    const m = await merchant();
    const newer = snapshot({ webhookId: uid("wh"), updatedAt: "2024-02-02T00:00:00.000Z" });
    const older = snapshot({
      webhookId: uid("wh"),
      amountPaid: 500,
      amountDue: 499,
      updatedAt: "2024-02-01T00:00:00.000Z",
    });
    expect((await deliver(m.id, newer, await signedEd(newer))).status).toBe(200);
    const late = await deliver(m.id, older, await signedEd(older));
    expect(late.status).toBe(200);
    expect(late.body.invoices[0].lines).toEqual([]);

    const { invoice, lines } = await ledger(m.key);
    expect(invoice).toMatchObject({ amount_paid: 89900, amount_due: 10000 });
    expect(invoice.provider_reports[0]).toMatchObject({ amount_paid: 89900, mismatch: false });
    expect(lines.data.map((l: any) => l.amount)).toEqual([89900]);
    await clearAlarms(m.id, SAMPLE_ID);
  });

  it("records each newer snapshot's difference as a line: 300 then 899 gives 300 + 599", async () => {
    const m = await merchant();
    for (const [paid, at] of [
      [300, "2024-03-01T00:00:00.000Z"],
      [899, "2024-03-02T00:00:00.000Z"],
    ] as const) {
      const body = snapshot({ amountPaid: paid, amountDue: 999 - paid, updatedAt: at });
      expect((await deliver(m.id, body, await signedEd(body))).status).toBe(200);
    }
    const { invoice, lines } = await ledger(m.key);
    expect(lines.data.map((l: any) => [l.kind, l.amount])).toEqual([
      ["payment", 30000],
      ["payment", 59900],
    ]);
    expect(invoice).toMatchObject({ amount_paid: 89900, amount_due: 10000, payments_count: 2 });

    // A newer snapshot with less paid (a refund in HighLevel) becomes a reversal of the difference.
    const refunded = snapshot({ amountPaid: 500, amountDue: 499, updatedAt: "2024-03-03T00:00:00.000Z" });
    expect((await deliver(m.id, refunded, await signedEd(refunded))).status).toBe(200);
    const after = await ledger(m.key);
    expect(after.lines.data.at(-1)).toMatchObject({ kind: "reversal", amount: 39900 });
    expect(after.invoice).toMatchObject({ amount_paid: 50000, amount_due: 49900 });
    await clearAlarms(m.id, SAMPLE_ID);
  });

  it("applies one line for 20 concurrent deliveries of the same event", async () => {
    const m = await merchant();
    const body = snapshot({ webhookId: uid("wh") });
    const headers = await signedEd(body);
    const results = await Promise.all(Array.from({ length: 20 }, () => deliver(m.id, body, headers)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const statuses = results.map((r) => r.body.status).sort();
    expect(statuses.filter((s) => s === "applied")).toHaveLength(1);
    expect(statuses.filter((s) => s === "duplicate")).toHaveLength(19);

    // 20 different events carrying the same snapshot: still one payment.
    const again = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const b = snapshot({ webhookId: uid("wh") });
        return deliver(m.id, b, await signedEd(b));
      }),
    );
    expect(again.every((r) => r.status === 200)).toBe(true);

    const { invoice, lines } = await ledger(m.key);
    expect(lines.data).toHaveLength(1);
    expect(invoice.amount_paid).toBe(89900);
    await clearAlarms(m.id, SAMPLE_ID);
  });

  it("settles on InvoicePaid, recognised by type or by status", async () => {
    const m = await merchant();
    const typed = snapshot({
      type: "InvoicePaid",
      status: "paid",
      amountPaid: 999,
      amountDue: 0,
      updatedAt: "2024-04-01T00:00:00.000Z",
    });
    const res = await deliver(m.id, typed, await signedEd(typed));
    expect(res.body.invoices[0].outcome).toBe("applied");
    expect((await ledger(m.key)).invoice).toMatchObject({
      status: "paid",
      amount_paid: 99900,
      amount_due: 0,
    });

    const other = uid("inv");
    const untyped = snapshot({ _id: other, status: "paid", amountPaid: 12.34, total: 12.34, amountDue: 0 });
    const res2 = await deliver(m.id, untyped, await signedEd(untyped));
    expect(res2.body).toMatchObject({ status: "applied", invoices: [{ invoice_id: other }] });
    const { invoice, events } = await ledger(m.key, other);
    expect(invoice).toMatchObject({ total: 1234, amount_paid: 1234, status: "paid" });
    expect(events.data[0].event_type).toBe("InvoicePaid");
    await clearAlarms(m.id, SAMPLE_ID, other);
  });

  it("voids the invoice on InvoiceVoid, even when it is the first event heard", async () => {
    const m = await merchant();
    const paid = snapshot({ webhookId: uid("wh") });
    await deliver(m.id, paid, await signedEd(paid));
    const voided = snapshot({ type: "InvoiceVoid", status: "void", updatedAt: "2024-05-01T00:00:00.000Z" });
    expect((await deliver(m.id, voided, await signedEd(voided))).status).toBe(200);
    const { invoice, lines } = await ledger(m.key);
    expect(invoice).toMatchObject({ status: "void", amount_paid: 89900 });
    expect(invoice.voided_at).toEqual(expect.any(String));
    expect(lines.data).toHaveLength(1);

    const other = uid("inv");
    const firstHeard = snapshot({ _id: other, status: "void", amountPaid: 0, amountDue: 999 });
    expect((await deliver(m.id, firstHeard, await signedEd(firstHeard))).status).toBe(200);
    expect((await ledger(m.key, other)).invoice).toMatchObject({ status: "void", total: 99900 });
    await clearAlarms(m.id, SAMPLE_ID, other);
  });

  it("acknowledges other events without touching the ledger", async () => {
    const m = await merchant();
    for (const body of [
      snapshot({ type: "InvoiceSent", status: "sent" }),
      snapshot({ status: "draft" }),
      JSON.stringify({ type: "ContactCreate", locationId: SAMPLE_LOCATION, id: "c1" }),
    ]) {
      const res = await deliver(m.id, body, await signedEd(body));
      expect(res.status).toBe(200);
      expect(res.body.status).toBe("ignored");
    }
    expect((await ledger(m.key)).status).toBe(404);
    await clearAlarms(m.id, SAMPLE_ID);
  });

  it("refuses an event HighLevel signed for another location: 401, no invoice, event or contact", async () => {
    const mine = await merchant();
    const theirs = await merchant({ location_ids: [OTHER_LOCATION] });
    // Both merchants trust the same keys, as every merchant trusts HighLevel's published ones.
    const foreign = snapshot({ webhookId: uid("wh"), altId: OTHER_LOCATION });
    const refused = await deliver(mine.id, foreign, await signedEd(foreign));
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("signature_invalid");
    expect((await deliver(mine.id, foreign, await signedRsa(foreign))).status).toBe(401);
    expect((await ledger(mine.key)).status).toBe(404);

    // The same signed event at its own merchant's URL is applied there.
    expect((await deliver(theirs.id, foreign, await signedEd(foreign))).status).toBe(200);
    expect((await ledger(theirs.key)).invoice.amount_paid).toBe(89900);

    // With the invoice known, a foreign snapshot of it changes no figure, line, event or contact.
    const own = snapshot({ webhookId: uid("wh") });
    expect((await deliver(mine.id, own, await signedEd(own))).status).toBe(200);
    const before = await ledger(mine.key);
    const later = { amountPaid: 999, amountDue: 0, updatedAt: "2024-06-01T00:00:00.000Z" };
    const contact = { ...(sample.contactDetails as object), name: "Mallory", email: "m@example.com" };
    const foreignBodies = [
      snapshot({ ...later, altId: OTHER_LOCATION, contactDetails: contact }),
      // Both fields name a location: both must be the merchant's.
      snapshot({ ...later, locationId: OTHER_LOCATION }),
      snapshot({ ...later, altId: OTHER_LOCATION, locationId: SAMPLE_LOCATION }),
      snapshot({ ...later, altId: SAMPLE_LOCATION.toUpperCase() }),
      snapshot({ ...later, type: "InvoiceVoid", status: "void", altId: OTHER_LOCATION }),
    ];
    for (const body of foreignBodies) {
      const res = await deliver(mine.id, body, await signedEd(body));
      expect(res.status, body).toBe(401);
      expect(await ledger(mine.key)).toEqual(before);
    }
    await clearAlarms(mine.id, SAMPLE_ID);
    await clearAlarms(theirs.id, SAMPLE_ID);
  });

  it("refuses a signed event that names no location of the merchant's", async () => {
    const m = await merchant();
    const { altId: _altId, altType: _altType, ...unlocated } = sample;
    const bodies = [
      JSON.stringify(unlocated),
      snapshot({ altType: "agency" }),
      snapshot({ altType: undefined }),
      snapshot({ altId: null }),
      snapshot({ altId: 12345 }),
      snapshot({ altType: "agency", locationId: 12345 }),
      JSON.stringify({ type: "ContactCreate", id: "c1" }),
    ];
    for (const body of bodies) {
      const res = await deliver(m.id, body, await signedEd(body));
      expect(res.status, body).toBe(401);
      expect(res.body.error.code, body).toBe("signature_invalid");
    }
    expect((await ledger(m.key)).status).toBe(404);
    await clearAlarms(m.id, SAMPLE_ID);
  });

  it("accepts any of the merchant's locations, by altId or by locationId", async () => {
    const m = await merchant({ location_ids: [OTHER_LOCATION, SAMPLE_LOCATION] });
    const steps = [
      snapshot({ amountPaid: 100, updatedAt: "2024-07-01T00:00:00.000Z" }),
      snapshot({ amountPaid: 200, updatedAt: "2024-07-02T00:00:00.000Z", altId: OTHER_LOCATION }),
      snapshot({ amountPaid: 300, updatedAt: "2024-07-03T00:00:00.000Z", locationId: SAMPLE_LOCATION }),
      snapshot({
        amountPaid: 400,
        updatedAt: "2024-07-04T00:00:00.000Z",
        altType: "agency",
        locationId: OTHER_LOCATION,
      }),
    ];
    for (const body of steps)
      expect((await deliver(m.id, body, await signedEd(body))).status, body).toBe(200);
    expect((await ledger(m.key)).invoice.amount_paid).toBe(40000);
    await clearAlarms(m.id, SAMPLE_ID);
  });

  it("refuses a HighLevel configuration without valid location_ids, storing nothing", async () => {
    const { ed } = await keys;
    const bad: Array<Record<string, unknown>> = [
      {},
      { ed25519_public_keys: [ed.pem] },
      { location_ids: [] },
      { location_ids: "6578278e879ad2646715ba9c" },
      { location_ids: [""] },
      { location_ids: ["x".repeat(65)] },
      { location_ids: ["has space"] },
      { location_ids: [42] },
      { location_ids: Array.from({ length: 101 }, (_, i) => `loc${i}`) },
    ];
    for (const highlevel of bad) {
      const id = uid("m");
      const res = await call("PUT", `/admin/merchants/${id}`, {
        key: ADMIN,
        body: { name: "no locations", providers: { highlevel } },
      });
      expect(res.status, JSON.stringify(highlevel)).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.details, JSON.stringify(highlevel)).toContainEqual(
        expect.objectContaining({ path: expect.stringMatching(/^providers\.highlevel\.location_ids/) }),
      );
      expect((await call("GET", `/admin/merchants/${id}`, { key: ADMIN })).status).toBe(404);
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
    await clearAlarms(m.id, SAMPLE_ID);
  });

  it("names every field a minimal event is missing", async () => {
    const m = await merchant();
    const cases: Array<[Record<string, unknown>, string]> = [
      [
        { type: "InvoiceVoid", _id: SAMPLE_ID },
        "InvoiceVoid is missing currency, updatedAt (it needs _id, currency, updatedAt)",
      ],
      [
        { type: "InvoiceVoid", _id: SAMPLE_ID, currency: "USD" },
        "InvoiceVoid is missing updatedAt (it needs _id, currency, updatedAt)",
      ],
      [
        { type: "InvoicePaid", _id: SAMPLE_ID, currency: "USD", updatedAt: "2026-11-20T10:00:00.000Z" },
        "InvoicePaid is missing amountPaid (it needs _id, currency, updatedAt, amountPaid)",
      ],
      [
        { type: "InvoiceVoid", _id: SAMPLE_ID, currency: "USD", updatedAt: "yesterday" },
        'updatedAt "yesterday" is not an ISO 8601 timestamp',
      ],
    ];
    for (const [fields, message] of cases) {
      const body = JSON.stringify({ altType: "location", altId: SAMPLE_LOCATION, ...fields });
      const res = await deliver(m.id, body, await signedEd(body));
      expect(res.status, message).toBe(400);
      expect(res.body.error).toEqual({ code: "malformed_payload", message });
    }
    expect((await ledger(m.key)).status).toBe(404);
    // The minimal InvoiceVoid the README documents.
    const minimal = JSON.stringify({
      type: "InvoiceVoid",
      altType: "location",
      altId: SAMPLE_LOCATION,
      _id: SAMPLE_ID,
      currency: "USD",
      updatedAt: "2026-11-20T10:00:00.000Z",
    });
    const res = await deliver(m.id, minimal, await signedEd(minimal));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("applied");
    expect((await ledger(m.key)).invoice).toMatchObject({ status: "void", currency: "USD" });
    await clearAlarms(m.id, SAMPLE_ID);
  });

  it("answers 413 to a body over 256 KiB, changing nothing", async () => {
    const m = await merchant();
    const body = snapshot({ title: "x".repeat(256 * 1024) });
    const res = await deliver(m.id, body, await signedEd(body));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
    expect((await ledger(m.key)).status).toBe(404);
    await clearAlarms(m.id, SAMPLE_ID);
  });
});
