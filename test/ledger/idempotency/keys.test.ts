// The idempotency capability: a request's result kept under its key, in its request family's scope, in the
// transaction of the change it made; refusals are not kept, and a replay says it is one.
import { describe, expect } from "vitest";
import type { Idempotency } from "../../../src/ledger/commands";
import { it } from "../../helpers";
import { freshLedger, linesOf, openLedger, sql, tables } from "../../support/ledger";

const key = (k: string, requestHash: string, scope: Idempotency["scope"] = "api"): Idempotency => ({
  scope,
  key: k,
  requestHash,
});

describe("idempotency: keys", () => {
  it("replays a stored result for the same key and request, flagged as a replay, with one line", async () => {
    const l = await openLedger();
    const first = await l.stub.recordPayment({ source: "api", amount: 10_000 }, key("k1", "h1"));
    expect(first.ok).toBe(true);
    expect(first.replayed).toBeUndefined();
    const again = await l.stub.recordPayment({ source: "api", amount: 10_000 }, key("k1", "h1"));
    expect(again.replayed).toBe(true);
    expect(again.ok && first.ok && again.value.line.id).toBe(first.ok && first.value.line.id);
    expect((await linesOf(l)).map((x) => [x.amount, x.idempotencyKey])).toEqual([[10_000, "k1"]]);
  });

  it("refuses the same key with another request, and changes nothing", async () => {
    const l = await openLedger();
    await l.stub.recordPayment({ source: "api", amount: 10_000 }, key("k1", "h1"));
    const reused = await l.stub.recordPayment({ source: "api", amount: 20_000 }, key("k1", "h2"));
    expect(reused).toMatchObject({ ok: false, code: "idempotency_key_reused" });
    expect((await linesOf(l)).length).toBe(1);
  });

  it("keeps each request family's keys apart: the same key in another scope is another request", async () => {
    const l = await openLedger();
    await l.stub.recordPayment({ source: "api", amount: 10_000 }, key("shared", "h1", "api"));
    const refrens = await l.stub.recordPayment(
      { source: "refrens", amount: 5_000 },
      key("shared", "h2", "refrens"),
    );
    expect(refrens.ok).toBe(true);
    expect(refrens.replayed).toBeUndefined();
    const stored = await sql(l, "SELECT scope, key, request_hash FROM idempotency_keys ORDER BY scope");
    expect(stored).toEqual([
      { scope: "api", key: "shared", request_hash: "h1" },
      { scope: "refrens", key: "shared", request_hash: "h2" },
    ]);
  });

  it("does not keep a refusal: the corrected retry with the same key runs afresh", async () => {
    const l = await openLedger({ total: 10_000 });
    const refused = await l.stub.recordPayment({ source: "api", amount: 20_000 }, key("k1", "too-much"));
    expect(refused).toMatchObject({ ok: false, code: "amount_exceeds_due" });
    // The first kept key would have made the table (test/ledger/lazy-tables.test.ts).
    expect(await tables(l)).not.toContain("idempotency_keys");
    const corrected = await l.stub.recordPayment({ source: "api", amount: 10_000 }, key("k1", "right"));
    expect(corrected.ok).toBe(true);
    expect(corrected.replayed).toBeUndefined();
  });

  it("an unknown invoice: not_found, and no key (nor table) is stored", async () => {
    const l = freshLedger();
    const r = await l.stub.recordPayment({ source: "api", amount: 1_000 }, key("k1", "h1"));
    expect(r).toMatchObject({ ok: false, code: "not_found" });
    expect(await tables(l)).toEqual([]);
  });
});
