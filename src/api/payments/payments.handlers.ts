import type { RouteHandler, z } from "@hono/zod-openapi";
import { idempotency, ledgerFor } from "../../ledger/client";
import type { PaymentCommand } from "../../ledger/commands";
import { settleOutcome } from "../../lib/replay";
import type { AppEnv } from "../../lib/types";
import { listed, readPage } from "../cursor";
import { unwrap } from "../ledger-client";
import { invoiceView, lineView, listedLineView } from "../views";
import type * as routes from "./payments.routes";
import type { PaymentCreateSchema } from "./payments.routes";

/** The ledger command for a validated payment body: the API's and the dashboard's payment forms alike. */
export const paymentCommand = (body: z.infer<typeof PaymentCreateSchema>): PaymentCommand => ({
  source: "api",
  amount: body.amount,
  currency: body.currency,
  tds: body.tds,
  fee: body.transaction_charge,
  method: body.method,
  reference: body.reference,
  notes: body.notes,
  paidAt: body.paid_at,
  allowOverpayment: body.allow_overpayment,
});

export const createPayment: RouteHandler<typeof routes.createPayment, AppEnv> = async (c) => {
  const { invoiceId } = c.req.valid("param");
  const body = c.req.valid("json");
  const merchantId = c.get("merchantId")!;
  const idem = await idempotency(
    "api",
    c.req.valid("header")["idempotency-key"],
    `payment ${invoiceId}`,
    body,
  );
  const { value, replayed } = unwrap(
    await ledgerFor(c.env, merchantId, invoiceId).recordPayment(paymentCommand(body), idem),
  );
  settleOutcome(c, replayed, "applied");
  return c.json({ payment: lineView(value.line), invoice: invoiceView(value.invoice) }, 201);
};

export const listPayments: RouteHandler<typeof routes.listPayments, AppEnv> = async (c) => {
  const { invoiceId } = c.req.valid("param");
  const page = await readPage(c.env, c.get("merchantId")!, invoiceId, "lines", c.req.valid("query"));
  return c.json(listed(page, listedLineView), 200);
};

export const reversePayment: RouteHandler<typeof routes.reversePayment, AppEnv> = async (c) => {
  const { invoiceId, paymentId } = c.req.valid("param");
  const body = (c.req.header("content-type") ? c.req.valid("json") : undefined) ?? { reason: null };
  const idem = await idempotency(
    "api",
    c.req.valid("header")["idempotency-key"],
    `reverse ${invoiceId} ${paymentId}`,
    body,
  );
  const { value, replayed } = unwrap(
    await ledgerFor(c.env, c.get("merchantId")!, invoiceId).reversePayment(
      paymentId,
      { source: "api", reason: body.reason },
      idem,
    ),
  );
  settleOutcome(c, replayed, "reversed");
  return c.json({ reversal: lineView(value.line), invoice: invoiceView(value.invoice) }, 201);
};
