// Chargebee's `record_payment` in API v1 and v2 (seed 004, research §1), served over the same ledger and API
// keys: an integration that records offline payments in Chargebee points its site URL here instead. One
// handler serves both versions; they differ only in their parameter names (record-payment-form.ts).
import type { Context } from "hono";
import { InvoiceIdParam } from "../../api/schemas";
import { idempotency, ledgerFor } from "../../ledger/client";
import type { CommandResult } from "../../ledger/commands";
import { parseBasicAuth } from "../../lib/basic-auth";
import { settleOutcome } from "../../lib/replay";
import type { AppEnv } from "../../lib/types";
import { acceptApiKey } from "../../merchants/api-key-auth";
import { MoneyError } from "../../money/amount";
import { chargebeeToMinor, minorToChargebee } from "../../providers/chargebee-amount";
import { createDialectRouter } from "../dialect-router";
import { authenticationFailed, ChargebeeError, paramError, resourceNotFound } from "./chargebee-errors";
import { chargebeeInvoice, chargebeeTransaction } from "./chargebee-views";
import { CHARGEBEE_METHODS, type FormVersion, parseRecordPaymentForm, V1, V2 } from "./record-payment-form";
import { readNotices, readOrigin } from "./request-headers";

/** Kept apart from the "chargebee" webhook source: these are payments our merchant recorded, not Chargebee. */
const SOURCE = "chargebee-api";
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

const { router, guard } = createDialectRouter({
  errors: ChargebeeError,
  internal: () =>
    new ChargebeeError(500, "internal_error", "Internal error; the request may be retried", null),
  tooLarge: (limit) =>
    new ChargebeeError(413, "payload_too_large", `Request bodies are limited to ${limit} bytes`),
  /** Like Chargebee's API: HTTP Basic with the API key as the user name; the password is ignored. */
  authenticate: async (c, next) => {
    if (!(await acceptApiKey(c, parseBasicAuth(c.req.header("authorization"))?.username))) {
      throw authenticationFailed();
    }
    await next();
  },
  headers: (e) => (e.status === 401 ? { "WWW-Authenticate": 'Basic realm="invoice-ledger"' } : undefined),
});

async function readForm(c: Context<AppEnv>): Promise<string> {
  const type = c.req.header("content-type") ?? "";
  // Bytes, not c.req.text(): workerd warns when a form body is read as text, and a form is ASCII anyway.
  const raw = await c.req.arrayBuffer();
  let body: string;
  try {
    body = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(raw);
  } catch {
    throw new ChargebeeError(400, "invalid_request", "The body is not valid UTF-8");
  }
  if (body !== "" && !/^application\/x-www-form-urlencoded\b/i.test(type)) {
    throw new ChargebeeError(
      415,
      "unsupported_media_type",
      "Send the parameters form-encoded, with Content-Type: application/x-www-form-urlencoded",
    );
  }
  return body;
}

function refused(result: Extract<CommandResult<unknown>, { ok: false }>, v: FormVersion): ChargebeeError {
  switch (result.code) {
    case "not_found":
      return resourceNotFound();
    case "invalid_amount":
    case "amount_exceeds_due":
      return paramError(v.amount, "param_wrong_value", result.message);
    case "idempotency_key_reused":
      return new ChargebeeError(422, "unable_to_process_request", result.message, "invalid_request");
    default:
      // Research §4.2: the official v1 spec's 409 schema enumerates only invalid_state_for_request, and SDKs
      // branch on it; invalid_invoice_state comes from a third-party mirror. Unconfirmed either way, so we
      // answer with the code the official spec documents.
      return new ChargebeeError(409, "invalid_state_for_request", result.message, "invalid_request");
  }
}

const recordPayment = (v: FormVersion) => async (c: Context<AppEnv>) => {
  const merchantId = c.get("merchantId")!;
  const invoiceId = c.req.param("invoiceId") ?? "";
  if (!InvoiceIdParam.safeParse(invoiceId).success) throw resourceNotFound();
  const input = parseRecordPaymentForm(await readForm(c), v);
  const header = (name: string) => c.req.header(name);
  const notices = readNotices(header);
  const origin = readOrigin(header);
  const idemHeader = c.req.header("chargebee-idempotency-key");
  if (idemHeader !== undefined && !IDEMPOTENCY_KEY.test(idemHeader)) {
    throw new ChargebeeError(
      400,
      "invalid_request",
      "chargebee-idempotency-key must be 1-255 printable ASCII characters",
    );
  }

  const ledger = ledgerFor(c.env, merchantId, invoiceId);
  const invoice = await ledger.getInvoice();
  if (!invoice) throw resourceNotFound();
  const currency = invoice.facts.currency;
  if (!currency) {
    throw new ChargebeeError(409, "invalid_state_for_request", "The invoice has no currency yet");
  }
  // Chargebee cents are coarser than KWD's or BHD's minor unit: refuse up front rather than answer with a
  // balance the client cannot read back exactly.
  const due = invoice.balance.amountDue;
  if (
    (invoice.facts.total !== null && minorToChargebee(invoice.facts.total, currency) === null) ||
    (due !== null && minorToChargebee(due, currency) === null)
  ) {
    throw new ChargebeeError(
      400,
      "invalid_request",
      `This invoice's amounts cannot be expressed in Chargebee's units for ${currency}; use /v1/invoices/${invoiceId}/payments`,
    );
  }
  let amount: number | undefined;
  try {
    amount = input.amount === null ? undefined : chargebeeToMinor(input.amount, currency);
  } catch (err) {
    if (err instanceof MoneyError) throw paramError(v.amount, "param_wrong_value", err.message);
    throw err;
  }

  // The version is not part of the request: the same payment sent through v1 and v2 is the same request.
  const idem = await idempotency("chargebee", idemHeader, `chargebee record_payment ${invoiceId}`, {
    ...input,
    notices,
    origin,
  });
  const notes = [
    input.comment,
    input.referenceNumber && input.idAtGateway ? `id_at_gateway: ${input.idAtGateway}` : null,
  ]
    .filter(Boolean)
    .join("\n");
  const result = await ledger.recordPayment(
    {
      source: SOURCE,
      currency,
      ...(amount !== undefined ? { amount } : {}),
      method: CHARGEBEE_METHODS[input.paymentMethod] ?? "other",
      reference: input.referenceNumber ?? input.idAtGateway,
      notes: notes || null,
      paidAt: input.date !== null ? new Date(input.date * 1000).toISOString() : null,
      ...notices,
      origin,
    },
    idem,
  );
  if (!result.ok) throw refused(result, v);
  settleOutcome(c, result.replayed, "applied");
  return c.json(
    {
      invoice: chargebeeInvoice(result.value.invoice),
      transaction: chargebeeTransaction(result.value.line, result.value.invoice, input),
    },
    200,
  );
};

router.post("/api/v1/invoices/:invoiceId/record_payment", ...guard, recordPayment(V1));
router.post("/api/v2/invoices/:invoiceId/record_payment", ...guard, recordPayment(V2));

export default router;
