// A payment that arrived before the invoice's total is reminded about once the total is known, whichever
// way it comes (PUT, PATCH, a provider's invoice.upserted), and only once.
import { Webhook } from "standardwebhooks";
import { describe, expect } from "vitest";
import { call, createMerchant, it, track, uid } from "../../helpers";
import { listReminders, patch, receiver, settled, until } from "../../support/reminders";

describe("partial_payment once the total is known", () => {
  const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  /** A merchant taking Standard Webhooks, whose reminders go to a receiver answering 200. */
  async function merchant() {
    const rx = await receiver([200]);
    const m = await createMerchant({
      providers: { standard: { secrets: [SECRET] } },
      notifications: { enabled: true, url: rx.url, secret: rx.secret },
    });
    return { rx, m };
  }

  /** A Standard Webhooks delivery, signed with the standardwebhooks package. */
  function deliver(merchantId: string, type: string, data: Record<string, unknown>) {
    const id = uid("msg");
    const body = JSON.stringify({ type, timestamp: new Date().toISOString(), data });
    // One instant for the signature and the header: two clock reads can straddle a second and disagree.
    const now = new Date();
    const headers = {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": new Webhook(SECRET).sign(id, now, body),
    };
    return call("POST", `/webhooks/standard/${merchantId}`, { raw: body, headers });
  }

  const payFirst = async (merchantId: string, invoiceId: string) => {
    const res = await deliver(merchantId, "payment.recorded", {
      invoice_id: invoiceId,
      payment_id: uid("pay"),
      amount: 25000,
      currency: "INR",
    });
    expect(res.status, res.text).toBe(200);
  };

  const ways: Array<
    [string, (merchantId: string, key: string, invoiceId: string, total: number) => Promise<number>]
  > = [
    [
      "PUT",
      async (_m, key, invoiceId, total) =>
        (await call("PUT", `/v1/invoices/${invoiceId}`, { key, body: { currency: "INR", total } })).status,
    ],
    [
      "PATCH",
      async (_m, key, invoiceId, total) => (await patch(key, invoiceId, { currency: "INR", total })).status,
    ],
    [
      "a provider's invoice.upserted",
      async (merchantId, _k, invoiceId, total) =>
        (await deliver(merchantId, "invoice.upserted", { invoice_id: invoiceId, currency: "INR", total }))
          .status,
    ],
  ];

  for (const [way, setTotal] of ways) {
    it(`a payment that arrived before the total is reminded about once the total comes by ${way}`, async () => {
      const { rx, m } = await merchant();
      const invoiceId = uid("inv");
      track(m.id, invoiceId);
      await payFirst(m.id, invoiceId);
      expect(await listReminders(m.key, invoiceId)).toEqual([]);

      expect([200, 201]).toContain(await setTotal(m.id, m.key, invoiceId, 100000));
      const rs = await until(() => listReminders(m.key, invoiceId), settled);
      expect(rs.map((r) => [r.reason, r.status])).toEqual([["partial_payment", "delivered"]]);
      const [got] = await rx.deliveries();
      expect((got!.body as any).data.invoice).toMatchObject({
        total: 100000,
        amount_paid: 25000,
        amount_due: 75000,
      });

      // Remembered once: later changes to the facts send nothing more.
      expect((await patch(m.key, invoiceId, { number: "N-1" })).status).toBe(200);
      expect(await listReminders(m.key, invoiceId)).toHaveLength(1);
    });
  }

  it("a total that the early payment covers in full sends no partial_payment reminder", async () => {
    const { rx, m } = await merchant();
    const invoiceId = uid("inv");
    track(m.id, invoiceId);
    await payFirst(m.id, invoiceId);
    expect((await patch(m.key, invoiceId, { currency: "INR", total: 25000 })).body.status).toBe("paid");
    // A later raise of the total leaves money due, but the payment's moment has passed: nothing is sent.
    expect((await patch(m.key, invoiceId, { total: 30000 })).status).toBe(200);
    expect(await listReminders(m.key, invoiceId)).toEqual([]);
    expect(await rx.deliveries()).toEqual([]);
  });
});
