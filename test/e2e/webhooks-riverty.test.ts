import { describe, expect, it } from "vitest";
import fullText from "../fixtures/riverty/payment-received-full.json?raw";
import partialText from "../fixtures/riverty/payment-received-partial.json?raw";
import { ADMIN, call, clearAlarms, createMerchant, uid } from "../helpers";

const PROD_IP = "20.103.56.175";
const UAT_IP = "20.76.134.255";
const full = JSON.parse(fullText) as { type: string; parameters: Record<string, unknown> };
const partial = JSON.parse(partialText) as typeof full;
const FULL_KEY = `${full.parameters.paymentDocument}:${full.parameters.transactionId}:${full.parameters.invoiceReference}`;

const newToken = () => `tok_${crypto.randomUUID().replaceAll("-", "")}`;

async function merchant(config: Record<string, unknown> = {}) {
  const token = newToken();
  const m = await createMerchant({ providers: { riverty: { tokens: [token], ...config } } });
  return { ...m, token };
}

const deliver = (merchantId: string, token: string, body: string, ip: string | null = PROD_IP) =>
  call("POST", `/webhooks/riverty/${merchantId}/${token}`, {
    raw: body,
    headers: { "content-type": "application/json", ...(ip ? { "cf-connecting-ip": ip } : {}) },
  });

/** A notification built from a sample with parameter overrides. */
const notification = (base: typeof full, parameters: Record<string, unknown> = {}) =>
  JSON.stringify({ ...base, parameters: { ...base.parameters, ...parameters } });

async function ledger(key: string, invoiceId: string) {
  const [invoice, lines, events] = await Promise.all([
    call("GET", `/v1/invoices/${invoiceId}`, { key }),
    call("GET", `/v1/invoices/${invoiceId}/payments`, { key }),
    call("GET", `/v1/invoices/${invoiceId}/events`, { key }),
  ]);
  return { status: invoice.status, invoice: invoice.body, lines: lines.body, events: events.body };
}

describe("Riverty webhooks", () => {
  it("applies the official full-payment sample", async () => {
    const m = await merchant();
    const res = await deliver(m.id, m.token, fullText);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: "applied",
      event_id: `riverty:${FULL_KEY}`,
      invoices: [{ invoice_id: "INVO90006768", outcome: "applied", lines: ["applied"], anomalies: [] }],
    });
    const { invoice, lines, events } = await ledger(m.key, "INVO90006768");
    expect(invoice).toMatchObject({
      currency: "EUR",
      total: 45000,
      amount_paid: 45000,
      amount_due: 0,
      written_off: 0,
      status: "paid",
      provider_reports: [
        { source: "riverty", total: 45000, amount_paid: null, amount_due: 0, status: null, mismatch: false },
      ],
    });
    expect(lines.data).toEqual([
      expect.objectContaining({
        kind: "payment",
        source: "riverty",
        external_id: FULL_KEY,
        amount: 45000,
        currency: "EUR",
        reference: "200400001208",
      }),
    ]);
    expect(events.data[0]).toMatchObject({
      event_type: "accounting/paymentReceived",
      verification: "riverty:path-token#0+ip",
      raw_body: fullText,
    });
    await clearAlarms(m.id, "INVO90006768");
  });

  it("applies the partial sample: 450.00 ordered, 445.00 paid, 5.00 due as Riverty reports", async () => {
    const m = await merchant();
    expect((await deliver(m.id, m.token, partialText, UAT_IP)).status).toBe(200);
    const { invoice, lines } = await ledger(m.key, "INV-0006771");
    expect(invoice).toMatchObject({
      total: 45000,
      amount_paid: 44500,
      amount_due: 500,
      status: "partially_paid",
      provider_reports: [
        { source: "riverty", total: 45000, amount_due: 500, amount_paid: null, mismatch: false },
      ],
    });
    expect(lines.data.map((l: any) => [l.kind, l.amount])).toEqual([["payment", 44500]]);
    await clearAlarms(m.id, "INV-0006771");
  });

  it("refuses a wrong or missing token, a wrong or missing IP and unknown merchants, changing nothing", async () => {
    const m = await merchant();
    const cases: Array<[string, string, string | null, number]> = [
      ["wrong token", newToken(), PROD_IP, 401],
      ["token off by its last character", `${m.token.slice(0, -1)}x`, PROD_IP, 401],
      ["token prefix", m.token.slice(0, 24), PROD_IP, 401],
      ["token with a suffix", `${m.token}0`, PROD_IP, 401],
      ["address not allowed", m.token, "203.0.113.9", 401],
      ["IPv6 address not allowed", m.token, "2001:db8::1", 401],
      ["no CF-Connecting-IP", m.token, null, 401],
    ];
    for (const [name, token, ip, status] of cases) {
      const res = await deliver(m.id, token, fullText, ip);
      expect(res.status, name).toBe(status);
      expect(res.body.error.code, name).toBe("signature_invalid");
      expect((await ledger(m.key, "INVO90006768")).status, name).toBe(404);
    }
    const noToken = await call("POST", `/webhooks/riverty/${m.id}`, {
      raw: fullText,
      headers: { "cf-connecting-ip": PROD_IP },
    });
    expect(noToken.status).toBe(404);
    expect((await deliver(uid("nobody"), m.token, fullText)).status).toBe(404);

    // With a payment in place, rejected deliveries leave every figure and log as they were.
    expect((await deliver(m.id, m.token, partialText)).status).toBe(200);
    const before = await ledger(m.key, "INV-0006771");
    const second = notification(partial, {
      paymentDocument: "307000009999",
      paidAmount: 5.0,
      remainingAmount: 0,
    });
    for (const [name, token, ip] of cases) {
      expect((await deliver(m.id, token, second, ip)).status, name).toBe(401);
      expect(await ledger(m.key, "INV-0006771"), name).toEqual(before);
    }
    await clearAlarms(m.id, "INVO90006768", "INV-0006771");
  });

  it("trusts the channel, not the body: a tampered replay of a recorded payment changes nothing", async () => {
    const m = await merchant();
    expect((await deliver(m.id, m.token, partialText)).status).toBe(200);
    const before = await ledger(m.key, "INV-0006771");
    const tampered = notification(partial, { paidAmount: 450.0, remainingAmount: 0 });
    const res = await deliver(m.id, m.token, tampered);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("duplicate");
    expect(await ledger(m.key, "INV-0006771")).toEqual(before);
    await clearAlarms(m.id, "INV-0006771");
  });

  it("accepts any IP when check_ip is false, and any configured token while rotating", async () => {
    const old = newToken();
    const next = newToken();
    const m = await createMerchant({ providers: { riverty: { tokens: [old, next], check_ip: false } } });
    const a = notification(partial, { paymentDocument: "1", paidAmount: 100, remainingAmount: 350 });
    const b = notification(partial, { paymentDocument: "2", paidAmount: 345, remainingAmount: 5 });
    expect((await deliver(m.id, old, a, "198.51.100.7")).status).toBe(200);
    expect((await deliver(m.id, next, b, null)).status).toBe(200);
    expect((await deliver(m.id, newToken(), b, PROD_IP)).status).toBe(401);
    const { invoice, events } = await ledger(m.key, "INV-0006771");
    expect(invoice).toMatchObject({ amount_paid: 44500, amount_due: 500 });
    expect(events.data.map((e: any) => e.verification)).toEqual([
      "riverty:path-token#0+no-ip-check",
      "riverty:path-token#1+no-ip-check",
    ]);

    const custom = await merchant({ allowed_ips: ["198.51.100.7", "2001:DB8::7"] });
    expect((await deliver(custom.id, custom.token, partialText, PROD_IP)).status).toBe(401);
    expect((await deliver(custom.id, custom.token, partialText, "2001:db8::7")).status).toBe(200);
    await clearAlarms(m.id, "INV-0006771");
    await clearAlarms(custom.id, "INV-0006771");
  });

  it("matches IPv6 loopback, IPv4-mapped addresses and CIDR ranges of both families", async () => {
    const m = await merchant({ allowed_ips: ["127.0.0.0/8", "::1", "20.103.56.0/24", "2001:db8:42::/48"] });
    const cases: Array<[string, number]> = [
      ["::1", 200],
      ["0:0:0:0:0:0:0:1", 200],
      ["127.0.0.1", 200],
      ["127.8.9.10", 200],
      ["::ffff:127.0.0.1", 200],
      ["20.103.56.9", 200],
      ["::ffff:20.103.56.200", 200],
      ["2001:DB8:42:7::1", 200],
      ["20.103.57.1", 401],
      ["2001:db8:43::1", 401],
      ["::2", 401],
      ["not-an-ip", 401],
    ];
    for (const [ip, status] of cases) {
      const body = notification(partial, { paymentDocument: `doc-${ip}` });
      expect((await deliver(m.id, m.token, body, ip)).status, ip).toBe(status);
    }
    await clearAlarms(m.id, "INV-0006771");
  });

  it("names the allow-list entry it refuses", async () => {
    const res = await call("PUT", `/admin/merchants/${uid("m")}`, {
      key: ADMIN,
      body: {
        name: "bad list",
        providers: { riverty: { tokens: [newToken()], allowed_ips: ["127.0.0.0/8", "20.103.56.0/33"] } },
      },
    });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body.error.details)).toContain(
      '\\"20.103.56.0/33\\" is not an IPv4 or IPv6 address or CIDR range',
    );
  });

  it("answers a duplicate delivery without a second line", async () => {
    const m = await merchant();
    const first = await deliver(m.id, m.token, fullText);
    const again = await deliver(m.id, m.token, fullText);
    expect(first.body.status).toBe("applied");
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: "duplicate", event_id: `riverty:${FULL_KEY}` });
    const { invoice, lines, events } = await ledger(m.key, "INVO90006768");
    expect(invoice.amount_paid).toBe(45000);
    expect(lines.data).toHaveLength(1);
    expect(events.data).toHaveLength(1);
    await clearAlarms(m.id, "INVO90006768");
  });

  it("adds payments delivered out of order, each once", async () => {
    const m = await merchant();
    const earlier = notification(partial, {
      paymentDocument: "300000000001",
      paidAmount: 200,
      remainingAmount: 250,
    });
    const later = notification(partial, {
      paymentDocument: "300000000002",
      paidAmount: 250,
      remainingAmount: 0,
    });
    expect((await deliver(m.id, m.token, later)).status).toBe(200);
    expect((await deliver(m.id, m.token, earlier)).status).toBe(200);
    expect((await deliver(m.id, m.token, later)).body.status).toBe("duplicate");
    const { invoice, lines } = await ledger(m.key, "INV-0006771");
    expect(lines.data.map((l: any) => l.amount).sort()).toEqual([20000, 25000]);
    expect(invoice).toMatchObject({ amount_paid: 45000, amount_due: 0, status: "paid" });
    await clearAlarms(m.id, "INV-0006771");
  });

  it("applies one line for 20 concurrent deliveries of the same notification", async () => {
    const m = await merchant();
    const results = await Promise.all(Array.from({ length: 20 }, () => deliver(m.id, m.token, partialText)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const statuses = results.map((r) => r.body.status);
    expect(statuses.filter((s) => s === "applied")).toHaveLength(1);
    expect(statuses.filter((s) => s === "duplicate")).toHaveLength(19);
    const { invoice, lines } = await ledger(m.key, "INV-0006771");
    expect(lines.data).toHaveLength(1);
    expect(invoice.amount_paid).toBe(44500);
    await clearAlarms(m.id, "INV-0006771");
  });

  it("writes off a non-zero tolerance, which reduces the amount due", async () => {
    const m = await merchant();
    const body = notification(partial, { paidAmount: 445.0, tolerance: 5.0, remainingAmount: 0.0 });
    expect((await deliver(m.id, m.token, body)).status).toBe(200);
    const { invoice, lines } = await ledger(m.key, "INV-0006771");
    expect(invoice).toMatchObject({
      total: 45000,
      amount_paid: 44500,
      written_off: 500,
      amount_due: 0,
      status: "paid",
      provider_reports: [{ amount_due: 0, mismatch: false }],
    });
    const key = `${partial.parameters.paymentDocument}:${partial.parameters.transactionId}:INV-0006771`;
    expect(lines.data.map((l: any) => [l.kind, l.external_id, l.amount])).toEqual([
      ["payment", key, 44500],
      ["write_off", `${key}:tolerance`, 500],
    ]);

    // A tolerance-only notification (nothing paid) writes off without a payment line.
    const other = uid("inv");
    const onlyTolerance = notification(partial, {
      invoiceReference: other,
      paidAmount: 0,
      tolerance: 0.01,
      orderAmount: 0.01,
      remainingAmount: 0,
    });
    expect((await deliver(m.id, m.token, onlyTolerance)).status).toBe(200);
    const o = await ledger(m.key, other);
    expect(o.lines.data.map((l: any) => [l.kind, l.amount])).toEqual([["write_off", 1]]);
    expect(o.invoice).toMatchObject({ amount_paid: 0, written_off: 1, amount_due: 0 });
    await clearAlarms(m.id, "INV-0006771", other);
  });

  it("falls back to the order reference when no invoice reference is given", async () => {
    const m = await merchant();
    const body = notification(partial, { invoiceReference: undefined });
    const res = await deliver(m.id, m.token, body);
    expect(res.body.invoices[0].invoice_id).toBe("ORD-4689305987");
    expect((await ledger(m.key, "ORD-4689305987")).invoice.amount_paid).toBe(44500);
    await clearAlarms(m.id, "ORD-4689305987");
  });

  it("acknowledges other notification types without touching the ledger, logging them on a known invoice", async () => {
    const m = await merchant();
    const body = JSON.stringify({
      type: "accounting/EDIErrorSent",
      parameters: { invoiceReference: "INV-0006771" },
    });
    const res = await deliver(m.id, m.token, body);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("ignored");
    expect((await ledger(m.key, "INV-0006771")).status).toBe(404);
    expect((await deliver(m.id, m.token, partialText)).status).toBe(200);
    const before = (await ledger(m.key, "INV-0006771")).invoice;
    const again = await deliver(m.id, m.token, body);
    expect(again.body.status).toBe("ignored");
    const after = await ledger(m.key, "INV-0006771");
    expect(after.invoice.amount_paid).toBe(before.amount_paid);
    expect(after.events.data.at(-1)).toMatchObject({
      event_type: "accounting/EDIErrorSent",
      outcome: "ignored",
      raw_body: body,
    });
    await clearAlarms(m.id, "INV-0006771");
  });

  it("answers 400 to malformed JSON and malformed notifications, changing nothing", async () => {
    const m = await merchant();
    const cases: Array<[string, string]> = [
      ["not JSON", "{not json"],
      ["truncated", partialText.slice(0, 120)],
      ["no parameters", JSON.stringify({ type: "accounting/paymentReceived" })],
      ["unknown currency", notification(partial, { currency: "EURO" })],
      ["too many decimals", notification(partial, { paymentDocument: "9", paidAmount: 445.001 })],
      ["non-numeric amount", notification(partial, { paymentDocument: "9", paidAmount: "445,00" })],
      ["negative amount", notification(partial, { paymentDocument: "9", paidAmount: -5 })],
      ["no references", notification(partial, { invoiceReference: undefined, orderReference: undefined })],
      ["no payment document", notification(partial, { paymentDocument: undefined })],
      ["no transaction id", notification(partial, { transactionId: "" })],
    ];
    for (const [name, body] of cases) {
      const res = await deliver(m.id, m.token, body);
      expect(res.status, name).toBe(400);
      expect(res.body.error.code, name).toBe("malformed_payload");
      expect((await ledger(m.key, "INV-0006771")).status, name).toBe(404);
    }
    expect((await deliver(m.id, m.token, partialText)).status).toBe(200);
    const before = await ledger(m.key, "INV-0006771");
    for (const [name, body] of cases) {
      expect((await deliver(m.id, m.token, body)).status, name).toBe(400);
      expect(await ledger(m.key, "INV-0006771"), name).toEqual(before);
    }
    await clearAlarms(m.id, "INV-0006771");
  });

  it("answers 413 to a body over 256 KiB, changing nothing", async () => {
    const m = await merchant();
    const body = notification(partial, { customerNumber: "x".repeat(256 * 1024) });
    const res = await deliver(m.id, m.token, body);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
    expect((await ledger(m.key, "INV-0006771")).status).toBe(404);
    await clearAlarms(m.id, "INV-0006771");
  });

  it("validates the configuration and never shows the tokens back", async () => {
    const bad = [
      { tokens: ["short-token"] },
      { tokens: [] },
      { tokens: ["has/slash/aaaaaaaaaaaaaaaaaaaaaaaaaa"] },
      { tokens: [newToken(), newToken(), newToken(), newToken(), newToken(), newToken()] },
      { tokens: [newToken()], allowed_ips: ["not-an-ip"] },
      { tokens: [newToken()], allowed_ips: [] },
      { tokens: [newToken()], extra: true },
    ];
    for (const riverty of bad) {
      const res = await call("PUT", `/admin/merchants/${uid("m")}`, {
        key: ADMIN,
        body: { name: "bad riverty", providers: { riverty } },
      });
      expect(res.status, JSON.stringify(riverty)).toBe(422);
    }
    const m = await merchant();
    const read = await call("GET", `/admin/merchants/${m.id}`, { key: ADMIN });
    expect(read.status).toBe(200);
    expect(read.text).not.toContain(m.token);
    expect(read.body.providers.riverty).toEqual({ tokens: ["[redacted]"], check_ip: true });
  });
});
