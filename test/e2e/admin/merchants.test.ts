// PUT/GET /admin/merchants/{id}: ids, configuration, redaction.
import { env } from "cloudflare:workers";
import { describe, expect } from "vitest";
import { ADMIN, call, createInvoice, it, track, uid } from "../../helpers";
import { kvDump, NOTIFICATIONS, providerSecrets, providers, WHSEC } from "../../support/admin";

describe("merchants", () => {
  it("merchant ids must match ^[a-z0-9][a-z0-9_-]{0,62}$; a refused id stores nothing", async () => {
    const bad = [
      "Acme",
      "-acme",
      "_acme",
      "acme.co",
      "a".repeat(64),
      "a%20b",
      "%C3%A4",
      "a%2Fb",
      "ACME",
      "a b",
    ];
    const before = (await kvDump()).map((k) => k.name);
    for (const id of bad) {
      const res = await call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body: { name: "Bad" } });
      expect([400, 404, 422], id).toContain(res.status);
      expect(res.body.error.code, id).toEqual(expect.any(String));
      const key = await call("POST", `/admin/merchants/${id}/api-keys`, { key: ADMIN });
      expect([400, 404, 422], id).toContain(key.status);
    }
    const after = (await kvDump()).map((k) => k.name).filter((n) => !before.includes(n));
    // Other test files may write meanwhile; none of the refused ids may appear.
    for (const id of bad) {
      expect(after).not.toContain(`merchant:${id}`);
      expect(after).not.toContain(`merchant:${decodeURIComponent(id)}`);
    }
    for (const id of ["a", "0", `z${"9".repeat(62)}`, "acme_co-2"]) {
      const res = await call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body: { name: "Good" } });
      expect(res.status, id).toBe(201);
      expect(res.body.id).toBe(id);
    }
  });

  it("PUT creates (201), then updates (200) without losing API keys", async () => {
    const id = uid("m");
    const created = await call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body: { name: "Acme" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id, name: "Acme", api_keys: [], providers: {} });
    expect(created.body.notifications).toMatchObject({ enabled: false });
    const issued = await call("POST", `/admin/merchants/${id}/api-keys`, { key: ADMIN });
    expect(issued.status).toBe(201);

    const updated = await call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body: { name: "Acme Ltd" } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id, name: "Acme Ltd", created_at: created.body.created_at });
    expect(updated.body.updated_at >= created.body.updated_at).toBe(true);
    expect(updated.body.api_keys).toEqual([
      { id: issued.body.id, prefix: issued.body.key.slice(0, 8), created_at: issued.body.created_at },
    ]);
    expect((await call("GET", `/admin/merchants/${id}`, { key: ADMIN })).body.name).toBe("Acme Ltd");
    track(id, (await createInvoice(issued.body.key)).id);
  });

  it("refuses an invalid configuration and keeps the stored one", async () => {
    const id = uid("m");
    await call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body: { name: "Acme" } });
    const stored = await env.MERCHANTS.get(`merchant:${id}`);
    const bodies: unknown[] = [
      {},
      { name: "" },
      { name: 5 },
      { name: "Acme", colour: "red" },
      { name: "Acme", providers: { nosuchprovider: {} } },
      { name: "Acme", notifications: { enabled: true } },
      { name: "Acme", notifications: { enabled: true, url: "ftp://x.example", secret: WHSEC } },
      { name: "Acme", notifications: { ...NOTIFICATIONS, secret: "not-a-whsec" } },
    ];
    for (const body of bodies) {
      const res = await call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
    }
    const malformed = await call("PUT", `/admin/merchants/${id}`, {
      key: ADMIN,
      raw: "{nope",
      headers: { "content-type": "application/json" },
    });
    expect(malformed.status).toBe(400);
    expect(await env.MERCHANTS.get(`merchant:${id}`)).toBe(stored);
  });

  it("never shows a secret: provider and notification secrets are redacted", async () => {
    const id = uid("m");
    const body = { name: "Secretive", providers, notifications: NOTIFICATIONS };
    const put = await call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body });
    expect(put.status, put.text).toBe(201);
    const get = await call("GET", `/admin/merchants/${id}`, { key: ADMIN });
    expect(get.status).toBe(200);
    for (const res of [put, get]) {
      for (const secret of [...providerSecrets, NOTIFICATIONS.secret]) expect(res.text).not.toContain(secret);
      expect(res.body.notifications).toMatchObject({
        enabled: true,
        url: NOTIFICATIONS.url,
        secret: "[redacted]",
        cadence_days: [-1, 3],
      });
      expect(Object.keys(res.body.providers).sort()).toEqual(Object.keys(providers).sort());
      if ("chargebee" in providers) {
        expect(res.body.providers.chargebee.basic_auth[0]).toEqual({
          username: "cb-hooks",
          password: "[redacted]",
        });
      }
    }
    // Stored as given: the service needs them to verify webhooks and sign reminders.
    const stored = JSON.parse((await env.MERCHANTS.get(`merchant:${id}`))!);
    expect(stored.notifications.secret).toBe(NOTIFICATIONS.secret);
  });

  it("a configuration read back (with its redacted placeholders) and PUT again never stores a placeholder", async () => {
    // One merchant per secret, so that one schema refusing the placeholder does not hide another accepting it.
    const configs: Array<[string, Record<string, unknown>]> = [
      ...Object.entries(providers).map(([name, config]): [string, Record<string, unknown>] => [
        name,
        { providers: { [name]: config } },
      ]),
      ["notifications", { notifications: NOTIFICATIONS }],
    ];
    for (const [what, config] of configs) {
      const id = uid("m");
      const put = await call("PUT", `/admin/merchants/${id}`, {
        key: ADMIN,
        body: { name: "Round trip", ...config },
      });
      expect(put.status, what).toBe(201);
      const stored = await env.MERCHANTS.get(`merchant:${id}`);
      const read = (await call("GET", `/admin/merchants/${id}`, { key: ADMIN })).body;
      const back = await call("PUT", `/admin/merchants/${id}`, {
        key: ADMIN,
        body: { name: read.name, providers: read.providers, notifications: read.notifications },
      });
      // Refusing the placeholder and keeping the stored secret are both safe; storing it is not.
      if (back.status === 422) expect(await env.MERCHANTS.get(`merchant:${id}`), what).toBe(stored);
      else expect(back.status, what).toBe(200);
      expect(await env.MERCHANTS.get(`merchant:${id}`), what).not.toContain("[redacted]");
    }
  });

  it("answers 404 for an unknown merchant", async () => {
    const id = uid("nobody");
    expect((await call("GET", `/admin/merchants/${id}`, { key: ADMIN })).status).toBe(404);
    expect((await call("POST", `/admin/merchants/${id}/api-keys`, { key: ADMIN })).status).toBe(404);
    expect((await call("DELETE", `/admin/merchants/${id}/api-keys/key_x`, { key: ADMIN })).status).toBe(404);
  });
});
