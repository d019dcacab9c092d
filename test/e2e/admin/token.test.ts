// ADMIN_TOKEN guards every /admin route.
import { env } from "cloudflare:workers";
import { describe, expect } from "vitest";
import { ADMIN, call, createInvoice, createMerchant, it, track, uid } from "../../helpers";

describe("ADMIN_TOKEN", () => {
  it("guards every /admin route: missing or wrong token is 401 and stores nothing", async () => {
    const id = uid("m");
    const m = await createMerchant();
    const routes: Array<[string, string, unknown?]> = [
      ["PUT", `/admin/merchants/${id}`, { name: "x" }],
      ["GET", `/admin/merchants/${m.id}`],
      ["POST", `/admin/merchants/${m.id}/api-keys`],
      ["DELETE", `/admin/merchants/${m.id}/api-keys/${m.keyId}`],
    ];
    const wrong: Array<Record<string, string>> = [
      {},
      { authorization: "Bearer" },
      { authorization: "Bearer wrong-admin-token" },
      { authorization: `Bearer ${ADMIN}x` },
      { authorization: `Bearer ${ADMIN.slice(0, -1)}` },
      { authorization: `Bearer ${ADMIN.toUpperCase()}` },
      // Tokens of every other length, and one of the same length, are refused alike.
      { authorization: `Bearer ${"t".repeat(ADMIN.length)}` },
      { authorization: `Bearer ${ADMIN.repeat(8)}` },
      { authorization: "Bearer t" },
      { authorization: `Bearer ${ADMIN}${ADMIN}` },
      { authorization: `Basic ${btoa(`admin:${ADMIN}`)}` },
      { authorization: `Bearer ${m.key}` }, // a merchant's API key is not an admin token
      { "x-admin-token": ADMIN },
    ];
    for (const [method, path, body] of routes) {
      for (const headers of wrong) {
        const res = await call(method, path, { headers, ...(body ? { body } : {}) });
        expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.body).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
      }
    }
    expect(await env.MERCHANTS.get(`merchant:${id}`)).toBeNull();
    // The key that the refused DELETE named still works.
    track(m.id, (await createInvoice(m.key)).id);
  });
});
