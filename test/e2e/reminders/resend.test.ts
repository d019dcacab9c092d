// Resending a failed or dead-lettered reminder: a new reminder with its own webhook-id, once per
// Idempotency-Key, never while one is in flight or the invoice's reminders are paused.
import { describe, expect } from "vitest";
import { it, snapshot } from "../../helpers";
import { listReminders, patch, pay, resend, settled, setup, until } from "../../support/reminders";

describe("resending a reminder", () => {
  it("a failed reminder is resent as a new reminder with its own webhook-id; the original keeps its record", async () => {
    const { rx, m, id } = await setup([400, { hangMs: 4000 }, 200]);
    expect((await pay(m.key, id, 25000)).status).toBe(201);
    const [failed] = await until(() => listReminders(m.key, id), settled);
    expect(failed).toMatchObject({ status: "failed", attempts: 1, last_error: "HTTP 400" });

    const before = await snapshot(m.key, id);
    const res = await resend(m.key, id, failed!.id);
    expect(res.status, res.text).toBe(202);
    expect(res.body).toMatchObject({
      reason: "partial_payment",
      day: failed!.day,
      status: "pending",
      attempts: 0,
      resend_of: failed!.id,
    });
    const again = res.body.id as string;
    expect(again).not.toBe(failed!.id);

    // While the resend is on its way (its first POST hangs past the timeout), the original cannot be
    // resent again.
    const busy = await resend(m.key, id, failed!.id);
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe("reminder_in_flight");

    const rs = await until(
      () => listReminders(m.key, id),
      (v) => v.length === 2 && settled(v),
    );
    expect(rs.map((r) => [r.id, r.status, r.resend_of])).toEqual([
      [failed!.id, "failed", null],
      [again, "delivered", failed!.id],
    ]);
    expect(rs[0]).toEqual(failed);

    const got = await rx.deliveries();
    expect(got.map((d) => [d.webhookId, d.verified, d.answered])).toEqual([
      [failed!.id, true, 400],
      [again, true, "hang"],
      [again, true, 200],
    ]);
    expect((got[2]!.body as any).data).toMatchObject({ reminder_id: again, resend_of: failed!.id });

    // A delivered reminder is not resent; an unknown one is not found; the ledger did not move.
    const delivered = await resend(m.key, id, again);
    expect(delivered.status).toBe(409);
    expect(delivered.body.error.code).toBe("reminder_not_resendable");
    const unknown = await resend(m.key, id, "rem_doesnotexist");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("not_found");
    expect(await snapshot(m.key, id)).toEqual(before);
  });

  it("a dead-lettered reminder can be resent, once per Idempotency-Key", async () => {
    const { rx, m, id } = await setup([500, 200], { max_attempts: 1 });
    expect((await pay(m.key, id, 25000)).status).toBe(201);
    const [dead] = await until(() => listReminders(m.key, id), settled);
    expect(dead).toMatchObject({ status: "failed", dead_lettered_at: expect.any(String) });

    // Not while the invoice's reminders are paused.
    expect((await patch(m.key, id, { reminders: "paused" })).status).toBe(200);
    const whilePaused = await resend(m.key, id, dead!.id);
    expect(whilePaused.status).toBe(409);
    expect(whilePaused.body.error.code).toBe("reminders_paused");
    expect((await patch(m.key, id, { reminders: "active" })).status).toBe(200);

    const first = await resend(m.key, id, dead!.id, { "idempotency-key": "resend-1" });
    expect(first.status).toBe(202);
    const replay = await resend(m.key, id, dead!.id, { "idempotency-key": "resend-1" });
    expect(replay.status).toBe(202);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.id).toBe(first.body.id);

    const rs = await until(
      () => listReminders(m.key, id),
      (v) => v.length === 2 && settled(v),
    );
    expect(rs.map((r) => r.status)).toEqual(["failed", "delivered"]);
    expect((await rx.deliveries()).map((d) => d.webhookId)).toEqual([dead!.id, first.body.id]);
  });
});
