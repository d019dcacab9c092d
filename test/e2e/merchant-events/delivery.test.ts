// Merchant events end to end: a committed change goes through the change feed's queue, the merchant's
// MerchantEvents object and the events queue to the merchant's endpoint, signed and verified there with the
// `standardwebhooks` package.
import { env } from "cloudflare:test";
import { describe, expect } from "vitest";
import { listFailedMerchantEvents } from "../../../src/events/failed";
import { call, createInvoice, it, track } from "../../helpers";
import { allFinal, deliveries, deliveriesUntil, eventsMerchant } from "../../support/events";
import { pay, until } from "../../support/reminders";

describe("merchant events: delivery", () => {
  it("a payment arrives signed and verified, with the invoice's version and balance, under its delivery id", async () => {
    const { m, rxs, endpoints } = await eventsMerchant([{ script: [200] }]);
    const inv = await createInvoice(m.key, { total: 100000 });
    track(m.id, inv.id);
    expect((await pay(m.key, inv.id, 40000)).status).toBe(201);
    const ds = await deliveriesUntil(m.key, endpoints[0]!.id, allFinal(3));
    expect(ds.map((d) => [d.type, d.version, d.status, d.attempts])).toEqual([
      ["invoice.created", 1, "delivered", 1],
      ["invoice.payment_recorded", 2, "delivered", 1],
      ["invoice.partially_paid", 2, "delivered", 1],
    ]);
    const got = await rxs[0]!.deliveries();
    expect(got).toHaveLength(3);
    for (const g of got) expect(g.verified, g.verifyError ?? "").toBe(true);
    expect(got.map((g) => g.webhookId).sort()).toEqual(ds.map((d) => d.id).sort());
    const paid = got.find((g) => (g.body as any).type === "invoice.partially_paid")!.body as any;
    expect(paid.data.invoice).toMatchObject({
      id: inv.id,
      currency: "INR",
      total: 100000,
      amount_paid: 40000,
      amount_due: 60000,
      credit_balance: 0,
      status: "partially_paid",
      version: 2,
    });
    expect(paid.data.change).toMatchObject({ version: 2, previous_status: "open" });
    const [line] = (await call("GET", `/v1/invoices/${inv.id}/payments`, { key: m.key })).body.data;
    expect(paid.data.change.lines).toEqual([
      {
        id: line.id,
        kind: "payment",
        source: "api",
        amount: 40000,
        tds: 0,
        currency: "INR",
        method: "bank_transfer",
        reference: null,
        reverses: null,
      },
    ]);
    expect(paid.data.merchant_id).toBe(m.id);
  });

  it("a bounced cheque announces the reversal with the payment it takes back, and the invoice open again", async () => {
    const { m, rxs, endpoints } = await eventsMerchant([
      { script: [200], events: ["invoice.paid", "invoice.payment_reversed"] },
    ]);
    const inv = await createInvoice(m.key, { total: 5000 });
    track(m.id, inv.id);
    const payment = await pay(m.key, inv.id, 5000);
    expect(payment.status).toBe(201);
    const reverse = await call("POST", `/v1/invoices/${inv.id}/payments/${payment.body.payment.id}/reverse`, {
      key: m.key,
      body: { reason: "cheque bounced" },
    });
    expect(reverse.status, reverse.text).toBe(201);
    const ds = await deliveriesUntil(m.key, endpoints[0]!.id, allFinal(2));
    expect(ds.map((d) => [d.type, d.version])).toEqual([
      ["invoice.paid", 2],
      ["invoice.payment_reversed", 3],
    ]);
    const bodies = (await rxs[0]!.deliveries()).map((g) => g.body as any);
    const reversed = bodies.find((b) => b.type === "invoice.payment_reversed");
    expect(reversed.data.invoice).toMatchObject({
      status: "open",
      amount_paid: 0,
      amount_due: 5000,
      version: 3,
    });
    expect(reversed.data.change).toMatchObject({ previous_status: "paid", kinds: ["payment_reversed"] });
    expect(reversed.data.change.lines).toMatchObject([
      { kind: "reversal", amount: 5000, reverses: payment.body.payment.id },
    ]);
  });

  it("an endpoint receives only the events it subscribes to", async () => {
    const { m, rxs, endpoints } = await eventsMerchant([
      { script: [200], events: ["invoice.paid"] },
      { script: [200], events: ["invoice.created", "invoice.voided"] },
    ]);
    const inv = await createInvoice(m.key, { total: 5000 });
    track(m.id, inv.id);
    expect((await pay(m.key, inv.id, 5000)).status).toBe(201);
    const paidOnly = await deliveriesUntil(m.key, endpoints[0]!.id, allFinal(1));
    expect(paidOnly.map((d) => d.type)).toEqual(["invoice.paid"]);
    const created = await deliveriesUntil(m.key, endpoints[1]!.id, allFinal(1));
    expect(created.map((d) => d.type)).toEqual(["invoice.created"]);
    expect((await rxs[0]!.deliveries()).map((g) => (g.body as any).type)).toEqual(["invoice.paid"]);
  });

  it("a 500 and then a 429 with Retry-After are retried under the same webhook-id until delivered", async () => {
    const { m, rxs, endpoints } = await eventsMerchant([
      { script: [500, { status: 429, retryAfter: 1 }, 200], events: ["invoice.created"] },
    ]);
    const inv = await createInvoice(m.key);
    track(m.id, inv.id);
    const [d] = await deliveriesUntil(m.key, endpoints[0]!.id, allFinal(1));
    expect(d).toMatchObject({ status: "delivered", attempts: 3, last_error: "HTTP 429", last_status: 200 });
    const got = await rxs[0]!.deliveries();
    expect(got.map((g) => g.answered)).toEqual([500, 429, 200]);
    expect(new Set(got.map((g) => g.webhookId))).toEqual(new Set([d!.id]));
    expect(got.every((g) => g.verified)).toBe(true);
    // The same bytes each time: the body was built once, when the event was recorded.
    expect(new Set(got.map((g) => JSON.stringify(g.body))).size).toBe(1);
  });

  it("a final refusal fails at once, shows as failed, and a resend delivers it under the same id", async () => {
    const { m, rxs, endpoints } = await eventsMerchant([{ script: [410, 200], events: ["invoice.created"] }]);
    const ep = endpoints[0]!.id;
    const inv = await createInvoice(m.key);
    track(m.id, inv.id);
    const [failed] = await deliveriesUntil(m.key, ep, allFinal(1));
    expect(failed).toMatchObject({ status: "failed", attempts: 1, last_error: "HTTP 410", last_status: 410 });
    expect((await deliveries(m.key, ep, "&status=failed")).map((d) => d.id)).toEqual([failed!.id]);
    expect(await deliveries(m.key, ep, "&status=delivered")).toEqual([]);
    const domain = await listFailedMerchantEvents(env, m.id);
    expect(domain.items.map((d) => [d.id, d.invoiceId, d.type])).toEqual([
      [failed!.id, inv.id, "invoice.created"],
    ]);

    const resend = await call("POST", `/v1/webhook-endpoints/${ep}/deliveries/${failed!.id}/resend`, {
      key: m.key,
    });
    expect(resend.status, resend.text).toBe(202);
    expect(resend.body).toMatchObject({ id: failed!.id, status: "pending", attempts: 0, resends: 1 });
    const [done] = await deliveriesUntil(m.key, ep, (d) => d[0]?.status === "delivered");
    expect(done).toMatchObject({ id: failed!.id, attempts: 1, resends: 1 });
    const got = await rxs[0]!.deliveries();
    expect(got.map((g) => [g.webhookId, g.answered])).toEqual([
      [failed!.id, 410],
      [failed!.id, 200],
    ]);
    // Only a failed delivery is resent.
    const again = await call("POST", `/v1/webhook-endpoints/${ep}/deliveries/${failed!.id}/resend`, {
      key: m.key,
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("delivery_not_resendable");
    expect((await listFailedMerchantEvents(env, m.id, { endpointId: ep })).items).toEqual([]);
  });

  it("retries that run out dead-letter the event, which then shows as failed with the last error", async () => {
    const { m, rxs, endpoints } = await eventsMerchant([
      { script: [503], events: ["invoice.created"], max_attempts: 2 },
    ]);
    const inv = await createInvoice(m.key);
    track(m.id, inv.id);
    const [d] = await deliveriesUntil(m.key, endpoints[0]!.id, allFinal(1));
    expect(d).toMatchObject({ status: "failed", attempts: 2, last_status: 503 });
    expect(d!.dead_lettered_at).not.toBeNull();
    expect(d!.last_error).toBe("dead-lettered after 2 attempts: HTTP 503");
    expect((await rxs[0]!.deliveries()).map((g) => g.answered)).toEqual([503, 503]);
  });

  it("a rotated secret keeps signing beside the new one, so a receiver still on the old one verifies", async () => {
    const { m, rxs, endpoints } = await eventsMerchant([{ script: [200], events: ["invoice.voided"] }]);
    const ep = endpoints[0]!.id;
    const fresh = `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;
    const patched = await call("PATCH", `/admin/merchants/${m.id}`, {
      key: "test-admin-token",
      body: { webhooks: { update: { [ep]: { secret: fresh } } } },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.webhooks[0].previous_secret_expires_at).not.toBeNull();
    const inv = await createInvoice(m.key);
    track(m.id, inv.id);
    expect((await call("POST", `/v1/invoices/${inv.id}/void`, { key: m.key })).status).toBe(200);
    await deliveriesUntil(m.key, ep, allFinal(1));
    const [got] = await until(
      () => rxs[0]!.deliveries(),
      (g) => g.length === 1,
    );
    // The receiver knows only the old secret.
    expect(got!.verified, got!.verifyError ?? "").toBe(true);
  });
});

describe("merchant events: a disabled endpoint", () => {
  it("gets no new events, and its failed delivery is not resent until it is enabled again", async () => {
    const { m, rxs, endpoints } = await eventsMerchant([
      { script: [410, 200], events: ["invoice.created"] },
      { script: [200], events: ["invoice.created"] },
    ]);
    const [off, sentinel] = endpoints.map((e) => e.id) as [string, string];
    track(m.id, (await createInvoice(m.key)).id);
    const [failed] = await deliveriesUntil(m.key, off, allFinal(1));
    expect(failed!.status).toBe("failed");
    const disable = await call("PATCH", `/admin/merchants/${m.id}`, {
      key: "test-admin-token",
      body: { webhooks: { update: { [off]: { enabled: false } } } },
    });
    expect(disable.status).toBe(200);
    const resendPath = `/v1/webhook-endpoints/${off}/deliveries/${failed!.id}/resend`;
    const refused = await call("POST", resendPath, { key: m.key });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("endpoint_disabled");

    track(m.id, (await createInvoice(m.key)).id);
    // The enabled endpoint heard of both invoices; the disabled one of the first only.
    await deliveriesUntil(m.key, sentinel, allFinal(2));
    expect((await deliveries(m.key, off)).map((d) => d.id)).toEqual([failed!.id]);
    expect(await rxs[0]!.deliveries()).toHaveLength(1);

    const enable = await call("PATCH", `/admin/merchants/${m.id}`, {
      key: "test-admin-token",
      body: { webhooks: { update: { [off]: { enabled: true } } } },
    });
    expect(enable.status).toBe(200);
    expect((await call("POST", resendPath, { key: m.key })).status).toBe(202);
    await deliveriesUntil(m.key, off, (d) => d[0]?.status === "delivered");
  });
});
