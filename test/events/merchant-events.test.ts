// The MerchantEvents object's own duties: storage bounds (finished deliveries go after 30 days or beyond the
// row cap, oldest first; deliveries on their way never), and handing over again what a lost message dropped.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect } from "vitest";
import { EVENT_BOUNDS } from "../../src/events/merchant-events";
import { DeliveryStore } from "../../src/events/store";
import { it, uid } from "../helpers";
import { allFinal, deliveriesUntil, eventsMerchant } from "../support/events";

const rows = (sql: SqlStorage) =>
  sql
    .exec<{ id: string; status: string }>("SELECT id, status FROM deliveries ORDER BY seq")
    .toArray()
    .map((r) => `${r.id}:${r.status}`);

function seed(sql: SqlStorage, n: number, status: string, updatedAt: number) {
  const store = new DeliveryStore(sql);
  for (let i = 0; i < n; i++) {
    const id = `evt_${uid("x")
      .replace(/[^a-z0-9]/g, "")
      .padEnd(32, "0")
      .slice(0, 32)}`;
    store.insert(
      {
        id,
        endpointId: "we_AAAAAAAAAAAAAAAAAAAA",
        type: "invoice.paid",
        invoiceId: "I",
        version: 1,
        payload: "{}",
      },
      updatedAt,
      updatedAt,
    );
    sql.exec(
      "UPDATE deliveries SET status = ?, handover_at = NULL, updated_at = ? WHERE id = ?",
      status,
      updatedAt,
      id,
    );
  }
}

describe("merchant events: storage bounds", () => {
  it("the alarm deletes finished deliveries older than 30 days and keeps open and recent ones", async () => {
    const stub = env.MERCHANT_EVENTS.getByName(uid("m"));
    const old = Date.now() - EVENT_BOUNDS.maxAgeMs - 60_000;
    const before = await runInDurableObject(stub, async (_o, state) => {
      const sql = state.storage.sql;
      seed(sql, 2, "delivered", old);
      seed(sql, 1, "failed", old);
      seed(sql, 1, "sent", old);
      seed(sql, 1, "delivered", Date.now());
      await state.storage.setAlarm(Date.now());
      return rows(sql);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const after = await runInDurableObject(stub, (_o, state) => rows(state.storage.sql));
    // Two old delivered and one old failed go; the open one (however old) and the recent one stay.
    expect(after).toEqual([before[3], before[4]]);
    await runInDurableObject(stub, (_o, state) => state.storage.deleteAlarm());
  });

  it("beyond the row cap the oldest finished deliveries go first; open ones stay", async () => {
    const stub = env.MERCHANT_EVENTS.getByName(uid("m"));
    const after = await runInDurableObject(stub, (_o, state) => {
      const sql = state.storage.sql;
      seed(sql, 1, "sent", Date.now());
      seed(sql, 3, "delivered", Date.now());
      const before = rows(sql);
      new DeliveryStore(sql).purge(0, 2);
      return { before, after: rows(sql) };
    });
    // Four rows, a cap of two: the two oldest finished ones go, the open one stays.
    expect(after.after).toEqual([after.before[0], after.before[3]]);
  });
});

describe("merchant events: a lost queue message", () => {
  it("a handed-over delivery no consumer claimed within its lease is handed over again by the alarm", async () => {
    const { m, rxs, endpoints } = await eventsMerchant([{ script: [200], events: ["invoice.paid"] }]);
    const stub = env.MERCHANT_EVENTS.getByName(m.id);
    const id = `evt_${"ab".repeat(16)}`;
    // As if handed over an hour ago and the message then lost: sent, never claimed, its lease run out.
    await runInDurableObject(stub, async (_o, state) => {
      const sql = state.storage.sql;
      sql.exec("INSERT INTO events_meta (singleton, merchant_id) VALUES (1, ?)", m.id);
      const payload = JSON.stringify({ type: "invoice.paid", timestamp: new Date().toISOString(), data: {} });
      const store = new DeliveryStore(sql);
      const at = Date.now() - 3_600_000;
      store.insert(
        { id, endpointId: endpoints[0]!.id, type: "invoice.paid", invoiceId: "I-LOST", version: 4, payload },
        at,
        at,
      );
      store.markHandedOver([id], at, at + 60_000);
      await state.storage.setAlarm(Date.now());
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const [d] = await deliveriesUntil(m.key, endpoints[0]!.id, allFinal(1));
    expect(d).toMatchObject({ id, status: "delivered", attempts: 1 });
    expect((await rxs[0]!.deliveries()).map((g) => [g.webhookId, g.verified])).toEqual([[id, true]]);
    await runInDurableObject(stub, (_o, state) => state.storage.deleteAlarm());
  });
});

describe("merchant events: a hand-over batch", () => {
  it("marks every listed open delivery at once, keeps a later lease, and leaves finished and unlisted ones", async () => {
    const stub = env.MERCHANT_EVENTS.getByName(uid("m"));
    const got = await runInDurableObject(stub, (_o, state) => {
      const sql = state.storage.sql;
      seed(sql, 3, "pending", 1_000);
      seed(sql, 1, "delivered", 1_000);
      const ids = sql.exec<{ id: string }>("SELECT id FROM deliveries ORDER BY seq").toArray();
      const [a, b, c, done] = ids.map((r) => r.id);
      sql.exec("UPDATE deliveries SET handover_at = 90000 WHERE id = ?", b!);
      const store = new DeliveryStore(sql);
      store.markHandedOver([a!, b!, done!], 5_000, 60_000);
      store.handOverLater([c!], 70_000);
      return sql.exec("SELECT status, handover_at, updated_at FROM deliveries ORDER BY seq").toArray();
    });
    expect(got).toEqual([
      { status: "sent", handover_at: 60_000, updated_at: 5_000 },
      { status: "sent", handover_at: 90_000, updated_at: 5_000 },
      { status: "pending", handover_at: 70_000, updated_at: 1_000 },
      { status: "delivered", handover_at: null, updated_at: 1_000 },
    ]);
  });
});
