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

interface CorrectionBody {
  amount?: number | undefined;
  currency?: string | undefined;
  reason: string;
}

/** Same Idempotency-Key rules as payments: scope "api", bound to the operation and the validated body. */
async function record<B extends CorrectionBody>(
  c: Context<AppEnv>,
  kind: "write_off" | "adjustment",
  req: { invoiceId: string; "idempotency-key"?: string | undefined; body: B },
  run: (
    ledger: Ledger,
    cmd: B & { source: "api" },
    idem: Awaited<ReturnType<typeof idempotency>>,
  ) => Promise<CommandResult<PaymentResult>>,
) {
  const { invoiceId, body } = req;
  const idem = await idempotency("api", req["idempotency-key"], `${kind} ${invoiceId}`, body);
  const ledger = ledgerFor(c.env, c.get("merchantId")!, invoiceId);
  const { value, replayed } = unwrap(await run(ledger, { ...body, source: "api" }, idem));
  settleOutcome(c, replayed, "applied");
  return { line: lineView(value.line), invoice: invoiceView(value.invoice) };
}

export const createWriteOff: RouteHandler<typeof routes.createWriteOff, AppEnv> = async (c) => {
  const req = { ...c.req.valid("param"), ...c.req.valid("header"), body: c.req.valid("json") };
  const result = await record(c, "write_off", req, (l, cmd, idem) => l.writeOff(cmd, idem));
  return c.json({ write_off: result.line, invoice: result.invoice }, 201);
};

export const createAdjustment: RouteHandler<typeof routes.createAdjustment, AppEnv> = async (c) => {
  const req = { ...c.req.valid("param"), ...c.req.valid("header"), body: c.req.valid("json") };
  const result = await record(c, "adjustment", req, (l, cmd, idem) => l.adjust(cmd, idem));
  return c.json({ adjustment: result.line, invoice: result.invoice }, 201);
};
