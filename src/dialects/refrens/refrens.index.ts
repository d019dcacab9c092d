// The Refrens payments API (shared/seeds/002, research §5), served over the same ledger and API keys:
// an integration written for Refrens records offline payments here by changing only its base URL.
import type { Context } from "hono";
import { InvoiceIdParam } from "../../api/schemas";
import { idempotency, ledgerFor } from "../../ledger/client";
import type { CommandResult } from "../../ledger/commands";
import type { Line } from "../../ledger/types";
import { readJsonObject } from "../../lib/json-body";
import { settleOutcome } from "../../lib/replay";
import type { AppEnv } from "../../lib/types";
import { apiKeyBearer } from "../../merchants/api-key-auth";
import { MoneyError, majorToMinor } from "../../money/amount";
import { createDialectRouter } from "../dialect-router";
import { notAuthenticated, notFound, RefrensError } from "./refrens-errors";
import { REFRENS_METHODS, RefrensPaymentSchema, refrensPaymentView } from "./refrens-payment";

const SOURCE = "refrens";
const PATH = "/businesses/:urlKey/invoices/:invoice/payments";
/** Enough for any real invoice; a ledger is never listed without bound. */
const MAX_LINES = 10_000;

const { router, guard } = createDialectRouter({
  errors: RefrensError,
  internal: () => new RefrensError(500, "Internal error; the request may be retried", "internal_error"),
  tooLarge: (limit) => new RefrensError(413, `Bodies are limited to ${limit} bytes`, "payload_too_large"),
  // A key is good only for its own business: another merchant's key is refused like a wrong one.
  authenticate: apiKeyBearer(notAuthenticated, (merchantId, c) => merchantId === c.req.param("urlKey")),
});

/** An id we could never have stored is simply not found. */
function invoiceParam(c: Context<AppEnv>): string {
  const id = c.req.param("invoice") ?? "";
  if (!InvoiceIdParam.safeParse(id).success) throw notFound();
  return id;
}

/** The same reading as /v1's (strict JSON object, Content-Type: application/json), in Refrens's shape. */
async function readBody(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const read = await readJsonObject(c.req.raw);
  if (!read.ok) throw new RefrensError(read.refusal.status, read.refusal.message, read.refusal.code);
  if (read.value === undefined) {
    throw new RefrensError(
      400,
      "The body must be a JSON object; send {} to pay the whole amount due",
      "invalid_body",
    );
  }
  return read.value;
}

function minor(value: number, field: string, currency: string): number {
  try {
    return majorToMinor(value, currency);
  } catch (err) {
    if (err instanceof MoneyError) {
      throw new RefrensError(422, `${field}: ${err.message}`, err.code, { [field]: err.message });
    }
    throw err;
  }
}

/** The ledger's refusals in Feathers classes. */
function refused(result: Extract<CommandResult<unknown>, { ok: false }>): RefrensError {
  switch (result.code) {
    case "not_found":
      return notFound();
    case "invalid_amount":
    case "amount_exceeds_due":
      return new RefrensError(422, result.message, result.code);
    default: // invoice_not_payable, currency_mismatch, idempotency_key_reused, duplicate_payment
      return new RefrensError(409, result.message, result.code);
  }
}

router.post(PATH, ...guard, async (c) => {
  const merchantId = c.get("merchantId")!;
  const invoiceId = invoiceParam(c);
  const parsed = RefrensPaymentSchema.safeParse(await readBody(c));
  if (!parsed.success) {
    const errors = Object.fromEntries(
      parsed.error.issues.map((i) => [i.path.join(".") || "body", i.message] as const),
    );
    const [field, message] = Object.entries(errors)[0] ?? ["body", "invalid"];
    throw new RefrensError(400, `${field}: ${message}`, "validation_failed", errors);
  }
  const p = parsed.data;

  const ledger = ledgerFor(c.env, merchantId, invoiceId);
  const invoice = await ledger.getInvoice();
  if (!invoice) throw notFound();
  const currency = invoice.facts.currency;
  if (!currency) throw new RefrensError(409, "The invoice has no currency yet", "invoice_not_payable");

  // refId names one payment: a replay finds the stored result; the same refId with another body is refused.
  const idem = p.refId ? await idempotency("refrens", p.refId, `refrens payment ${invoiceId}`, p) : undefined;
  const result = await ledger.recordPayment(
    {
      source: SOURCE,
      currency,
      ...(p.amount !== undefined ? { amount: minor(p.amount, "amount", currency) } : {}),
      tds: minor(p.tds, "tds", currency),
      fee: minor(p.transactionCharge, "transactionCharge", currency),
      method: p.paymentMethod ? REFRENS_METHODS[p.paymentMethod] : "other",
      reference: p.refId ?? null,
      notes: p.notes ?? null,
      paidAt: p.paymentDate ? new Date(p.paymentDate).toISOString() : null,
    },
    idem,
  );
  if (!result.ok) throw refused(result);
  settleOutcome(c, result.replayed, "applied");
  return c.json(
    refrensPaymentView(result.value.line, merchantId, { paymentMethod: p.paymentMethod ?? null }),
    201,
  );
});

router.get(PATH, ...guard, async (c) => {
  const merchantId = c.get("merchantId")!;
  const invoiceId = invoiceParam(c);
  const ledger = ledgerFor(c.env, merchantId, invoiceId);
  const lines: Line[] = [];
  let cursor: string | undefined;
  do {
    const page = await ledger.listLines(cursor, 200);
    if (!page) throw notFound();
    lines.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && lines.length < MAX_LINES);
  const reversed = new Set(
    lines.flatMap((l) => (l.kind === "reversal" && l.reversesId ? [l.reversesId] : [])),
  );
  const payments = lines
    .filter((l) => l.kind === "payment")
    .map((l) => refrensPaymentView(l, merchantId, { isRemoved: reversed.has(l.id) }));
  return c.json({ payments }, 200);
});

export default router;
