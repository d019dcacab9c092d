// The merchant's event endpoints in its configuration: validated strictly, ids the server's, secrets
// write-only, PUT never dropping them silently, PATCH by endpoint id.
import { describe, expect } from "vitest";
import { ADMIN, call, createMerchant, it, uid } from "../../helpers";
import { ALL_EVENTS } from "../../support/events";

const secret = () => `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;
const endpoint = (over: Record<string, unknown> = {}) => ({
  url: "https://hooks.example.com/ledger",
  secret: secret(),
  events: ["invoice.paid"],
  ...over,
});
const put = (id: string, body: Record<string, unknown>) =>
  call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body: { name: "Events Co", ...body } });
const patch = (id: string, body: Record<string, unknown>) =>
  call("PATCH", `/admin/merchants/${id}`, { key: ADMIN, body });

describe("merchant events: configuration", () => {
  it("PUT assigns ids and redacts secrets in every answer; the secret shows only as its fingerprint", async () => {
    const id = uid("m");
    const e = endpoint({ events: ALL_EVENTS });
    const res = await put(id, { webhooks: [e] });
    expect(res.status, res.text).toBe(201);
    const [view] = res.body.webhooks;
    expect(view).toMatchObject({
      url: e.url,
      events: ALL_EVENTS,
      enabled: true,
      max_attempts: 6,
      secret: "[redacted]",
      previous_secret_expires_at: null,
    });
    expect(view.id).toMatch(/^we_[A-Za-z0-9]{20}$/);
    expect(view.secret_id).toMatch(/^sec_[0-9a-f]{12}$/);
    for (const r of [res, await call("GET", `/admin/merchants/${id}`, { key: ADMIN })]) {
      expect(r.text).not.toContain(e.secret.slice(6));
    }
  });

  const refused: Array<[string, Record<string, unknown>[]]> = [
    ["an unknown event", [endpoint({ events: ["invoice.paid", "invoice.exploded"] })]],
    ["no events", [endpoint({ events: [] })]],
    ["an event twice", [endpoint({ events: ["invoice.paid", "invoice.paid"] })]],
    ["plain http to a public host", [endpoint({ url: "http://hooks.example.com/x" })]],
    ["credentials in the url", [endpoint({ url: "https://user:pw@hooks.example.com/x" })]],
    ["a secret that is not whsec_", [endpoint({ secret: "hunter2" })]],
    ["the redacted placeholder as secret", [endpoint({ secret: "[redacted]" })]],
    ["an unknown field", [endpoint({ filter: "all" })]],
    ["an id the merchant does not have", [endpoint({ id: "we_AAAAAAAAAAAAAAAAAAAA" })]],
    ["max_attempts 0", [endpoint({ max_attempts: 0 })]],
    ["six endpoints", Array.from({ length: 6 }, () => endpoint())],
  ];
  for (const [name, webhooks] of refused) {
    it(`PUT with ${name} is 422 and stores nothing`, async () => {
      const id = uid("m");
      const res = await put(id, { webhooks });
      expect(res.status, res.text).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      expect((await call("GET", `/admin/merchants/${id}`, { key: ADMIN })).status).toBe(404);
    });
  }

  it("http is allowed for a local receiver", async () => {
    const res = await put(uid("m"), { webhooks: [endpoint({ url: "http://localhost:9000/hook" })] });
    expect(res.status, res.text).toBe(201);
  });

  it("PUT without webhooks on a merchant that has some is 409; [] clears them; a sent id keeps its endpoint", async () => {
    const m = await createMerchant({ webhooks: [endpoint(), endpoint({ events: ["invoice.voided"] })] });
    const stored = (await call("GET", `/admin/merchants/${m.id}`, { key: ADMIN })).body.webhooks;
    const drop = await put(m.id, {});
    expect(drop.status).toBe(409);
    expect(drop.body.error.code).toBe("replace_would_drop");
    expect(drop.body.error.message).toContain(stored[0].id);

    const keep = await put(m.id, { webhooks: [endpoint({ id: stored[1].id, events: ["invoice.paid"] })] });
    expect(keep.status, keep.text).toBe(200);
    expect(keep.body.webhooks.map((e: any) => [e.id, e.events])).toEqual([[stored[1].id, ["invoice.paid"]]]);
    // A new secret on a kept endpoint is a rotation: the old one signs beside it for a while.
    expect(keep.body.webhooks[0].previous_secret_expires_at).not.toBeNull();

    const cleared = await put(m.id, { webhooks: [] });
    expect(cleared.status).toBe(200);
    expect(cleared.body.webhooks).toEqual([]);
  });

  it("PATCH adds, updates and removes endpoints by id, keeping the others and their secrets", async () => {
    const m = await createMerchant({ webhooks: [endpoint()] });
    const [first] = (await call("GET", `/admin/merchants/${m.id}`, { key: ADMIN })).body.webhooks;
    const added = await patch(m.id, { webhooks: { add: [endpoint({ events: ["invoice.created"] })] } });
    expect(added.status, added.text).toBe(200);
    expect(added.body.webhooks).toHaveLength(2);
    const second = added.body.webhooks[1];
    expect(added.body.webhooks[0]).toEqual(first);

    const updated = await patch(m.id, { webhooks: { update: { [first.id]: { enabled: false } } } });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body.webhooks[0]).toEqual({ ...first, enabled: false });

    const removed = await patch(m.id, { webhooks: { remove: [first.id] } });
    expect(removed.status).toBe(200);
    expect(removed.body.webhooks.map((e: any) => e.id)).toEqual([second.id]);

    for (const [name, body] of [
      ["an unknown id", { webhooks: { remove: ["we_BBBBBBBBBBBBBBBBBBBB"] } }],
      ["an unknown event", { webhooks: { update: { [second.id]: { events: ["invoice.nope"] } } } }],
      ["an unknown operation", { webhooks: { rename: {} } }],
      ["a secret cleared", { webhooks: { update: { [second.id]: { secret: null } } } }],
      ["too many", { webhooks: { add: Array.from({ length: 5 }, () => endpoint()) } }],
      ["a scalar", { webhooks: "all" }],
    ] as const) {
      const res = await patch(m.id, body);
      expect(res.status, name).toBe(422);
    }
    const after = (await call("GET", `/admin/merchants/${m.id}`, { key: ADMIN })).body.webhooks;
    expect(after.map((e: any) => e.id)).toEqual([second.id]);

    const none = await patch(m.id, { webhooks: null });
    expect(none.status).toBe(200);
    expect(none.body.webhooks).toEqual([]);
  });
});
