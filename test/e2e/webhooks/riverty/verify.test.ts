// Riverty's path token, IP allow-list and configuration over HTTP: what is refused changes nothing.
import { describe, expect } from "vitest";
import fullText from "../../../fixtures/riverty/payment-received-full.json?raw";
import partialText from "../../../fixtures/riverty/payment-received-partial.json?raw";
import { ADMIN, call, createMerchant, it, offByOne, track, uid } from "../../../helpers";
import {
  deliver,
  ledger,
  merchant,
  newToken,
  notification,
  PROD_IP,
  partial,
} from "../../../support/riverty";

describe("Riverty webhooks", () => {
  it("refuses a wrong or missing token, a wrong or missing IP and unknown merchants, changing nothing", async () => {
    const m = await merchant();
    const cases: Array<[string, string, string | null, number]> = [
      ["wrong token", newToken(), PROD_IP, 401],
      ["token off by its last character", offByOne(m.token), PROD_IP, 401],
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
    track(m.id, "INVO90006768", "INV-0006771");
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
    track(m.id, "INV-0006771");
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
    track(m.id, "INV-0006771");
    track(custom.id, "INV-0006771");
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
    track(m.id, "INV-0006771");
  });

  it("answers 413 to a body over 256 KiB, changing nothing", async () => {
    const m = await merchant();
    const body = notification(partial, { customerNumber: "x".repeat(256 * 1024) });
    const res = await deliver(m.id, m.token, body);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
    expect((await ledger(m.key, "INV-0006771")).status).toBe(404);
    track(m.id, "INV-0006771");
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
  it("matches IPv6 loopback, IPv4-mapped addresses and CIDR ranges of both families", async () => {
    const m = await merchant({ allowed_ips: ["127.0.0.0/8", "::1", "20.103.56.0/24", "2001:db8:42::/48"] });
    track(m.id, "INV-0006771");
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
});
