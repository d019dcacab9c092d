// The delivery log: every webhook delivery for a known merchant, accepted or refused, with its reason;
// refused bodies kept for a retry that runs the same pipeline (and dedupe) as a fresh delivery.
import { describe, expect } from "vitest";
import rivertyText from "../fixtures/riverty/payment-received-partial.json?raw";
import { ADMIN, call, createMerchant, getLines, it, track, uid } from "../helpers";
import { deliver, invoiceEvent, OLD_SECRET, SECRET, text } from "../support/razorpay";

const razorpayMerchant = (secrets = [SECRET]) =>
  createMerchant({ providers: { razorpay: { webhook_secrets: secrets } } });

const list = (key: string, query = "") => call("GET", `/v1/webhook-deliveries${query}`, { key });

/** Accepted deliveries are recorded after the answer (waitUntil): wait, boundedly, for the row. */
async function eventually(key: string, query: string, count: number) {
  for (let i = 0; i < 100; i++) {
    const res = await list(key, query);
    if (res.body.data.length >= count) return res;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${count} deliveries for ${query}`);
}

const payment = (invoiceId: string, amount = 25000) =>
  text(
    invoiceEvent({
      invoiceId,
      paymentId: uid("pay"),
      amount,
      at: 1_760_000_000,
      total: 100000,
      amountPaid: amount,
    }),
  );

describe("delivery log", () => {
  it("records a refusal with its reason but no secret, and a retry after the fix applies it once", async () => {
    const m = await razorpayMerchant([OLD_SECRET]);
    const inv = uid("inv_");
    track(m.id, inv);
    const body = payment(inv);
    const signed = await deliver(m.id, body, { secret: SECRET, eventId: "evt_log_1" });
    expect(signed.status).toBe(401);

    const page = await list(m.key, "?outcome=refused");
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ has_more: false, next_cursor: null, refused_not_kept: 0 });
    const [row] = page.body.data;
    expect(row).toMatchObject({
      provider: "razorpay",
      status: 401,
      outcome: "refused",
      reason: "signature_mismatch",
      size: new TextEncoder().encode(body).byteLength,
      invoice_ids: [],
      retry_of: null,
      body_kept: true,
      headers_kept: expect.arrayContaining(["x-razorpay-signature", "x-razorpay-event-id"]),
    });
    expect(row.body_sha256).toMatch(/^[0-9a-f]{64}$/);
    const one = await call("GET", `/v1/webhook-deliveries/${row.id}`, { key: m.key });
    expect(atob(one.body.body_base64)).toBe(body);
    // Neither the signature sent nor any configured secret is ever shown.
    const signature = (await import("../support/razorpay")).razorpaySignature(SECRET, body);
    for (const shown of [page.text, one.text]) {
      for (const secret of [await signature, SECRET, OLD_SECRET]) expect(shown).not.toContain(secret);
    }

    // Still refused against the same configuration: a new refused row pointing at the original.
    const again = await call("POST", `/v1/webhook-deliveries/${row.id}/retry`, { key: m.key });
    expect(again.status).toBe(200);
    expect(again.body.delivery).toMatchObject({
      outcome: "refused",
      reason: "signature_mismatch",
      retry_of: row.id,
    });
    const untouched = await call("GET", `/v1/invoices/${inv}`, { key: m.key });
    expect(untouched.status).toBe(404);

    // The merchant fixes the secret; the stored bytes now verify and are applied exactly once.
    const fix = await call("PUT", `/admin/merchants/${m.id}`, {
      key: ADMIN,
      body: { name: "fixed", providers: { razorpay: { webhook_secrets: [OLD_SECRET, SECRET] } } },
    });
    expect(fix.status).toBe(200);
    const applied = await call("POST", `/v1/webhook-deliveries/${row.id}/retry`, { key: m.key });
    expect(applied.body.delivery).toMatchObject({
      outcome: "applied",
      reason: null,
      status: 200,
      invoice_ids: [inv],
      retry_of: row.id,
      body_kept: false,
      event_id: "evt_log_1",
    });
    const lines = await getLines(m.key, inv);
    expect(lines.map((l) => l.amount)).toEqual([25000]);
    const twice = await call("POST", `/v1/webhook-deliveries/${row.id}/retry`, { key: m.key });
    expect(twice.body.delivery).toMatchObject({ outcome: "duplicate", invoice_ids: [inv] });
    // The provider's own redelivery after the fix is a duplicate too.
    const redelivered = await deliver(m.id, body, { secret: SECRET, eventId: "evt_log_1" });
    expect(redelivered.body.status).toBe("duplicate");
    expect(await getLines(m.key, inv)).toHaveLength(1);
  });

  it("records accepted deliveries with the invoices they touched; they are not retried", async () => {
    const m = await razorpayMerchant();
    const inv = uid("inv_");
    track(m.id, inv);
    const res = await deliver(m.id, payment(inv), { eventId: "evt_ok_1" });
    expect(res.status).toBe(200);
    const page = await eventually(m.key, "?outcome=applied&provider=razorpay", 1);
    const [row] = page.body.data;
    expect(row).toMatchObject({
      outcome: "applied",
      reason: null,
      status: 200,
      event_id: "evt_ok_1",
      invoice_ids: [inv],
      body_kept: false,
      headers_kept: [],
      body_expires_at: null,
    });
    const retry = await call("POST", `/v1/webhook-deliveries/${row.id}/retry`, { key: m.key });
    expect(retry.status).toBe(409);
    expect(retry.body.error.code).toBe("delivery_not_retryable");
    expect(await getLines(m.key, inv)).toHaveLength(1);
  });

  it("records not_configured, malformed_payload and payload_too_large; an unknown merchant is not logged", async () => {
    const m = await razorpayMerchant();
    const notConfigured = await call("POST", `/webhooks/standard/${m.id}`, {
      raw: "{}",
      headers: { "content-type": "application/json", "cf-connecting-ip": "198.51.100.7" },
    });
    expect(notConfigured.status).toBe(404);
    const malformed = await deliver(m.id, '{"event": "invoice.paid", "event": "x"}');
    expect(malformed.status).toBe(400);
    const big = await call("POST", `/webhooks/razorpay/${m.id}`, {
      raw: "x".repeat(256 * 1024 + 1),
      headers: { "content-type": "application/json" },
    });
    expect(big.status).toBe(413);
    const page = await list(m.key, "?outcome=refused");
    expect(
      page.body.data.map((d: any) => [d.provider, d.status, d.reason, d.body_kept, d.source_ip]),
    ).toEqual([
      ["standard", 404, "not_configured", true, "198.51.100.7"],
      ["razorpay", 400, "malformed_payload", true, null],
      ["razorpay", 413, "payload_too_large", false, null],
    ]);
    const ghost = await call("POST", `/webhooks/razorpay/${uid("ghost")}`, { raw: "{}" });
    expect(ghost.status).toBe(404);
  });

  it("filters by outcome, provider and time; pages with cursors bound to the filters and the merchant", async () => {
    const m = await razorpayMerchant();
    for (let i = 0; i < 3; i++)
      expect((await deliver(m.id, "{}", { secret: "wrong-secret-0001" })).status).toBe(401);
    const first = await list(m.key, "?limit=2&outcome=refused");
    expect(first.body).toMatchObject({ has_more: true, next_cursor: expect.any(String) });
    expect(first.body.data).toHaveLength(2);
    const second = await list(m.key, `?limit=2&outcome=refused&cursor=${first.body.next_cursor}`);
    expect(second.body).toMatchObject({ has_more: false, next_cursor: null });
    expect(second.body.data).toHaveLength(1);
    const ids = [...first.body.data, ...second.body.data].map((d: any) => d.id);
    expect(new Set(ids).size).toBe(3);
    // The same cursor under another filter, or another merchant, is refused.
    const otherFilter = await list(m.key, `?limit=2&cursor=${first.body.next_cursor}`);
    expect(otherFilter.status).toBe(422);
    expect(otherFilter.body.error.code).toBe("invalid_cursor");
    const other = await razorpayMerchant();
    const foreign = await list(other.key, `?limit=2&outcome=refused&cursor=${first.body.next_cursor}`);
    expect(foreign.status).toBe(422);
    expect((await list(other.key)).body.data).toEqual([]);
    const stranger = await call("GET", `/v1/webhook-deliveries/${ids[0]}`, { key: other.key });
    expect(stranger.status).toBe(404);
    const strangerRetry = await call("POST", `/v1/webhook-deliveries/${ids[0]}/retry`, { key: other.key });
    expect(strangerRetry.status).toBe(404);

    expect((await list(m.key, "?provider=standard")).body.data).toEqual([]);
    expect((await list(m.key, "?outcome=applied")).body.data).toEqual([]);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect((await list(m.key, `?since=${encodeURIComponent(future)}`)).body.data).toEqual([]);
    const past = new Date(Date.now() - 3600_000).toISOString();
    expect((await list(m.key, `?since=${encodeURIComponent(past)}`)).body.data).toHaveLength(3);
  });

  it("lists newest first with order=desc, keyset-paged, its cursor bound to the order", async () => {
    const m = await razorpayMerchant();
    for (let i = 0; i < 5; i++)
      expect((await deliver(m.id, `{"n":${i}}`, { secret: "wrong-secret-0001" })).status).toBe(401);
    const asc = (await list(m.key, "?outcome=refused")).body.data.map((d: any) => d.id);
    expect(asc).toHaveLength(5);
    expect((await list(m.key, "?outcome=refused&order=asc")).body.data.map((d: any) => d.id)).toEqual(asc);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(
        m.key,
        `?outcome=refused&order=desc&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.has_more).toBe(res.body.next_cursor !== null);
      seen.push(...res.body.data.map((d: any) => d.id));
      cursor = res.body.next_cursor;
      pages += 1;
    } while (cursor && pages < 5);
    expect(pages).toBe(3);
    expect(seen).toEqual([...asc].reverse());
    // A cursor continues only the order it was issued for.
    const desc = await list(m.key, "?outcome=refused&order=desc&limit=2");
    const ascPage = await list(m.key, "?outcome=refused&limit=2");
    for (const query of [
      `?outcome=refused&limit=2&cursor=${desc.body.next_cursor}`,
      `?outcome=refused&order=asc&limit=2&cursor=${desc.body.next_cursor}`,
      `?outcome=refused&order=desc&limit=2&cursor=${ascPage.body.next_cursor}`,
    ]) {
      const res = await list(m.key, query);
      expect(res.status, query).toBe(422);
      expect(res.body.error.code).toBe("invalid_cursor");
    }
    // The default's cursor is the same as order=asc's.
    const next = await list(m.key, `?outcome=refused&order=asc&limit=2&cursor=${ascPage.body.next_cursor}`);
    expect(next.body.data.map((d: any) => d.id)).toEqual(asc.slice(2, 4));
    for (const order of ["newest", "DESC", ""]) {
      const res = await list(m.key, `?order=${order}`);
      expect(res.status, order).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
    }
  });

  it("keeps at most 60 refusals a minute per merchant and counts the rest", async () => {
    const m = await razorpayMerchant();
    const sent = 130;
    for (let i = 0; i < sent; i++) {
      const res = await deliver(m.id, `{"n":${i}}`, { secret: "wrong-secret-0001" });
      expect(res.status).toBe(401);
    }
    const first = await list(m.key, "?limit=200");
    const kept = first.body.data.length;
    // However the minutes fall, at most two of them (60 each) hold the 130 and every refusal is accounted for.
    expect(kept).toBeLessThanOrEqual(120);
    expect(kept + first.body.refused_not_kept).toBe(sent);
    expect((await list(m.key, "?limit=200&outcome=applied")).body.refused_not_kept).toBe(0);
  });

  it("Riverty: a retry checks the original address against the current allow-list", async () => {
    const token = `tok_${crypto.randomUUID().replaceAll("-", "")}`;
    const m = await createMerchant({ providers: { riverty: { tokens: [token] } } });
    const ip = "203.0.113.9";
    const res = await call("POST", `/webhooks/riverty/${m.id}/${token}`, {
      raw: rivertyText,
      headers: { "content-type": "application/json", "cf-connecting-ip": ip },
    });
    expect(res.status).toBe(401);
    const [row] = (await list(m.key)).body.data;
    expect(row).toMatchObject({ reason: "ip_not_allowed", source_ip: ip, body_kept: true });
    const retry = await call("POST", `/v1/webhook-deliveries/${row.id}/retry`, { key: m.key });
    expect(retry.body.delivery).toMatchObject({ outcome: "refused", reason: "ip_not_allowed" });
    await call("PUT", `/admin/merchants/${m.id}`, {
      key: ADMIN,
      body: { name: "riverty", providers: { riverty: { tokens: [token], allowed_ips: [ip] } } },
    });
    const applied = await call("POST", `/v1/webhook-deliveries/${row.id}/retry`, { key: m.key });
    expect(applied.body.delivery.outcome).toBe("applied");
    for (const id of applied.body.delivery.invoice_ids) track(m.id, id);
    const shown = [
      (await list(m.key)).text,
      (await call("GET", `/v1/webhook-deliveries/${row.id}`, { key: m.key })).text,
    ];
    for (const t of shown) expect(t).not.toContain(token);
  });

  it("appears in /openapi.json with its filters", async () => {
    const doc = await call("GET", "/openapi.json");
    const paths = doc.body.paths;
    expect(paths["/v1/webhook-deliveries"].get.parameters.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(["outcome", "provider", "since", "order", "limit", "cursor"]),
    );
    expect(paths["/v1/webhook-deliveries/{deliveryId}"].get).toBeDefined();
    expect(paths["/v1/webhook-deliveries/{deliveryId}/retry"].post).toBeDefined();
    expect(doc.body.components.schemas.WebhookDelivery.properties.outcome.enum).toEqual([
      "applied",
      "duplicate",
      "ignored",
      "refused",
    ]);
  });
});
