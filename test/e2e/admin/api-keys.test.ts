// /admin/merchants/{id}/api-keys: issued once, hashed, revocable, scoped to their merchant.
import { env } from "cloudflare:workers";
import { describe, expect } from "vitest";
import { sha256Hex } from "../../../src/lib/crypto";
import { ADMIN, call, createInvoice, createMerchant, it, track, uid } from "../../helpers";
import { kvDump } from "../../support/admin";

describe("API keys", () => {
  it("are shown once, look like ilk_..., work for /v1, and only their hash is stored", async () => {
    const id = uid("m");
    await call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body: { name: "Keys" } });
    const issued = await call("POST", `/admin/merchants/${id}/api-keys`, { key: ADMIN });
    expect(issued.status).toBe(201);
    expect(issued.body).toEqual({
      id: expect.stringMatching(/^key_/),
      key: expect.stringMatching(/^ilk_[A-Za-z0-9]{40}$/),
      created_at: expect.any(String),
    });
    const key: string = issued.body.key;

    const invoiceId = uid("inv");
    const inv = await call("PUT", `/v1/invoices/${invoiceId}`, {
      key,
      body: { currency: "INR", total: 100 },
    });
    expect(inv.status).toBe(201);
    track(id, invoiceId);

    // The key is never shown again...
    const get = await call("GET", `/admin/merchants/${id}`, { key: ADMIN });
    expect(get.text).not.toContain(key);
    expect(get.text).not.toContain(await sha256Hex(key));
    expect(get.body.api_keys).toEqual([
      { id: issued.body.id, prefix: key.slice(0, 8), created_at: expect.any(String) },
    ]);

    // ...and never stored: only its SHA-256 names the lookup entry.
    const dump = await kvDump();
    for (const { name, value } of dump) {
      expect(name).not.toContain(key);
      expect(value).not.toContain(key);
    }
    const lookup = await env.MERCHANTS.get(`apikey:${await sha256Hex(key)}`, "json");
    expect(lookup).toEqual({ merchant_id: id, key_id: issued.body.id });
  });

  it("DELETE revokes a key (here at once; at the edge within the KV cache TTL); the merchant's other keys keep working", async () => {
    const m = await createMerchant();
    const second = await call("POST", `/admin/merchants/${m.id}/api-keys`, { key: ADMIN });
    const { id } = await createInvoice(m.key);
    track(m.id, id);

    const del = await call("DELETE", `/admin/merchants/${m.id}/api-keys/${m.keyId}`, { key: ADMIN });
    expect(del.status).toBe(204);
    expect(del.text).toBe("");
    const refused = await call("GET", `/v1/invoices/${id}`, { key: m.key });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("unauthorized");
    expect(await env.MERCHANTS.get(`apikey:${await sha256Hex(m.key)}`)).toBeNull();

    const ok = await call("GET", `/v1/invoices/${id}`, { key: second.body.key });
    expect(ok.status).toBe(200);
    const listed = (await call("GET", `/admin/merchants/${m.id}`, { key: ADMIN })).body.api_keys;
    expect(listed.map((k: { id: string }) => k.id)).toEqual([second.body.id]);

    const again = await call("DELETE", `/admin/merchants/${m.id}/api-keys/${m.keyId}`, { key: ADMIN });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe("not_found");
    expect(
      (await call("DELETE", `/admin/merchants/${m.id}/api-keys/key_unknown`, { key: ADMIN })).status,
    ).toBe(404);
  });

  it("keys issued at the same moment are all listed, and each can be revoked", async () => {
    const id = uid("m");
    await call("PUT", `/admin/merchants/${id}`, { key: ADMIN, body: { name: "Many keys" } });
    const issued = await Promise.all(
      Array.from({ length: 12 }, () => call("POST", `/admin/merchants/${id}/api-keys`, { key: ADMIN })),
    );
    expect(issued.map((r) => r.status)).toEqual(Array(12).fill(201));
    const listed = (await call("GET", `/admin/merchants/${id}`, { key: ADMIN })).body.api_keys;
    expect(listed.map((k: { id: string }) => k.id).sort()).toEqual(issued.map((r) => r.body.id).sort());

    const revoked = await Promise.all(
      issued.map((r) => call("DELETE", `/admin/merchants/${id}/api-keys/${r.body.id}`, { key: ADMIN })),
    );
    expect(revoked.map((r) => r.status)).toEqual(Array(12).fill(204));
    for (const r of issued) {
      expect((await call("GET", "/v1/invoices/any", { key: r.body.key })).status).toBe(401);
    }
    expect((await call("GET", `/admin/merchants/${id}`, { key: ADMIN })).body.api_keys).toEqual([]);
  });

  it("a key cannot be used for another merchant's keys or invoices", async () => {
    const a = await createMerchant();
    const b = await createMerchant();
    // Deleting b's key under a's id is not found, and b's key keeps working.
    const cross = await call("DELETE", `/admin/merchants/${a.id}/api-keys/${b.keyId}`, { key: ADMIN });
    expect(cross.status).toBe(404);
    track(b.id, (await createInvoice(b.key)).id);
  });
});
