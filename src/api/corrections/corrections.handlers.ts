import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { idempotency, ledgerFor } from "../../ledger/client";
import type { CommandResult, PaymentResult } from "../../ledger/commands";
import { settleOutcome } from "../../lib/replay";
import type { AppEnv } from "../../lib/types";
import { unwrap } from "../ledger-client";
import { invoiceView, lineView } from "../views";
import type * as routes from "./corrections.routes";

type Ledger = ReturnType<typeof ledgerFor>;

/** Same Idempotency-Key rules as payments: scope "api", bound to the operation and the validated body. */
async function record(
  c: Context<AppEnv>,
  kind: "write_off" | "adjustment",
  invoiceId: string,
  body: unknown,
  key: string | undefined,
  run: (
    ledger: Ledger,
    idem: Awaited<ReturnType<typeof idempotency>>,
  ) => Promise<CommandResult<PaymentResult>>,
) {
  const idem = await idempotency("api", key, `${kind} ${invoiceId}`, body);
  const { value, replayed } = unwrap(await run(ledgerFor(c.env, c.get("merchantId")!, invoiceId), idem));
  settleOutcome(c, replayed, "applied");
  return { line: lineView(value.line), invoice: invoiceView(value.invoice) };
}

export const createWriteOff: RouteHandler<typeof routes.createWriteOff, AppEnv> = async (c) => {
  const { invoiceId } = c.req.valid("param");
  const body = c.req.valid("json");
  const result = await record(
    c,
    "write_off",
    invoiceId,
    body,
    c.req.valid("header")["idempotency-key"],
    (l, idem) =>
      l.writeOff({ source: "api", amount: body.amount, currency: body.currency, reason: body.reason }, idem),
  );
  return c.json({ write_off: result.line, invoice: result.invoice }, 201);
};

export const createAdjustment: RouteHandler<typeof routes.createAdjustment, AppEnv> = async (c) => {
  const { invoiceId } = c.req.valid("param");
  const body = c.req.valid("json");
  const result = await record(
    c,
    "adjustment",
    invoiceId,
    body,
    c.req.valid("header")["idempotency-key"],
    (l, idem) =>
      l.adjust({ source: "api", amount: body.amount, currency: body.currency, reason: body.reason }, idem),
  );
  return c.json({ adjustment: result.line, invoice: result.invoice }, 201);
};
