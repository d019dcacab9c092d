// HighLevel signs every account's events with the same keys: a delivery must name one of the merchant's locations.
import { describe, expect } from "vitest";
import { ADMIN, call, it, track, uid } from "../../../helpers";
import {
  deliver,
  keys,
  ledger,
  merchant,
  OTHER_LOCATION,
  SAMPLE_ID,
  SAMPLE_LOCATION,
  sample,
  signedEd,
  signedRsa,
  snapshot,
} from "../../../support/highlevel";

describe("HighLevel webhooks", () => {
  it("refuses an event HighLevel signed for another location: 401, no invoice, event or contact", async () => {
    const mine = await merchant();
    const theirs = await merchant({ location_ids: [OTHER_LOCATION] });
    // Both merchants trust the same keys, as every merchant trusts HighLevel's published ones.
    const foreign = snapshot({ webhookId: uid("wh"), altId: OTHER_LOCATION });
    const refused = await deliver(mine.id, foreign, await signedEd(foreign));
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("signature_invalid");
    expect((await deliver(mine.id, foreign, await signedRsa(foreign))).status).toBe(401);
    expect((await ledger(mine.key)).status).toBe(404);

    // The same signed event at its own merchant's URL is applied there.
    expect((await deliver(theirs.id, foreign, await signedEd(foreign))).status).toBe(200);
    expect((await ledger(theirs.key)).invoice.amount_paid).toBe(89900);

    // With the invoice known, a foreign snapshot of it changes no figure, line, event or contact.
    const own = snapshot({ webhookId: uid("wh") });
    expect((await deliver(mine.id, own, await signedEd(own))).status).toBe(200);
    const before = await ledger(mine.key);
    const later = { amountPaid: 999, amountDue: 0, updatedAt: "2024-06-01T00:00:00.000Z" };
    const contact = { ...(sample.contactDetails as object), name: "Mallory", email: "m@example.com" };
    const foreignBodies = [
      snapshot({ ...later, altId: OTHER_LOCATION, contactDetails: contact }),
      // Both fields name a location: both must be the merchant's.
      snapshot({ ...later, locationId: OTHER_LOCATION }),
      snapshot({ ...later, altId: OTHER_LOCATION, locationId: SAMPLE_LOCATION }),
      snapshot({ ...later, altId: SAMPLE_LOCATION.toUpperCase() }),
      snapshot({ ...later, type: "InvoiceVoid", status: "void", altId: OTHER_LOCATION }),
    ];
    for (const body of foreignBodies) {
      const res = await deliver(mine.id, body, await signedEd(body));
      expect(res.status, body).toBe(401);
      expect(await ledger(mine.key)).toEqual(before);
    }
    track(mine.id, SAMPLE_ID);
    track(theirs.id, SAMPLE_ID);
  });

  it("refuses a signed event that names no location of the merchant's", async () => {
    const m = await merchant();
    const { altId: _altId, altType: _altType, ...unlocated } = sample;
    const bodies = [
      JSON.stringify(unlocated),
      snapshot({ altType: "agency" }),
      snapshot({ altType: undefined }),
      snapshot({ altId: null }),
      snapshot({ altId: 12345 }),
      snapshot({ altType: "agency", locationId: 12345 }),
      JSON.stringify({ type: "ContactCreate", id: "c1" }),
    ];
    for (const body of bodies) {
      const res = await deliver(m.id, body, await signedEd(body));
      expect(res.status, body).toBe(401);
      expect(res.body.error.code, body).toBe("signature_invalid");
    }
    expect((await ledger(m.key)).status).toBe(404);
    track(m.id, SAMPLE_ID);
  });

  it("accepts any of the merchant's locations, by altId or by locationId", async () => {
    const m = await merchant({ location_ids: [OTHER_LOCATION, SAMPLE_LOCATION] });
    const steps = [
      snapshot({ amountPaid: 100, updatedAt: "2024-07-01T00:00:00.000Z" }),
      snapshot({ amountPaid: 200, updatedAt: "2024-07-02T00:00:00.000Z", altId: OTHER_LOCATION }),
      snapshot({ amountPaid: 300, updatedAt: "2024-07-03T00:00:00.000Z", locationId: SAMPLE_LOCATION }),
      snapshot({
        amountPaid: 400,
        updatedAt: "2024-07-04T00:00:00.000Z",
        altType: "agency",
        locationId: OTHER_LOCATION,
      }),
    ];
    for (const body of steps)
      expect((await deliver(m.id, body, await signedEd(body))).status, body).toBe(200);
    expect((await ledger(m.key)).invoice.amount_paid).toBe(40000);
    track(m.id, SAMPLE_ID);
  });

  it("refuses a HighLevel configuration without valid location_ids, storing nothing", async () => {
    const { ed } = await keys;
    const bad: Array<Record<string, unknown>> = [
      {},
      { ed25519_public_keys: [ed.pem] },
      { location_ids: [] },
      { location_ids: "6578278e879ad2646715ba9c" },
      { location_ids: [""] },
      { location_ids: ["x".repeat(65)] },
      { location_ids: ["has space"] },
      { location_ids: [42] },
      { location_ids: Array.from({ length: 101 }, (_, i) => `loc${i}`) },
    ];
    for (const highlevel of bad) {
      const id = uid("m");
      const res = await call("PUT", `/admin/merchants/${id}`, {
        key: ADMIN,
        body: { name: "no locations", providers: { highlevel } },
      });
      expect(res.status, JSON.stringify(highlevel)).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.details, JSON.stringify(highlevel)).toContainEqual(
        expect.objectContaining({ path: expect.stringMatching(/^providers\.highlevel\.location_ids/) }),
      );
      expect((await call("GET", `/admin/merchants/${id}`, { key: ADMIN })).status).toBe(404);
    }
  });
});
