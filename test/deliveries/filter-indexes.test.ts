// The delivery log pages by outcome or provider through an index per filter: a page of the few refusals
// among many accepted deliveries reads rows close to its size, not every row up to the 10,000-row cap.
import { env, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { DeliveryEntry, DeliveryOutcome } from "../../src/deliveries/types";
import { uid } from "../helpers";

const stubs: DurableObjectStub[] = [];
afterEach(async () => {
  // Refusals arm the log's cleanup alarm; alarms outlive a test otherwise.
  for (const stub of stubs.splice(0))
    await runInDurableObject(stub, (_o, state) => state.storage.deleteAlarm());
});

const entry = (provider: string, outcome: DeliveryOutcome, receivedAt: number): DeliveryEntry => ({
  provider,
  receivedAt,
  ip: "203.0.113.7",
  size: 10,
  sha256: null,
  status: outcome === "refused" ? 401 : 200,
  outcome,
  reason: outcome === "refused" ? "unverified:bad_signature" : null,
  eventId: null,
  invoiceIds: [],
  retryOf: null,
  body: null,
  replay: null,
});

describe("delivery log filter indexes", () => {
  it("a filtered page reads rows close to its size, whichever end of the log its matches are at", async () => {
    const stub = env.MERCHANT_DELIVERIES.getByName(uid("log"));
    stubs.push(stub);
    const t = Date.now();
    // Oldest: 5 refused Razorpay deliveries; then 400 accepted Standard ones; newest: 5 accepted Chargebee ones.
    for (let i = 0; i < 5; i++) await stub.note(entry("razorpay", "refused", t + i));
    for (let i = 0; i < 400; i++) await stub.note(entry("standard", "applied", t + 10 + i));
    for (let i = 0; i < 5; i++) await stub.note(entry("chargebee", "applied", t + 500 + i));

    // Newest first, the refusals are at the far end: without an index on outcome this walked all 410 rows.
    const refused = await stub.list({ outcome: "refused" }, 0, 3, "desc");
    expect(refused.items.map((d) => d.receivedAt)).toEqual([t + 4, t + 3, t + 2]);
    expect(refused.rowsRead).toBeLessThanOrEqual(10);
    const rest = await stub.list({ outcome: "refused" }, refused.nextSeq!, 3, "desc");
    expect(rest.items.map((d) => d.receivedAt)).toEqual([t + 1, t]);
    expect(rest.rowsRead).toBeLessThanOrEqual(10);

    // Oldest first, the Chargebee deliveries are at the far end: the provider index serves them.
    const chargebee = await stub.list({ provider: "chargebee" }, 0, 3, "asc");
    expect(chargebee.items.map((d) => d.receivedAt)).toEqual([t + 500, t + 501, t + 502]);
    expect(chargebee.rowsRead).toBeLessThanOrEqual(10);
  });
});
