// What must never happen twice or reach the wrong merchant: a change heard again or out of order makes no
// second event; Chargebee's skip header makes none; one merchant never sees or reaches another's events.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect } from "vitest";
import type { InvoiceLedger } from "../../../src/ledger/invoice-ledger";
import type { InvoiceChange } from "../../../src/portfolio/change";
import { call, createInvoice, it, track, uid } from "../../helpers";
import { allFinal, deliveries, deliveriesUntil, eventsMerchant } from "../../support/events";
import { listUntil } from "../../support/portfolio";
import { pay } from "../../support/reminders";

/** A change record as an invoice's object writes it (src/ledger/changes/change-feed.ts). */
function change(merchantId: string, invoiceId: string, version: number, kinds: string[]): InvoiceChange {
  return {
    v: 1,
    merchantId,
    invoiceId,
    version,
    kinds: kinds as InvoiceChange["kinds"],
    previousStatus: version === 1 ? null : "open",
    at: new Date().toISOString(),
    invoice: {
      id: invoiceId,
      number: "N-1",
      currency: "INR",
      total: 1000,
      amountPaid: version === 1 ? 0 : 400,
      amountDue: version === 1 ? 1000 : 600,
      creditBalance: 0,
      status: version === 1 ? "open" : "partially_paid",
      dueDate: null,
      customer: { name: null, email: null },
      anomaliesCount: 0,
      providerMismatch: false,
      sources: ["api"],
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      voidedAt: null,
      remindersFailed: 0,
      reminderFailedAt: null,
    },
  };
}

describe("merchant events: never twice, never elsewhere", () => {
  it("duplicated and reordered change messages on the real queue produce each event once", async () => {
    const { m, rxs, endpoints } = await eventsMerchant([{ script: [200] }]);
    const invoiceId = uid("ghost");
    const v1 = change(m.id, invoiceId, 1, ["created"]);
    const v2 = change(m.id, invoiceId, 2, ["payment_recorded", "partially_paid"]);
    // Newest first, each twice, in one batch and again in another.
    await env.CHANGES.sendBatch([v2, v1, v2, v1].map((body) => ({ body, contentType: "json" as const })));
    await env.CHANGES.sendBatch([v1, v2].map((body) => ({ body, contentType: "json" as const })));
    const ds = await deliveriesUntil(m.key, endpoints[0]!.id, allFinal(3));
    expect(ds.map((d) => [d.type, d.version, d.status])).toEqual([
      ["invoice.payment_recorded", 2, "delivered"],
      ["invoice.partially_paid", 2, "delivered"],
      ["invoice.created", 1, "delivered"],
    ]);
    // Heard again, directly, in any order: nothing new is recorded.
    const stub = env.MERCHANT_EVENTS.getByName(m.id);
    const subs = [
      {
        id: endpoints[0]!.id,
        events: ["invoice.created", "invoice.payment_recorded", "invoice.partially_paid"] as any,
      },
    ];
    expect(await stub.record(m.id, [v1, v2, v2], subs)).toEqual({ recorded: 0, duplicates: 5 });
    expect(await deliveries(m.key, endpoints[0]!.id)).toHaveLength(3);
    const got = await rxs[0]!.deliveries();
    expect(new Set(got.map((g) => g.webhookId)).size).toBe(3);
    expect(got).toHaveLength(3);
  });

  it("a payment recorded with chargebee-event-webhook: all-disabled sends no event; the next one does", async () => {
    const { m, endpoints } = await eventsMerchant([{ script: [200], events: ["invoice.payment_recorded"] }]);
    const inv = await createInvoice(m.key, { currency: "USD", total: 10000 });
    track(m.id, inv.id);
    const skipped = await call("POST", `/api/v2/invoices/${inv.id}/record_payment`, {
      raw: "transaction[amount]=1000&transaction[payment_method]=check&transaction[date]=1717000000",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${btoa(`${m.key}:`)}`,
        "chargebee-event-webhook": "all-disabled",
      },
    });
    expect(skipped.status, skipped.text).toBe(200);
    expect((await pay(m.key, inv.id, 2000)).status).toBe(201);
    const ds = await deliveriesUntil(m.key, endpoints[0]!.id, allFinal(1));
    // Version 2 was the skipped payment; only version 3's event exists.
    expect(ds.map((d) => [d.type, d.version])).toEqual([["invoice.payment_recorded", 3]]);
  });

  it("a merchant sees and reaches only its own endpoints and deliveries", async () => {
    const a = await eventsMerchant([{ script: [410], events: ["invoice.created"] }]);
    const b = await eventsMerchant([{ script: [200], events: ["invoice.created"] }]);
    const inv = await createInvoice(a.m.key, {}, "INV-SHARED");
    const invB = await createInvoice(b.m.key, {}, "INV-SHARED");
    track(a.m.id, inv.id);
    track(b.m.id, invB.id);
    const [failedA] = await deliveriesUntil(a.m.key, a.endpoints[0]!.id, allFinal(1));
    await deliveriesUntil(b.m.key, b.endpoints[0]!.id, allFinal(1));
    expect(failedA!.status).toBe("failed");

    const listA = await call("GET", "/v1/webhook-endpoints", { key: a.m.key });
    expect(listA.status).toBe(200);
    expect(listA.body.data.map((e: any) => e.id)).toEqual([a.endpoints[0]!.id]);
    expect(listA.body.data[0].secret).toBe("[redacted]");
    expect(listA.text).not.toContain(a.rxs[0]!.secret.slice(6));

    // B's key on A's endpoint, and on A's failed delivery: as unknown as none.
    const peek = await call("GET", `/v1/webhook-endpoints/${a.endpoints[0]!.id}/deliveries`, {
      key: b.m.key,
    });
    expect(peek.status).toBe(404);
    const steal = await call(
      "POST",
      `/v1/webhook-endpoints/${b.endpoints[0]!.id}/deliveries/${failedA!.id}/resend`,
      { key: b.m.key },
    );
    expect(steal.status).toBe(404);
    const cross = await call(
      "POST",
      `/v1/webhook-endpoints/${a.endpoints[0]!.id}/deliveries/${failedA!.id}/resend`,
      { key: b.m.key },
    );
    expect(cross.status).toBe(404);
    // Each receiver got only its own merchant's event.
    expect((await a.rxs[0]!.deliveries()).map((g) => (g.body as any).data.merchant_id)).toEqual([a.m.id]);
    expect((await b.rxs[0]!.deliveries()).map((g) => (g.body as any).data.merchant_id)).toEqual([b.m.id]);
  });

  it("a deliveries cursor is bound to its endpoint and status filter", async () => {
    const { m, endpoints } = await eventsMerchant([{ script: [200], events: ["invoice.created"] }]);
    for (const id of ["C-1", "C-2"]) track(m.id, (await createInvoice(m.key, {}, id)).id);
    const ep = endpoints[0]!.id;
    await deliveriesUntil(m.key, ep, allFinal(2));
    const first = await call("GET", `/v1/webhook-endpoints/${ep}/deliveries?limit=1`, { key: m.key });
    expect(first.body).toMatchObject({ has_more: true });
    const next = await call(
      "GET",
      `/v1/webhook-endpoints/${ep}/deliveries?limit=1&cursor=${first.body.next_cursor}`,
      {
        key: m.key,
      },
    );
    expect(next.status).toBe(200);
    expect(next.body.data[0].id).not.toBe(first.body.data[0].id);
    expect(next.body).toMatchObject({ has_more: false, next_cursor: null });
    const other = await call(
      "GET",
      `/v1/webhook-endpoints/${ep}/deliveries?status=delivered&limit=1&cursor=${first.body.next_cursor}`,
      { key: m.key },
    );
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("invalid_cursor");
  });
});

describe("merchant events: changes handed over again by the ledger", () => {
  // The change feed marks what it handed over in a transaction after the send (src/ledger/changes/change-feed.ts);
  // an object evicted between the send and that mark has its alarm hand the same changes over again. Consumers
  // must take them as heard already: at least once, https://developers.cloudflare.com/queues/reference/delivery-guarantees/
  it("an object evicted before its mark hands its changes over again: no second event, no older index row", async () => {
    const { m, rxs, endpoints } = await eventsMerchant([{ script: [200] }]);
    const inv = await createInvoice(m.key, { currency: "USD", total: 10000, number: "RE-1" });
    track(m.id, inv.id);
    const stub = env.INVOICE_LEDGER.getByName(`${m.id}:${inv.id}`);
    const newest = () =>
      runInDurableObject(stub, (_l, state) =>
        state.storage.sql
          .exec<{ body: string }>("SELECT body FROM change_outbox ORDER BY version DESC LIMIT 1")
          .one(),
      );
    const bodies = [(await newest()).body];
    for (const amount of [1000, 2000]) {
      expect((await pay(m.key, inv.id, amount)).status).toBe(201);
      bodies.push((await newest()).body);
    }
    const ep = endpoints[0]!.id;
    const before = await deliveriesUntil(m.key, ep, allFinal(4));
    await listUntil(m.key, "", (items) => items.some((i) => i.id === inv.id && i.version === 3));

    // All three sent, none marked, and a fourth committed whose send the eviction cut off; then the alarm of a
    // new instance on the same storage (what an eviction leaves: no memory of what was sent). The fourth, whose
    // events are new, shows when the consumers have taken the batch that carried all four.
    const lost = JSON.parse(bodies[2]!) as InvoiceChange;
    lost.version = 4;
    lost.invoice.number = "RE-LOST";
    const rows = await runInDurableObject(stub, async (ledger, state) => {
      const sql = state.storage.sql;
      sql.exec("DELETE FROM change_outbox");
      for (const body of [...bodies, JSON.stringify(lost)]) {
        const v = (JSON.parse(body) as InvoiceChange).version;
        sql.exec(
          "INSERT INTO change_outbox (version, body, handover_at) VALUES (?, ?, ?)",
          v,
          body,
          Date.now() - 1,
        );
      }
      const evicted = new (ledger.constructor as new (s: DurableObjectState, e: typeof env) => InvoiceLedger)(
        state,
        env,
      );
      await evicted.alarm();
      return sql.exec("SELECT version, handover_at FROM change_outbox").toArray();
    });
    // The alarm marks what it handed over before it ends.
    expect(rows).toEqual([{ version: 4, handover_at: null }]);

    const [item] = await listUntil(m.key, "", (items) =>
      items.some((i) => i.id === inv.id && i.version === 4),
    );
    expect(item).toMatchObject({ version: 4, number: "RE-LOST", amount_paid: 3000 });
    // The resent changes and the lost one came in one batch; once the lost one's events are in, any second
    // event for versions 1-3 would be too.
    const after = await deliveriesUntil(m.key, ep, (d) => allFinal(1)(d.filter((x) => x.version === 4)));
    const seen = (ds: Array<Record<string, any>>) => ds.map((d) => `${d.type}@${d.version}:${d.id}`).sort();
    expect(seen(after.filter((d) => d.version < 4))).toEqual(seen(before));
    expect(after).toHaveLength(5);
    const got = await rxs[0]!.deliveries();
    expect(got).toHaveLength(5);
    expect(new Set(got.map((g) => g.webhookId)).size).toBe(5);
  });
});
