// HighLevel (GoHighLevel / LeadConnector) invoice webhooks: Ed25519 `X-GHL-Signature`, legacy RSA
// `X-WH-Signature`, and invoice snapshots whose amounts are cumulative decimal major units.
import { z } from "zod";
import { fromBase64 } from "../lib/crypto";
import { MAX_ID_LENGTH, textProblem } from "../lib/zod-atoms";
import { decimalAmount, optionalDecimalAmount, supportedCurrency } from "./amounts";
import {
  HIGHLEVEL_ED25519_KEYS,
  HIGHLEVEL_RSA_KEYS,
  importPublicKey,
  type KeyAlgorithm,
  spkiAlgorithm,
} from "./highlevel-keys";
import {
  type Authorization,
  type Delivery,
  MalformedPayload,
  type Normalized,
  objectOf,
  type Provider,
  type Verification,
} from "./types";

const SOURCE = "highlevel";

const pemOf = (algorithm: KeyAlgorithm, label: string) =>
  z
    .string()
    .max(4096)
    .refine((pem) => spkiAlgorithm(pem) === algorithm, `must be a ${label} public key in SPKI PEM form`);

/**
 * HighLevel sub-account (location) ids, such as `ve9EPM428h8vShlRW1KT`. HighLevel signs every account's
 * events with the same keys, so a valid signature proves only that HighLevel sent the body: these ids
 * say which of its locations belong to this merchant.
 */
const LocationId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "must be a HighLevel location id: letters, digits, - and _");

export const HighLevelConfigSchema = z
  .object({
    /** The merchant's HighLevel locations: a delivery must name one of them or it is refused. */
    location_ids: z.array(LocationId).min(1).max(100),
    /** Replaces HighLevel's published Ed25519 key(s); list two during a rotation. */
    ed25519_public_keys: z.array(pemOf("ed25519", "Ed25519")).min(1).max(5).optional(),
    /** Replaces HighLevel's published RSA key(s) for the legacy header. */
    rsa_public_keys: z.array(pemOf("rsa", "RSA")).min(1).max(5).optional(),
  })
  .strict();

export type HighLevelConfig = z.infer<typeof HighLevelConfigSchema>;

const SCHEMES = {
  ed25519: { header: "x-ghl-signature", algorithm: { name: "Ed25519" }, label: "ed25519" },
  rsa: { header: "x-wh-signature", algorithm: { name: "RSASSA-PKCS1-v1_5" }, label: "rsa-sha256" },
} as const;

async function verifyWith(
  scheme: KeyAlgorithm,
  keys: readonly string[],
  signatureText: string,
  raw: Uint8Array<ArrayBuffer>,
): Promise<Verification> {
  const { algorithm, label } = SCHEMES[scheme];
  const signature = fromBase64(signatureText);
  if (!signature || signature.byteLength === 0) return { ok: false, reason: `${label}_signature_not_base64` };
  let usable = 0;
  for (const [index, pem] of keys.entries()) {
    const key = await importPublicKey(scheme, pem);
    if (!key) continue;
    usable++;
    // Public-key verification leaks nothing secret through timing, so trying keys in order is fine.
    const ok = await crypto.subtle.verify(algorithm, key, signature, raw).catch(() => false);
    if (ok) return { ok: true, method: `${SOURCE}:${label}:key#${index}` };
  }
  return { ok: false, reason: usable === 0 ? `${label}_no_usable_key` : `${label}_signature_mismatch` };
}

/**
 * Follows HighLevel's own SDK: when `X-GHL-Signature` is present it alone decides, with no fallback to the
 * legacy header (otherwise an attacker holding an old RSA-signed body could strip or garble the Ed25519
 * header to downgrade). Without it, the legacy RSA header is verified. Neither header: refused.
 */
function verifySignature(delivery: Delivery, config: HighLevelConfig): Promise<Verification> {
  const ghl = delivery.headers.get(SCHEMES.ed25519.header);
  if (ghl !== null) {
    return verifyWith("ed25519", config.ed25519_public_keys ?? HIGHLEVEL_ED25519_KEYS, ghl, delivery.raw);
  }
  const legacy = delivery.headers.get(SCHEMES.rsa.header);
  if (legacy !== null) {
    return verifyWith("rsa", config.rsa_public_keys ?? HIGHLEVEL_RSA_KEYS, legacy, delivery.raw);
  }
  return Promise.resolve({ ok: false, reason: "missing_signature_header" });
}

/**
 * Which locations a signed body speaks for: `altId` when `altType` is "location" (invoice events, per
 * https://marketplace.gohighlevel.com/docs/webhook/InvoicePartiallyPaid) and `locationId` (most other
 * events, e.g. https://marketplace.gohighlevel.com/docs/webhook/ContactCreate). Every one named must be
 * the merchant's, so a body cannot pair an allowed id with someone else's; naming none is refused too.
 * A body that is not a JSON object names nothing a ledger could act on: normalize answers it 400.
 * A configuration stored before location_ids existed has none: it refuses every delivery until set.
 */
function authorize(parsed: unknown, config: HighLevelConfig): Authorization {
  const body = objectOf(parsed);
  if (!body) return { ok: true };
  const allowed: readonly string[] = config.location_ids ?? [];
  const named: unknown[] = [];
  if (body.altType === "location") named.push(body.altId);
  if (body.locationId !== undefined && body.locationId !== null) named.push(body.locationId);
  if (named.length === 0) return { ok: false, reason: "location_missing" };
  const ok = named.every((id) => typeof id === "string" && allowed.includes(id));
  return ok ? { ok: true } : { ok: false, reason: "location_not_allowed" };
}

type InvoiceEvent = "InvoicePartiallyPaid" | "InvoicePaid" | "InvoiceVoid";

const EVENT_BY_STATUS: Record<string, InvoiceEvent> = {
  partially_paid: "InvoicePartiallyPaid",
  paid: "InvoicePaid",
  void: "InvoiceVoid",
};
const ACTED_ON = new Set<string>(Object.values(EVENT_BY_STATUS));

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
/** A non-empty string field, or null; over 255 characters or with control characters it is refused. */
function str(v: unknown, kind: "id" | "text" = "text"): string | null {
  if (typeof v !== "string" || v.trim() === "") return null;
  const problem = textProblem(v, MAX_ID_LENGTH, kind);
  if (problem) throw new MalformedPayload(`A string field ${problem}`);
  return v.trim();
}

/**
 * HighLevel's published invoice examples carry no `type` field, while its other webhooks (and its
 * authentication guide) put `type` in the body. So `type` decides when present; without it, an
 * invoice-shaped body (`_id` plus `amountPaid`) is classified by its `status`, which for these events is
 * `partially_paid`, `paid` or `void`. Anything else is acknowledged and ignored.
 */
function classify(body: Record<string, unknown>): { type: string; acted: InvoiceEvent | null } {
  const type = str(body.type);
  if (type) return { type, acted: ACTED_ON.has(type) ? (type as InvoiceEvent) : null };
  if (!("_id" in body) || !("amountPaid" in body)) return { type: "unrecognized", acted: null };
  const byStatus = EVENT_BY_STATUS[str(body.status) ?? ""];
  return byStatus ? { type: byStatus, acted: byStatus } : { type: "unrecognized", acted: null };
}

/**
 * What each event must carry (README, HighLevel): the invoice id, its currency and the time of the
 * snapshot; payment events also the running amount paid. Every missing one is named at once.
 */
const REQUIRED: Record<InvoiceEvent, readonly string[]> = {
  InvoicePartiallyPaid: ["_id", "currency", "updatedAt", "amountPaid"],
  InvoicePaid: ["_id", "currency", "updatedAt", "amountPaid"],
  InvoiceVoid: ["_id", "currency", "updatedAt"],
};

function requireFields(event: InvoiceEvent, body: Record<string, unknown>): void {
  const missing = REQUIRED[event].filter((f) => body[f] === undefined || body[f] === null || body[f] === "");
  if (missing.length > 0) {
    throw new MalformedPayload(
      `${event} is missing ${missing.join(", ")} (it needs ${REQUIRED[event].join(", ")})`,
    );
  }
}

function normalize(body: unknown, delivery: Delivery): Normalized {
  if (!isObject(body)) throw new MalformedPayload("HighLevel body must be a JSON object");
  const eventId = str(body.webhookId, "id") ?? `sha256:${delivery.sha256}`;
  const { type, acted } = classify(body);
  const invoiceId = str(body._id, "id");

  if (!acted) {
    // Only invoice events name an invoice; another webhook's `_id` is some other object's.
    const isInvoiceEvent = type.startsWith("Invoice") && invoiceId !== null;
    return {
      kind: "ignored",
      eventId,
      eventType: type,
      reason: `HighLevel ${type} events do not change the ledger`,
      ...(isInvoiceEvent ? { invoiceId } : {}),
    };
  }

  requireFields(acted, body);
  if (!invoiceId) throw new MalformedPayload(`${acted}: _id must be an invoice id`);
  const currency = supportedCurrency(str(body.currency), "currency", body.currency);
  const updatedAt = str(body.updatedAt);
  // updatedAt orders snapshots: without it an old retry could not be told from a new state.
  const version = updatedAt ? Date.parse(updatedAt) : Number.NaN;
  if (!Number.isFinite(version)) {
    throw new MalformedPayload(`updatedAt ${JSON.stringify(body.updatedAt)} is not an ISO 8601 timestamp`);
  }

  const total = optionalDecimalAmount(body.total, "total", currency);
  const amountDue = optionalDecimalAmount(body.amountDue, "amountDue", currency);
  const contact = isObject(body.contactDetails) ? body.contactDetails : {};
  const dueDate = /^\d{4}-\d{2}-\d{2}/.exec(str(body.dueDate) ?? "")?.[0] ?? null;
  const number =
    typeof body.invoiceNumber === "number" ? String(body.invoiceNumber) : str(body.invoiceNumber, "id");

  const command: Extract<Normalized, { kind: "events" }>["invoices"][number]["command"] = {
    facts: {
      currency,
      ...(total !== null ? { total } : {}),
      ...(dueDate ? { dueDate } : {}),
      ...(number ? { number } : {}),
      customer: {
        ...(str(contact.name) ? { name: str(contact.name) } : {}),
        ...(str(contact.email) ? { email: str(contact.email) } : {}),
        ...(str(contact.phoneNo) ? { phone: str(contact.phoneNo) } : {}),
      },
    },
    factsVersion: version,
  };

  if (acted === "InvoiceVoid") {
    // Facts come along so a void that overtakes the invoice's first payment event still creates it voided.
    command.void = true;
    command.report = {
      currency,
      total,
      amountPaid: optionalDecimalAmount(body.amountPaid, "amountPaid", currency),
      amountDue,
      status: str(body.status) ?? "void",
      reportedAt: new Date(version).toISOString(),
      version,
    };
  } else {
    const amountPaid = decimalAmount(body.amountPaid, "amountPaid", currency);
    // amountPaid is the invoice's running total, not this payment: the ledger records the difference
    // from the newest snapshot it has applied, and ignores snapshots older than that.
    command.cumulative = { amountPaid, currency, version };
    command.report = {
      currency,
      total,
      amountPaid,
      amountDue,
      status: str(body.status),
      reportedAt: new Date(version).toISOString(),
      version,
    };
  }
  return { kind: "events", eventId, eventType: type, invoices: [{ invoiceId, command }] };
}

export const highlevel: Provider<HighLevelConfig> = {
  name: SOURCE,
  configSchema: HighLevelConfigSchema,
  verify: verifySignature,
  authorize,
  normalize,
};
