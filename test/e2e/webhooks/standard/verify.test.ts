// Standard Webhooks deliveries over HTTP that must be refused before anything is applied.
import { Webhook } from "standardwebhooks";
import { describe, expect } from "vitest";
import { call, createMerchant, getEvents, getInvoice, it, snapshot, track, uid } from "../../../helpers";
import {
  type DeliverOptions,
  deliver,
  event,
  NEW_SECRET,
  payment,
  SECRET,
  standardMerchant,
  upsert,
} from "../../../support/standard";

describe("standard webhooks over HTTP", () => {
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
    track(m.id, inv);
  });

  it("accepts the previous and the current secret during a rotation", async () => {
    const m = await standardMerchant([SECRET, NEW_SECRET]);
    const inv = uid("inv");
    expect((await deliver(m.id, upsert(inv), { secret: SECRET })).status).toBe(200);
    expect((await deliver(m.id, payment(inv, "p-1", 1000), { secret: NEW_SECRET })).status).toBe(200);
    const events = await getEvents(m.key, inv);
    expect(events.map((e) => e.verification)).toEqual(["standard:v1:secret#0", "standard:v1:secret#1"]);
    expect((await getInvoice(m.key, inv)).amount_paid).toBe(1000);
    track(m.id, inv);
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
    track(m.id, inv);
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
    track(m.id, inv);
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
});
