// Riverty Accounting as a Service `accounting/paymentReceived` notifications. Riverty signs nothing, so a
// delivery is trusted for carrying a secret path token and (by default) coming from Riverty's addresses.
import { z } from "zod";
import type { LineInput } from "../ledger/types";
import { secretsEqual } from "../lib/crypto";
import { textProblem } from "../lib/zod-atoms";
import { decimalAmount, optionalDecimalAmount, supportedCurrency } from "./amounts";
import { type Delivery, MalformedPayload, type Normalized, type Provider, type Verification } from "./types";

const SOURCE = "riverty";
const PAYMENT_RECEIVED = "accounting/paymentReceived";

/** Riverty's published sender addresses (docs "Getting started with webhooks"): UAT, then PROD. */
export const RIVERTY_IPS: readonly string[] = [
  "20.76.134.255",
  "4.210.170.174",
  "20.103.56.175",
  "4.180.187.249",
];

export const RivertyConfigSchema = z
  .object({
    /** Path tokens; more than one while rotating. URL-safe so the callback URL needs no escaping. */
    tokens: z
      .array(
        z
          .string()
          .min(24)
          .max(128)
          .regex(/^[A-Za-z0-9_-]+$/, "must be URL-safe: letters, digits, - and _"),
      )
      .min(1)
      .max(5),
    check_ip: z.boolean().default(true),
    // Absent means Riverty's published addresses as this release knows them, resolved at verify time, so a
    // change to that list reaches every merchant with a deploy rather than a configuration rewrite.
    allowed_ips: z
      .array(z.union([z.ipv4(), z.ipv6()]))
      .min(1)
      .max(32)
      .optional(),
  })
  .strict();

export type RivertyConfig = z.infer<typeof RivertyConfigSchema>;

/**
 * Every configured token is compared, with no early exit, so that neither which token matched nor a
 * token's length shows in the timing.
 */
async function matchToken(presented: string, tokens: readonly string[]): Promise<number> {
  let match = -1;
  for (const [index, token] of tokens.entries()) {
    if ((await secretsEqual(presented, token)) && match === -1) match = index;
  }
  return match;
}

async function verify(delivery: Delivery, config: RivertyConfig): Promise<Verification> {
  const presented = delivery.params.token;
  if (!presented) return { ok: false, reason: "missing_token" };
  const index = await matchToken(presented, config.tokens ?? []);
  if (index < 0) return { ok: false, reason: "token_mismatch" };
  if (config.check_ip === false) return { ok: true, method: `${SOURCE}:path-token#${index}+no-ip-check` };
  if (!delivery.ip) return { ok: false, reason: "missing_ip" };
  const ip = delivery.ip.trim().toLowerCase();
  const allowed = config.allowed_ips ?? RIVERTY_IPS;
  if (!allowed.some((a) => a.toLowerCase() === ip)) return { ok: false, reason: "ip_not_allowed" };
  return { ok: true, method: `${SOURCE}:path-token#${index}+ip` };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Longest Riverty reference taken; the event id joins three of them, so they are kept short. */
export const MAX_RIVERTY_REFERENCE = 100;

/** Reference fields may arrive as strings or (document numbers) as integers. */
function ref(v: unknown, field: string): string | null {
  const s =
    typeof v === "string" && v.trim() !== ""
      ? v.trim()
      : typeof v === "number" && Number.isSafeInteger(v)
        ? String(v)
        : null;
  const problem = s === null ? null : textProblem(s, MAX_RIVERTY_REFERENCE, "id");
  if (problem) throw new MalformedPayload(`parameters.${field} ${problem}`);
  return s;
}

const money = (value: unknown, field: string, currency: string) =>
  decimalAmount(value, `parameters.${field}`, currency);

const optionalMoney = (value: unknown, field: string, currency: string) =>
  optionalDecimalAmount(value, `parameters.${field}`, currency);

function normalize(body: unknown, delivery: Delivery): Normalized {
  if (!isObject(body)) throw new MalformedPayload("Riverty body must be a JSON object");
  if (body.type !== PAYMENT_RECEIVED) {
    const type = typeof body.type === "string" ? body.type : "unrecognized";
    return {
      kind: "ignored",
      eventId: `sha256:${delivery.sha256}`,
      eventType: type,
      reason: `Riverty ${type} notifications do not change the ledger`,
    };
  }
  const p = body.parameters;
  if (!isObject(p)) throw new MalformedPayload("parameters must be an object");
  const currency = supportedCurrency(p.currency, "parameters.currency");
  const invoiceId = ref(p.invoiceReference, "invoiceReference") ?? ref(p.orderReference, "orderReference");
  if (!invoiceId) throw new MalformedPayload("parameters.invoiceReference (or orderReference) is missing");
  const paymentDocument = ref(p.paymentDocument, "paymentDocument");
  const transactionId = ref(p.transactionId, "transactionId");
  if (!paymentDocument || !transactionId) {
    throw new MalformedPayload("parameters.paymentDocument and parameters.transactionId are required");
  }

  const paid = money(p.paidAmount, "paidAmount", currency);
  const tolerance = optionalMoney(p.tolerance, "tolerance", currency) ?? 0;
  const orderAmount = optionalMoney(p.orderAmount, "orderAmount", currency);
  const remaining = optionalMoney(p.remainingAmount, "remainingAmount", currency);

  // Riverty documents no event id; this triple names one payment matched to one invoice, and a
  // payment split across an order's invoices arrives once per invoice.
  const key = `${paymentDocument}:${transactionId}:${invoiceId}`;
  const common = { source: SOURCE, currency, reference: paymentDocument, method: null } as const;
  const lines: LineInput[] = [];
  if (paid > 0) lines.push({ ...common, kind: "payment", externalId: key, amount: paid });
  // A tolerance is the small difference Riverty accepted when matching: it is no longer owed.
  if (tolerance > 0) {
    lines.push({
      ...common,
      kind: "write_off",
      externalId: `${key}:tolerance`,
      amount: tolerance,
      notes: "Payment tolerance accepted by Riverty",
    });
  }

  const receivedAt = new Date(delivery.now * 1000).toISOString();
  return {
    kind: "events",
    eventId: `riverty:${key}`,
    eventType: PAYMENT_RECEIVED,
    invoices: [
      {
        invoiceId,
        command: {
          facts: { currency, ...(orderAmount !== null ? { total: orderAmount } : {}) },
          factsVersion: delivery.now,
          lines,
          report: {
            currency,
            total: orderAmount,
            // paidAmount is this notification's payment, not a running total: comparing it would be wrong.
            amountPaid: null,
            amountDue: remaining,
            status: null,
            reportedAt: receivedAt,
            version: delivery.now,
          },
        },
      },
    ],
  };
}

export const riverty: Provider<RivertyConfig> = {
  name: SOURCE,
  configSchema: RivertyConfigSchema,
  verify,
  normalize,
};
