import { describe, expect } from "vitest";
import { call, it } from "../../helpers";
import { allLines, pay, setup } from "../../support/payments";

describe("listing lines", () => {
  it("pages by cursor: every line exactly once, oldest first", async () => {
    const { key, id } = await setup();
    const ids: string[] = [];
    for (let i = 1; i <= 7; i++) {
      const res = await pay(key, id, { amount: i * 100, reference: `r${i}` });
      ids.push(res.body.payment.id);
    }
    const first = await call("GET", `/v1/invoices/${id}/payments?limit=3`, { key });
    expect(first.body.data.map((l: any) => l.id)).toEqual(ids.slice(0, 3));
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await call("GET", `/v1/invoices/${id}/payments?limit=3&cursor=${first.body.next_cursor}`, {
      key,
    });
    expect(second.body.data.map((l: any) => l.id)).toEqual(ids.slice(3, 6));
    const third = await call("GET", `/v1/invoices/${id}/payments?limit=3&cursor=${second.body.next_cursor}`, {
      key,
    });
    expect(third.body.data.map((l: any) => l.id)).toEqual(ids.slice(6));
    expect(third.body.next_cursor).toBeNull();

    for (const limit of [1, 2, 7, 50]) {
      expect((await allLines(key, id, limit)).map((l) => l.id)).toEqual(ids);
    }
    // An exact multiple of the page size ends with a null cursor, not with an empty page.
    const seven = await call("GET", `/v1/invoices/${id}/payments?limit=7`, { key });
    expect(seven.body.next_cursor).toBeNull();
  });

  it("an empty ledger is one empty page", async () => {
    const { key, id } = await setup();
    const res = await call("GET", `/v1/invoices/${id}/payments`, { key });
    expect(res.body).toEqual({ data: [], next_cursor: null });
  });

  it("refuses a bad limit", async () => {
    const { key, id } = await setup();
    for (const limit of ["0", "201", "-1", "abc", "1.5"]) {
      const res = await call("GET", `/v1/invoices/${id}/payments?limit=${limit}`, { key });
      expect(res.status, limit).toBe(422);
    }
  });

  it("refuses a cursor it did not issue instead of starting over", async () => {
    const { key, id } = await setup();
    await pay(key, id, { amount: 100 });
    for (const cursor of ["garbage", "c2VxOi0x", btoa("seq:abc")]) {
      const res = await call("GET", `/v1/invoices/${id}/payments?cursor=${encodeURIComponent(cursor)}`, {
        key,
      });
      expect(res.status, cursor).toBe(422);
      expect(res.body.error.message, cursor).toMatch(/cursor/);
    }
  });
});
