import { describe, expect } from "vitest";
import { call, createMerchant, it, track } from "../../helpers";

// What the one ingestion pipeline enforces for every provider, seen through Riverty (which signs nothing,
// so a delivery needs only the path token).
const TOKEN = "pipeline-token-0123456789abcdef";

async function merchant() {
  return createMerchant({ providers: { riverty: { tokens: [TOKEN], check_ip: false } } });
}

const payment = (invoiceReference: string) =>
  JSON.stringify({
    type: "accounting/paymentReceived",
    parameters: {
      businessCode: "1004",
      currency: "EUR",
      invoiceReference,
      orderAmount: 450.0,
      orderReference: "ORD-1",
      paidAmount: 100.0,
      paymentDocument: "200400001208",
      remainingAmount: 350.0,
      tolerance: 0.0,
      transactionId: "PaymentInformation-1",
    },
  });

const post = (path: string, raw: string) =>
  call("POST", path, {
    raw,
    headers: { "content-type": "application/json", "cf-connecting-ip": "203.0.113.9" },
  });

describe("webhook pipeline", () => {
  it("answers 404 for an unknown provider and for Riverty without its token path", async () => {
    const m = await merchant();
    const unknown = await post(`/webhooks/stripe/${m.id}`, "{}");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("unknown_provider");
    expect((await post(`/webhooks/riverty/${m.id}`, payment("INV-1"))).status).toBe(404);
  });

  it("refuses, with 400 and no ledger, an invoice id the API could never address", async () => {
    const m = await merchant();
    for (const bad of ["-leading-dash", "has space", "x".repeat(129), "a/b"]) {
      const res = await post(`/webhooks/riverty/${m.id}/${TOKEN}`, payment(bad));
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe("malformed_payload");
    }
    const ok = await post(`/webhooks/riverty/${m.id}/${TOKEN}`, payment("_INV-0001"));
    expect(ok.status).toBe(200);
    const invoice = await call("GET", "/v1/invoices/_INV-0001", { key: m.key });
    expect(invoice.body).toMatchObject({ amount_paid: 10000, currency: "EUR" });
    track(m.id, "_INV-0001");
  });
});
