// Reminder retries: receivers that fail, recover, time out or refuse, and the dead-letter record.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect } from "vitest";
import worker from "../../../src/index";
import { ADMIN, call, it } from "../../helpers";
import { listReminders, pay, settled, setup, until } from "../../support/reminders";

describe("customer reminders", () => {
  it("a receiver that fails, then recovers, gets the same signed message again", async () => {
    const { rx, m, id } = await setup([503, 200]);
    expect((await pay(m.key, id, 25000)).status).toBe(201);
    const rs = await until(() => listReminders(m.key, id), settled);
    expect(rs).toHaveLength(1);
    expect(rs[0]).toMatchObject({ status: "delivered", attempts: 2, last_error: "HTTP 503" });
    const got = await rx.deliveries();
    expect(got.map((d) => [d.verified, d.answered])).toEqual([
      [true, 503],
      [true, 200],
    ]);
    expect(got[1]!.webhookId).toBe(got[0]!.webhookId);
    expect(got[1]!.body).toEqual(got[0]!.body);
  });

  it("a receiver that times out is retried, and no second delivery overlaps the first", async () => {
    const { rx, m, id, stub } = await setup([{ hangMs: 4000 }, 200]);
    expect((await pay(m.key, id, 25000)).status).toBe(201);
    const [inFlight] = await until(
      () => listReminders(m.key, id),
      (v) => v[0]?.attempts === 1,
    );
    // A duplicate message arriving meanwhile finds the reminder leased to the running attempt.
    const claim = await stub.claimReminder(inFlight!.id, { leaseMs: 1500, maxAttempts: 6 });
    expect(claim).toMatchObject({ kind: "busy" });
    const rs = await until(() => listReminders(m.key, id), settled);
    expect(rs[0]).toMatchObject({ status: "delivered", attempts: 2, last_error: "timed out after 1500 ms" });
    expect((await rx.deliveries()).map((d) => d.answered)).toEqual(["hang", 200]);
  });

  it("a receiver that keeps failing ends in the dead-letter record on the invoice", async () => {
    const { rx, m, id } = await setup([500], { max_attempts: 3 });
    expect((await pay(m.key, id, 25000)).status).toBe(201);
    const rs = await until(() => listReminders(m.key, id), settled);
    expect(rs).toHaveLength(1);
    expect(rs[0]).toMatchObject({ status: "failed", attempts: 3, delivered_at: null });
    expect(rs[0]!.last_error).toBe("dead-lettered after 3 attempts: HTTP 500");
    expect(rs[0]!.dead_lettered_at).toEqual(expect.any(String));
    expect(rs[0]!.failed_at).toEqual(expect.any(String));
    const got = await rx.deliveries();
    expect(got).toHaveLength(3);
    expect(new Set(got.map((d) => d.webhookId)).size).toBe(1);
  });

  it("lowering max_attempts dead-letters the reminder at its next delivery", async () => {
    const { rx, m, id } = await setup([{ status: 503, retryAfter: 30 }], { max_attempts: 5 });
    expect((await pay(m.key, id, 25000)).status).toBe(201);
    const [r] = await until(
      () => listReminders(m.key, id),
      (v) => v[0]?.attempts === 1 && v[0]?.last_error !== null,
    );
    const put = await call("PUT", `/admin/merchants/${m.id}`, {
      key: ADMIN,
      body: {
        name: `Merchant ${m.id}`,
        notifications: { enabled: true, url: rx.url, secret: rx.secret, max_attempts: 1 },
      },
    });
    expect(put.status).toBe(200);
    // The retry the queue holds for 30 s, delivered now.
    const body = { v: 1, reminderId: r!.id, merchantId: m.id, invoiceId: id };
    const batch = createMessageBatch("invoice-ledger-reminders", [
      { id: "retry-2", timestamp: new Date(), attempts: 2, body },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["retry-2"]);
    const rs = await until(() => listReminders(m.key, id), settled);
    expect(rs[0]).toMatchObject({
      status: "failed",
      attempts: 1,
      last_error: "dead-lettered after 1 attempt: HTTP 503",
    });
    expect(await rx.deliveries()).toHaveLength(1);
  });

  it("a 4xx answer fails the reminder at once, without retries", async () => {
    const { rx, m, id } = await setup([422]);
    expect((await pay(m.key, id, 25000)).status).toBe(201);
    const rs = await until(() => listReminders(m.key, id), settled);
    expect(rs[0]).toMatchObject({
      status: "failed",
      attempts: 1,
      last_error: "HTTP 422",
      dead_lettered_at: null,
    });
    expect(await rx.deliveries()).toHaveLength(1);
  });
});
