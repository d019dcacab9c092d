import { describe, expect } from "vitest";
import { call, createInvoice, createMerchant, it, track, uid } from "../helpers";

describe("invoices", () => {
  it("creates, reads and updates an invoice", async () => {
    const m = await createMerchant();
    const id = uid("inv");
    track(m.id, id);
    const created = await call("PUT", `/v1/invoices/${id}`, {
      key: m.key,
      body: {
        currency: "INR",
        total: 479030,
        due_date: "2030-02-01",
        number: "14",
        customer: { name: "Gaurav Kumar", email: "gaurav.kumar@example.com", phone: "+919000090000" },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id,
      number: "14",
      currency: "INR",
      total: 479030,
      amount_paid: 0,
      amount_due: 479030,
      credit_balance: 0,
      written_off: 0,
      status: "open",
      due_date: "2030-02-01",
      customer: { name: "Gaurav Kumar", email: "gaurav.kumar@example.com", phone: "+919000090000" },
      payments_count: 0,
    });
    expect(created.body.created_at).toMatch(/^\d{4}-/);

    const updated = await call("PUT", `/v1/invoices/${id}`, {
      key: m.key,
      body: { currency: "INR", total: 500000 },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.amount_due).toBe(500000);

    const read = await call("GET", `/v1/invoices/${id}`, { key: m.key });
    expect(read.status).toBe(200);
    expect(read.body.total).toBe(500000);
  });

  it("answers 404 for an unknown invoice and for another merchant's invoice", async () => {
    const a = await createMerchant();
    const b = await createMerchant();
    const { id } = await createInvoice(a.key);
    track(a.id, id);
    expect((await call("GET", `/v1/invoices/${uid("nope")}`, { key: a.key })).status).toBe(404);
    const other = await call("GET", `/v1/invoices/${id}`, { key: b.key });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe("not_found");
    const pay = await call("POST", `/v1/invoices/${id}/payments`, { key: b.key, body: { amount: 10 } });
    expect(pay.status).toBe(404);
    expect((await call("GET", `/v1/invoices/${id}`, { key: a.key })).body.amount_paid).toBe(0);
  });

  it("requires an API key", async () => {
    const none = await call("GET", "/v1/invoices/x");
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    expect((await call("GET", "/v1/invoices/x", { key: "ilk_wrong" })).status).toBe(401);
  });

  it("rejects malformed JSON, wrong types, unknown fields and bad currencies without changing anything", async () => {
    const m = await createMerchant();
    const { id } = await createInvoice(m.key, { total: 1000 });
    track(m.id, id);
    const cases: Array<[string, number]> = [
      ["{not json", 400],
      [JSON.stringify({ currency: "INR", total: "1000" }), 422],
      [JSON.stringify({ currency: "INR", total: 10.5 }), 422],
      [JSON.stringify({ currency: "INR", total: 1000, colour: "red" }), 422],
      [JSON.stringify({ currency: "XXX", total: 1000 }), 422],
      [JSON.stringify({ currency: "INR", total: -1 }), 422],
      [JSON.stringify({ currency: "INR", total: 2 ** 53 }), 422],
    ];
    for (const [raw, status] of cases) {
      const res = await call("PUT", `/v1/invoices/${id}`, {
        key: m.key,
        raw,
        headers: { "content-type": "application/json" },
      });
      expect(res.status, raw).toBe(status);
      expect(res.body.error.code, raw).toEqual(expect.any(String));
      expect(res.body.error.message, raw).toEqual(expect.any(String));
    }
    const noType = await call("PUT", `/v1/invoices/${id}`, {
      key: m.key,
      raw: JSON.stringify({ currency: "INR", total: 5 }),
    });
    expect(noType.status).toBeGreaterThanOrEqual(400);
    expect((await call("GET", `/v1/invoices/${id}`, { key: m.key })).body.total).toBe(1000);
  });

  it("voids an invoice, after which the API takes no payments", async () => {
    const m = await createMerchant();
    const { id } = await createInvoice(m.key);
    track(m.id, id);
    const v = await call("POST", `/v1/invoices/${id}/void`, { key: m.key });
    expect(v.status).toBe(200);
    expect(v.body.status).toBe("void");
    const again = await call("POST", `/v1/invoices/${id}/void`, { key: m.key });
    expect(again.status).toBe(200);
    const pay = await call("POST", `/v1/invoices/${id}/payments`, { key: m.key, body: { amount: 100 } });
    expect(pay.status).toBe(409);
    expect(pay.body.error.code).toBe("invoice_not_payable");
  });

  it("serves an OpenAPI 3.1 document generated from the routes", async () => {
    const doc = await call("GET", "/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe("3.1.0");
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        "/v1/invoices/{invoiceId}",
        "/v1/invoices/{invoiceId}/payments",
        "/v1/invoices/{invoiceId}/payments/{paymentId}/reverse",
        "/v1/invoices/{invoiceId}/void",
        "/admin/merchants/{merchantId}",
        "/admin/merchants/{merchantId}/api-keys",
        "/v1/invoices/{invoiceId}/write-offs",
        "/v1/invoices/{invoiceId}/adjustments",
        "/admin/merchants",
      ]),
    );
    expect(Object.keys(doc.body.paths["/admin/merchants/{merchantId}"]).sort()).toEqual([
      "delete",
      "get",
      "patch",
      "put",
    ]);
    expect(Object.keys(doc.body.paths["/admin/merchants/{merchantId}"].patch.requestBody.content)).toContain(
      "application/merge-patch+json",
    );
    expect(doc.body.components.schemas.PaymentCreate.properties.method.enum).toContain("demand_draft");
    // Steering reminders: PATCH beside PUT, the resend route, and the fields they show.
    expect(Object.keys(doc.body.paths["/v1/invoices/{invoiceId}"])).toEqual(
      expect.arrayContaining(["put", "patch", "get"]),
    );
    expect(doc.body.paths["/v1/invoices/{invoiceId}/reminders/{reminderId}/resend"].post).toBeDefined();
    expect(doc.body.components.schemas.InvoicePatch.properties.reminders.enum).toEqual(["paused", "active"]);
    expect(doc.body.components.schemas.Reminder.properties).toHaveProperty("next_attempt_at");
    expect(doc.body.components.schemas.ReminderPage.properties).toHaveProperty("upcoming");
  });
});
