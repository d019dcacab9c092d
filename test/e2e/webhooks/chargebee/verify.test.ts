// Chargebee's Basic authentication and configuration over HTTP: what is refused changes nothing.
import { describe, expect } from "vitest";
import sampleText from "../../../fixtures/chargebee/payment-succeeded-illustrative.json?raw";
import { ADMIN, call, it, track, uid } from "../../../helpers";
import {
  basic,
  deliver,
  envelope,
  type Json,
  ledger,
  merchant,
  PASS,
  sample,
  USER,
} from "../../../support/chargebee";

describe("Chargebee webhooks", () => {
  it("refuses a wrong password, a wrong user, a missing or malformed Authorization, and changes nothing", async () => {
    const m = await merchant();
    const attempts: Array<string | null> = [
      basic(USER, "wrong-password-entirely"),
      basic(USER, `${PASS}x`),
      basic("someone-else", PASS),
      basic(USER.toUpperCase(), PASS),
      null,
      `Bearer ${PASS}`,
      "Basic !!!not-base64!!!",
      `Basic ${btoa(`${USER}${PASS}`)}`, // no colon
    ];
    for (const authorization of attempts) {
      const res = await deliver(m.id, sampleText, authorization);
      expect(res.status, String(authorization)).toBe(401);
      expect(res.body.error.code).toBe("signature_invalid");
      expect(res.text).not.toContain(PASS);
    }
    expect((await call("GET", "/v1/invoices/inv_42", { key: m.key })).status).toBe(404);
    // The same event then goes through: a refused delivery did not mark it as seen.
    expect((await deliver(m.id, sampleText)).body.status).toBe("applied");
    track(m.id, "inv_42");
  });

  it("accepts every configured pair while credentials rotate, and only the new one afterwards", async () => {
    const next = { username: "cb-webhooks-2026", password: "a-brand-new-long-password" };
    const m = await merchant([{ username: USER, password: PASS }, next]);
    const first = await deliver(m.id, envelope("payment_succeeded", sample().content));
    expect(first.status).toBe(200);
    const second = sample();
    second.content.transaction.id = "txn_second";
    second.content.invoice.resource_version += 1;
    const viaNew = await deliver(
      m.id,
      envelope("payment_succeeded", second.content),
      basic(next.username, next.password),
    );
    expect(viaNew.status).toBe(200);
    const { events, invoice } = await ledger(m.key, "inv_42");
    expect(events.data.map((e: Json) => e.verification)).toEqual(["chargebee:basic#0", "chargebee:basic#1"]);
    expect(invoice.amount_paid).toBe(1000);

    const put = await call("PUT", `/admin/merchants/${m.id}`, {
      key: ADMIN,
      body: { name: `Merchant ${m.id}`, providers: { chargebee: { basic_auth: [next] } } },
    });
    expect(put.status).toBe(200);
    expect(put.text).not.toContain(next.password);
    const third = sample();
    third.content.transaction.id = "txn_third";
    const old = await deliver(m.id, envelope("payment_succeeded", third.content));
    expect(old.status).toBe(401);
    expect((await ledger(m.key, "inv_42")).invoice.amount_paid).toBe(1000);
    track(m.id, "inv_42");
  });

  it("rejects a configuration with weak or malformed credentials", async () => {
    const bad = [
      { basic_auth: [] },
      { basic_auth: [{ username: "a:b", password: PASS }] },
      { basic_auth: [{ username: USER, password: "short" }] },
      { basic_auth: [{ username: USER, password: PASS, extra: 1 }] },
      { basic_auth: Array.from({ length: 6 }, (_, i) => ({ username: `u${i}`, password: PASS })) },
      { basic_auth: [{ username: USER, password: PASS }], secret: "x" },
    ];
    for (const chargebee of bad) {
      const res = await call("PUT", `/admin/merchants/${uid("m")}`, {
        key: ADMIN,
        body: { name: "x", providers: { chargebee } },
      });
      expect(res.status, JSON.stringify(chargebee)).toBe(422);
    }
  });

  it("answers 400 to malformed JSON and to events it cannot read, changing nothing", async () => {
    const m = await merchant();
    await deliver(m.id, sampleText);
    const before = await ledger(m.key, "inv_42");
    const bad: Array<Json | string> = [
      "{not json",
      sampleText.slice(0, -10),
      "[]",
      { ...sample(), id: 42 },
      { ...sample(), content: null },
      envelope("payment_succeeded", {
        transaction: { ...sample().content.transaction, id: "txn_x", amount: "500" },
      }),
      envelope("payment_succeeded", {
        transaction: {
          ...sample().content.transaction,
          id: "txn_y",
          linked_invoices: [{ invoice_id: "inv_42", applied_amount: 12.5 }],
        },
      }),
      envelope("payment_succeeded", {
        transaction: { ...sample().content.transaction, id: "txn_z", currency_code: "XXX" },
      }),
      envelope("payment_succeeded", {}),
      envelope("invoice_updated", { invoice: { ...sample().content.invoice, total: -1 } }),
    ];
    for (const body of bad) {
      const res = await deliver(m.id, body);
      expect(res.status, typeof body === "string" ? body : JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(res.body.error.code).toBe("malformed_payload");
    }
    expect(await ledger(m.key, "inv_42")).toEqual(before);
    track(m.id, "inv_42");
  });

  it("answers 413 to a body over 256 KiB, before anything else, changing nothing", async () => {
    const m = await merchant();
    const big = sample();
    big.content.transaction.description = "x".repeat(256 * 1024);
    for (const authorization of [basic(USER, PASS), null]) {
      const res = await deliver(m.id, big, authorization);
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe("payload_too_large");
    }
    expect((await call("GET", "/v1/invoices/inv_42", { key: m.key })).status).toBe(404);
  });
});
