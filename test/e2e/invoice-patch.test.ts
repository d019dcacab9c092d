import { describe, expect } from "vitest";
import { call, it, snapshot } from "../helpers";
import { patch, pay, setup } from "../support/reminders";

describe("PATCH /v1/invoices/{invoiceId}", () => {
  it("changes only the fields sent; null clears; the currency stays locked once there are lines", async () => {
    const { m, id } = await setup([200], {}, { due_date: "2030-01-31" });
    const changed = await patch(m.key, id, { total: 120000, customer: { email: null, name: "A. Rao" } });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({
      total: 120000,
      currency: "INR",
      number: "INV-7",
      due_date: "2030-01-31",
      customer: { name: "A. Rao", email: null, phone: "+919800000001" },
      reminders: "active",
    });
    const cleared = await patch(m.key, id, { due_date: null, number: null });
    expect(cleared.body).toMatchObject({ total: 120000, due_date: null, number: null });
    expect(await call("GET", `/v1/invoices/${id}`, { key: m.key })).toMatchObject({ body: cleared.body });

    expect((await pay(m.key, id, 1000)).status).toBe(201);
    const before = await snapshot(m.key, id);
    const locked = await patch(m.key, id, { currency: "USD", reminders: "paused" });
    expect(locked.status).toBe(409);
    expect(locked.body.error.code).toBe("currency_locked");
    // Refused as a whole: the pause sent with it did not happen either.
    expect(await snapshot(m.key, id)).toEqual(before);
    expect((await call("GET", `/v1/invoices/${id}`, { key: m.key })).body.reminders).toBe("active");

    const missing = await patch(m.key, "no-such-invoice", { total: 1 });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
  });
});

describe("PATCH /v1/invoices/{invoiceId} media types", () => {
  const send = (key: string, id: string, type: string, body: unknown) =>
    call("PATCH", `/v1/invoices/${id}`, {
      key,
      raw: JSON.stringify(body),
      headers: { "content-type": type },
    });

  it("takes application/merge-patch+json (RFC 7396) as it takes application/json", async () => {
    const { m, id } = await setup([200], {}, { due_date: "2030-01-31" });
    const merged = await send(m.key, id, "application/merge-patch+json", { number: "N-9", due_date: null });
    expect(merged.status, merged.text).toBe(200);
    expect(merged.body).toMatchObject({ number: "N-9", due_date: null, total: 100000 });
    const charset = await send(m.key, id, "application/merge-patch+json; charset=utf-8", { total: 90000 });
    expect(charset.status, charset.text).toBe(200);
    expect(charset.body).toMatchObject({ number: "N-9", total: 90000 });
    // The same rules whatever the media type: an unknown field is refused and nothing changes.
    const before = await snapshot(m.key, id);
    const unknown = await send(m.key, id, "application/merge-patch+json", { totl: 1 });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe("validation_failed");
    expect(await snapshot(m.key, id)).toEqual(before);
  });

  it("refuses any other media type with 415, naming both it takes, and changes nothing", async () => {
    const { m, id } = await setup([200]);
    const before = await snapshot(m.key, id);
    for (const type of ["text/plain", "application/json-patch+json", "application/merge-patch+xml"]) {
      const res = await send(m.key, id, type, { number: "N-1" });
      expect(res.status, type).toBe(415);
      expect(res.body.error.code).toBe("unsupported_media_type");
      expect(res.body.error.message).toContain("application/merge-patch+json or application/json");
    }
    expect(await snapshot(m.key, id)).toEqual(before);
  });
});
