import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
// config before the provider: config.ts -> registry -> standard.ts is the module order the app uses.
import { MerchantConfigSchema } from "../../src/merchants/config";
import { standard } from "../../src/providers/standard";
import type { Delivery } from "../../src/providers/types";
import {
  call,
  clearAlarms,
  createMerchant,
  getEvents,
  getInvoice,
  getLines,
  snapshot,
  uid,
} from "../helpers";

// The official Standard Webhooks vector (libraries' tests; shared/research/providers.md §6.4).
const VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};
const DECOY = "Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";

const SECRET = VECTOR.secret;
const NEW_SECRET = "whsec_c3RhbmRhcmQtd2ViaG9va3MtbmV3LXNlY3JldC0xMjM0NQ==";
const encoder = new TextEncoder();

interface DeliverOptions {
  secret?: string;
  id?: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  signature?: string;
  omit?: Array<"webhook-id" | "webhook-timestamp" | "webhook-signature">;
}

/** Signed with the official `standardwebhooks` library, independent of src/lib/standard-webhooks.ts. */
async function deliver(merchantId: string, body: string, opts: DeliverOptions = {}) {
  const id = opts.id ?? uid("msg");
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature":
      opts.signature ?? new Webhook(opts.secret ?? SECRET).sign(id, new Date(timestamp * 1000), body),
  };
  for (const name of opts.omit ?? []) delete headers[name];
  return call("POST", `/webhooks/standard/${merchantId}`, { raw: body, headers });
}

const event = (type: string, data: Record<string, unknown>, timestamp = "2026-11-20T10:00:00.000Z") =>
  JSON.stringify({ type, timestamp, data });

const standardMerchant = (secrets = [SECRET]) => createMerchant({ providers: { standard: { secrets } } });

const upsert = (invoiceId: string, extra: Record<string, unknown> = {}) =>
  event("invoice.upserted", { invoice_id: invoiceId, currency: "INR", total: 100000, ...extra });
const payment = (invoiceId: string, paymentId: string, amount: number, extra: Record<string, unknown> = {}) =>
  event("payment.recorded", {
    invoice_id: invoiceId,
    payment_id: paymentId,
    amount,
    currency: "INR",
    ...extra,
  });

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

describe("standard webhooks over HTTP", () => {
  it("drives an invoice through every event type", async () => {
    const m = await standardMerchant();
    const inv = uid("inv");
    const upsertBody = upsert(inv, {
      due_date: "2030-01-31",
      number: "INV-7",
      customer: { name: "Asha Rao", email: "asha@example.com", phone: "+91 90000 90000" },
      version: 1,
    });
    const upsertId = uid("msg");
    const created = await deliver(m.id, upsertBody, { id: upsertId });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      status: "applied",
      event_id: upsertId,
      invoices: [{ invoice_id: inv, outcome: "applied", lines: [], anomalies: [] }],
    });
    expect(await getInvoice(m.key, inv)).toMatchObject({
      number: "INV-7",
      currency: "INR",
      total: 100000,
      amount_due: 100000,
      status: "open",
      due_date: "2030-01-31",
      customer: { name: "Asha Rao", email: "asha@example.com", phone: "+91 90000 90000" },
    });

    const paid = await deliver(
      m.id,
      payment(inv, "p-1", 45000, {
        tds: 5000,
        transaction_charge: 300,
        method: "bank_transfer",
        paid_at: "2026-11-20T15:30:00+05:30",
        reference: "UTR123",
        notes: "first instalment",
      }),
    );
    expect(paid.body.invoices[0].lines).toEqual(["applied"]);
    expect(await getInvoice(m.key, inv)).toMatchObject({
      amount_paid: 50000,
      amount_due: 50000,
      tds_withheld: 5000,
      transaction_charges: 300,
      status: "partially_paid",
    });

    const reversed = await deliver(
      m.id,
      event("payment.reversed", {
        invoice_id: inv,
        reversal_id: "r-1",
        payment_id: "p-1",
        amount: 10000,
        currency: "INR",
        reason: "cheque bounced in part",
      }),
    );
    expect(reversed.body.invoices[0]).toMatchObject({ lines: ["applied"], anomalies: [] });
    const writtenOff = await deliver(
      m.id,
      event("invoice.written_off", { invoice_id: inv, write_off_id: "w-1", amount: 10000, currency: "INR" }),
    );
    expect(writtenOff.body.invoices[0].lines).toEqual(["applied"]);
    expect(await getInvoice(m.key, inv)).toMatchObject({
      amount_paid: 40000,
      written_off: 10000,
      amount_due: 50000,
    });

    const lines = await getLines(m.key, inv);
    expect(lines).toEqual([
      expect.objectContaining({
        kind: "payment",
        source: "standard",
        external_id: "p-1",
        amount: 45000,
        tds: 5000,
        transaction_charge: 300,
        method: "bank_transfer",
        paid_at: "2026-11-20T10:00:00.000Z",
        reference: "UTR123",
        notes: "first instalment",
      }),
      expect.objectContaining({
        kind: "reversal",
        external_id: "r-1",
        amount: 10000,
        notes: "cheque bounced in part",
      }),
      expect.objectContaining({ kind: "write_off", external_id: "w-1", amount: 10000 }),
    ]);
    expect(lines[1].reverses).toBe(lines[0].id);

    expect((await deliver(m.id, event("invoice.voided", { invoice_id: inv }))).status).toBe(200);
    const voided = await getInvoice(m.key, inv);
    expect(voided.status).toBe("void");
    expect(voided.voided_at).not.toBeNull();

    const events = await getEvents(m.key, inv);
    expect(events.map((e) => [e.event_type, e.outcome, e.verification])).toEqual([
      ["invoice.upserted", "applied", "standard:v1:secret#0"],
      ["payment.recorded", "applied", "standard:v1:secret#0"],
      ["payment.reversed", "applied", "standard:v1:secret#0"],
      ["invoice.written_off", "applied", "standard:v1:secret#0"],
      ["invoice.voided", "applied", "standard:v1:secret#0"],
    ]);
    expect(events[0]).toMatchObject({ source: "standard", event_id: upsertId, raw_body: upsertBody });
    await clearAlarms(m.id, inv);
  });

  it("refuses tampered, wrongly signed, stale, future and incompletely signed deliveries, changing nothing", async () => {
    const m = await standardMerchant();
    const inv = uid("inv");
    expect((await deliver(m.id, upsert(inv))).status).toBe(200);
    expect((await deliver(m.id, payment(inv, "p-1", 1000))).status).toBe(200);
    const before = await snapshot(m.key, inv);

    const now = Math.floor(Date.now() / 1000);
    const body = payment(inv, "p-2", 90000);
    const id = uid("msg");
    const good = new Webhook(SECRET).sign(id, new Date(now * 1000), body);
    const attempts: Array<[string, DeliverOptions]> = [
      [body.replace("90000", "99999"), { id, timestamp: now, signature: good }], // tampered
      [body, { id: uid("msg"), timestamp: now, signature: good }], // same signature, new id
      [body, { id, timestamp: now + 1, signature: good }], // same signature, new timestamp
      [body, { secret: NEW_SECRET }], // a secret the merchant does not hold
      [body, { timestamp: now - 600 }], // correctly signed, too old
      [body, { timestamp: now + 600 }], // correctly signed, too far ahead
      [body, { omit: ["webhook-signature"] }],
      [body, { omit: ["webhook-id"] }],
      [body, { omit: ["webhook-timestamp"] }],
      [body, { signature: `v2,${good.slice(3)}` }],
      [body, { signature: "" }],
    ];
    for (const [raw, opts] of attempts) {
      const res = await deliver(m.id, raw, opts);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("signature_invalid");
      expect(res.text).not.toContain(SECRET.slice(6));
      expect(await snapshot(m.key, inv)).toEqual(before);
    }
    await clearAlarms(m.id, inv);
  });

  it("accepts the previous and the current secret during a rotation", async () => {
    const m = await standardMerchant([SECRET, NEW_SECRET]);
    const inv = uid("inv");
    expect((await deliver(m.id, upsert(inv), { secret: SECRET })).status).toBe(200);
    expect((await deliver(m.id, payment(inv, "p-1", 1000), { secret: NEW_SECRET })).status).toBe(200);
    const events = await getEvents(m.key, inv);
    expect(events.map((e) => e.verification)).toEqual(["standard:v1:secret#0", "standard:v1:secret#1"]);
    expect((await getInvoice(m.key, inv)).amount_paid).toBe(1000);
    await clearAlarms(m.id, inv);
  });

  it("answers retries 200 duplicate and never doubles a payment id, whatever the webhook-id", async () => {
    const m = await standardMerchant();
    const inv = uid("inv");
    expect((await deliver(m.id, upsert(inv))).status).toBe(200);
    const body = payment(inv, "p-1", 25000);
    const id = uid("msg");
    const now = Math.floor(Date.now() / 1000);
    expect((await deliver(m.id, body, { id, timestamp: now })).body.status).toBe("applied");
    // A retry keeps webhook-id and is signed afresh with a new timestamp.
    const retry = await deliver(m.id, body, { id, timestamp: now + 5 });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ status: "duplicate", event_id: id });

    const resent = await deliver(m.id, body);
    expect(resent.body.invoices[0].lines).toEqual(["duplicate"]);
    // The same payment id saying something else is kept as an anomaly; the recorded line stands.
    const altered = await deliver(m.id, payment(inv, "p-1", 30000));
    expect(altered.status).toBe(200);
    expect(altered.body.invoices[0]).toMatchObject({ lines: ["conflict"], anomalies: ["conflict"] });

    expect(await getInvoice(m.key, inv)).toMatchObject({
      amount_paid: 25000,
      amount_due: 75000,
      payments_count: 1,
    });
    expect(await getLines(m.key, inv)).toHaveLength(1);
    await clearAlarms(m.id, inv);
  });

  it("ends in the same state whatever order the events arrive in", async () => {
    const m = await standardMerchant();
    const inv = uid("inv");
    // A reversal before its payment, a payment before its invoice, then two snapshots out of order.
    const reversal = event("payment.reversed", {
      invoice_id: inv,
      reversal_id: "r-1",
      payment_id: "p-1",
      amount: 5000,
      currency: "INR",
    });
    expect((await deliver(m.id, reversal)).status).toBe(200);
    expect((await deliver(m.id, payment(inv, "p-1", 30000))).status).toBe(200);
    expect((await deliver(m.id, upsert(inv, { total: 120000, number: "v2", version: 2 }))).status).toBe(200);
    expect((await deliver(m.id, upsert(inv, { total: 100000, number: "v1", version: 1 }))).status).toBe(200);

    expect(await getInvoice(m.key, inv)).toMatchObject({
      number: "v2",
      total: 120000,
      amount_paid: 25000,
      amount_due: 95000,
      status: "partially_paid",
      payments_count: 1,
    });

    // Without a version, the envelope timestamp orders snapshots.
    const inv2 = uid("inv");
    const newer = event(
      "invoice.upserted",
      { invoice_id: inv2, currency: "INR", total: 2000, number: "late" },
      "2026-11-21T00:00:00Z",
    );
    const older = event(
      "invoice.upserted",
      { invoice_id: inv2, currency: "INR", total: 1000, number: "early" },
      "2026-11-20T00:00:00Z",
    );
    expect((await deliver(m.id, newer)).status).toBe(200);
    expect((await deliver(m.id, older)).status).toBe(200);
    expect(await getInvoice(m.key, inv2)).toMatchObject({ number: "late", total: 2000 });
    await clearAlarms(m.id, inv, inv2);
  });

  it("applies concurrent deliveries of one event exactly once", async () => {
    const m = await standardMerchant();
    const inv = uid("inv");
    expect((await deliver(m.id, upsert(inv))).status).toBe(200);
    const body = payment(inv, "p-1", 1000);
    const id = uid("msg");
    const replies = await Promise.all(Array.from({ length: 20 }, () => deliver(m.id, body, { id })));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(replies.filter((r) => r.body.status === "applied")).toHaveLength(1);
    expect(replies.filter((r) => r.body.status === "duplicate")).toHaveLength(19);

    const other = payment(inv, "p-2", 2000);
    const racing = await Promise.all(Array.from({ length: 20 }, () => deliver(m.id, other)));
    expect(racing.every((r) => r.status === 200)).toBe(true);
    expect(
      racing.flatMap((r) => r.body.invoices[0].lines).filter((l: string) => l === "applied"),
    ).toHaveLength(1);

    expect(await getInvoice(m.key, inv)).toMatchObject({ amount_paid: 3000, payments_count: 2 });
    expect(await getLines(m.key, inv)).toHaveLength(2);
    expect(await getEvents(m.key, inv)).toHaveLength(22);
    await clearAlarms(m.id, inv);
  });

  it("answers 400 to a verified body that is not a valid event, and changes nothing", async () => {
    const m = await standardMerchant();
    const inv = uid("inv");
    expect((await deliver(m.id, upsert(inv))).status).toBe(200);
    expect((await deliver(m.id, payment(inv, "p-1", 1000))).status).toBe(200);
    const before = await snapshot(m.key, inv);

    const bodies = [
      "{not json",
      "",
      "[]",
      JSON.stringify({ type: "payment.recorded", data: { invoice_id: inv } }),
      JSON.stringify({ type: "payment.recorded", timestamp: "yesterday", data: {} }),
      JSON.stringify({ type: "payment.recorded", timestamp: "2026-11-20T10:00:00Z", data: {}, extra: 1 }),
      payment(inv, "p-2", 1000.5),
      payment(inv, "p-2", "1000" as any),
      payment(inv, "p-2", -1),
      payment(inv, "p-2", 0),
      payment(inv, "p-2", 2 ** 53),
      payment(inv, "p-2", 1000, { colour: "red" }),
      payment(inv, "p-2", 1000, { currency: "XYZ" }),
      payment(inv, "p-2", 1000, { currency: "inr" }),
      payment(inv, "p-2", 1000, { paid_at: "20 Nov 2026" }),
      payment(inv, "", 1000),
      payment("bad invoice id", "p-2", 1000),
      event("payment.reversed", {
        invoice_id: inv,
        reversal_id: "r",
        payment_id: "p-1",
        amount: 0,
        currency: "INR",
      }),
      event("invoice.written_off", { invoice_id: inv, amount: 10, currency: "INR" }),
      event("invoice.voided", { invoice_id: inv, reason: "x" }),
      upsert(inv, { due_date: "31/01/2030" }),
      upsert(inv, { customer: { email: "not-an-email" } }),
    ];
    for (const raw of bodies) {
      const res = await deliver(m.id, raw);
      expect(res.status, raw.slice(0, 80)).toBe(400);
      expect(res.body.error.code).toBe("malformed_payload");
      expect(await snapshot(m.key, inv)).toEqual(before);
    }
    await clearAlarms(m.id, inv);
  });

  it("answers 413 to a body over 256 KiB, even a signed one", async () => {
    const m = await standardMerchant();
    const inv = uid("inv");
    expect((await deliver(m.id, upsert(inv))).status).toBe(200);
    const before = await snapshot(m.key, inv);
    const res = await deliver(m.id, payment(inv, "p-1", 1000, { notes: "x".repeat(256 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
    expect(await snapshot(m.key, inv)).toEqual(before);
    await clearAlarms(m.id, inv);
  });

  it("answers 404 for an unknown merchant or one without standard webhooks configured", async () => {
    const inv = uid("inv");
    expect((await deliver(uid("nobody"), upsert(inv))).status).toBe(404);
    const bare = await createMerchant();
    expect((await deliver(bare.id, upsert(inv))).status).toBe(404);
    const other = await createMerchant({
      providers: { razorpay: { webhook_secrets: ["some-razorpay-secret"] } },
    });
    const res = await deliver(other.id, upsert(inv));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
    expect((await call("GET", `/v1/invoices/${inv}`, { key: other.key })).status).toBe(404);
  });

  it("acknowledges unknown event types, logging them on a known invoice", async () => {
    const m = await standardMerchant();
    const inv = uid("inv");
    expect((await deliver(m.id, upsert(inv))).status).toBe(200);
    const before = await getInvoice(m.key, inv);
    const res = await deliver(m.id, event("invoice.sent", { invoice_id: inv, channel: "email" }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ignored", reason: expect.stringContaining("invoice.sent") });
    expect((await getEvents(m.key, inv)).at(-1)).toMatchObject({
      event_type: "invoice.sent",
      outcome: "ignored",
    });
    expect(await getInvoice(m.key, inv)).toEqual(before);

    const elsewhere = await deliver(m.id, event("customer.created", { id: "c-1" }));
    expect(elsewhere.body.status).toBe("ignored");
    await clearAlarms(m.id, inv);
  });
});
