// HighLevel's verify and normalize as pure functions: raw bytes and headers in, an outcome out, no Worker.
import { describe, expect, it } from "vitest";
import { highlevel } from "../../../src/providers/highlevel";
import { MalformedPayload } from "../../../src/providers/types";
import { bodyOf, onlyInvoice, rawDelivery } from "../../support/delivery";
import {
  keys,
  OTHER_LOCATION,
  SAMPLE_ID,
  SAMPLE_LOCATION,
  signedEd,
  signedRsa,
  snapshot,
} from "../../support/highlevel";

async function config() {
  const { ed, rsa } = await keys;
  return { location_ids: [SAMPLE_LOCATION], ed25519_public_keys: [ed.pem], rsa_public_keys: [rsa.pem] };
}

const normalize = async (body: string) => {
  const d = await rawDelivery(body);
  return { d, n: highlevel.normalize(bodyOf(d), d) };
};

describe("highlevel verify (unit)", () => {
  it("accepts Ed25519 in X-GHL-Signature, and RSA in X-WH-Signature only when X-GHL-Signature is absent", async () => {
    const body = snapshot();
    const cfg = await config();
    expect(await highlevel.verify(await rawDelivery(body, { headers: await signedEd(body) }), cfg)).toEqual({
      ok: true,
      method: "highlevel:ed25519:key#0",
    });
    expect(await highlevel.verify(await rawDelivery(body, { headers: await signedRsa(body) }), cfg)).toEqual({
      ok: true,
      method: "highlevel:rsa-sha256:key#0",
    });
    // A garbled Ed25519 header decides on its own: no downgrade to a valid legacy signature.
    const both = { ...(await signedRsa(body)), "x-ghl-signature": "AAAA" };
    expect((await highlevel.verify(await rawDelivery(body, { headers: both }), cfg)).ok).toBe(false);
  });

  it("refuses a changed body, another key and no header", async () => {
    const body = snapshot();
    const cfg = await config();
    const signed = await signedEd(body);
    const verify = async (raw: string, headers: Record<string, string>, c = cfg) =>
      highlevel.verify(await rawDelivery(raw, { headers }), c);
    expect(await verify(`${body} `, signed)).toEqual({ ok: false, reason: "ed25519_signature_mismatch" });
    const { ed2 } = await keys;
    expect(await verify(body, signed, { ...cfg, ed25519_public_keys: [ed2.pem] })).toEqual({
      ok: false,
      reason: "ed25519_signature_mismatch",
    });
    expect(await verify(body, {})).toEqual({ ok: false, reason: "missing_signature_header" });
  });
});

describe("highlevel authorize (unit)", () => {
  const authorize = (body: string, locations = [SAMPLE_LOCATION]) =>
    highlevel.authorize?.(JSON.parse(body), { location_ids: locations });

  it("takes a body whose altId and locationId are all the merchant's locations", () => {
    expect(authorize(snapshot())).toEqual({ ok: true });
    expect(authorize(snapshot({ locationId: SAMPLE_LOCATION }))).toEqual({ ok: true });
    expect(authorize(snapshot(), [OTHER_LOCATION, SAMPLE_LOCATION])).toEqual({ ok: true });
  });

  it("refuses a location that is not the merchant's, and a body that names none", () => {
    const notAllowed = { ok: false, reason: "location_not_allowed" };
    expect(authorize(snapshot(), [OTHER_LOCATION])).toEqual(notAllowed);
    expect(authorize(snapshot({ locationId: OTHER_LOCATION }))).toEqual(notAllowed);
    expect(authorize(snapshot({ altId: SAMPLE_LOCATION.toUpperCase() }))).toEqual(notAllowed);
    expect(authorize(snapshot({ locationId: 42 }))).toEqual(notAllowed);
    expect(authorize(snapshot({ altType: "company" }))).toEqual({ ok: false, reason: "location_missing" });
  });

  it("leaves a body that is not a JSON object to normalize, which answers it 400", () => {
    expect(authorize("[]")).toEqual({ ok: true });
    expect(authorize("null")).toEqual({ ok: true });
  });
});

describe("highlevel normalize (unit)", () => {
  it("turns the official InvoicePartiallyPaid sample into a cumulative snapshot, facts and report", async () => {
    const { n } = await normalize(snapshot({ webhookId: "wh_1" }));
    expect(n).toMatchObject({ kind: "events", eventId: "wh_1", eventType: "InvoicePartiallyPaid" });
    const { invoiceId, command } = onlyInvoice(n);
    const version = Date.parse("2023-12-12T09:27:42.355Z");
    expect(invoiceId).toBe(SAMPLE_ID);
    // Decimal major units to minor units: 899 USD paid of 999.
    expect(command.cumulative).toEqual({ amountPaid: 89_900, currency: "USD", version });
    expect(command.facts).toMatchObject({
      currency: "USD",
      total: 99_900,
      dueDate: "2023-01-01",
      number: "19",
    });
    expect(command.report).toMatchObject({ amountPaid: 89_900, amountDue: 10_000, version });
  });

  it("voids on InvoiceVoid, ignores other events, and refuses an invoice it cannot read", async () => {
    const { n: voided } = await normalize(snapshot({ status: "void" }));
    expect(voided.kind === "events" && voided.invoices[0]?.command.void).toBe(true);
    const { d, n: other } = await normalize(snapshot({ type: "ContactCreate" }));
    expect(other).toMatchObject({
      kind: "ignored",
      eventType: "ContactCreate",
      eventId: `sha256:${d.sha256}`,
    });
    await expect(normalize(snapshot({ currency: "XXX" }))).rejects.toBeInstanceOf(MalformedPayload);
    await expect(normalize(snapshot({ updatedAt: "yesterday" }))).rejects.toBeInstanceOf(MalformedPayload);
    await expect(normalize(snapshot({ amountPaid: 10.005 }))).rejects.toBeInstanceOf(MalformedPayload);
  });
});
