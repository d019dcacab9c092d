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
