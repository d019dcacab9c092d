import type { RouteHandler } from "@hono/zod-openapi";
import { ledgerFor } from "../../ledger/client";
import { notFound } from "../../lib/errors";
import type { AppEnv } from "../../lib/types";
import { listed, readPage } from "../cursor";
import { unwrap } from "../ledger-client";
import { anomalyView, eventView, invoiceView } from "../views";
import type * as routes from "./invoices.routes";

const merchant = (c: { get(k: "merchantId"): string | undefined }) => c.get("merchantId")!;

export const upsertInvoice: RouteHandler<typeof routes.upsertInvoice, AppEnv> = async (c) => {
  const { invoiceId } = c.req.valid("param");
  const body = c.req.valid("json");
  const merchantId = merchant(c);
  const { created, value } = unwrap(
    await ledgerFor(c.env, merchantId, invoiceId).upsertInvoice(
      { merchantId, invoiceId },
      {
        currency: body.currency,
        total: body.total,
        dueDate: body.due_date,
        number: body.number,
        customer: body.customer,
      },
    ),
  );
  c.set("outcome", value.created ? "created" : "updated");
  return c.json(invoiceView(value.invoice), created ? 201 : 200);
};

export const patchInvoice: RouteHandler<typeof routes.patchInvoice, AppEnv> = async (c) => {
  const { invoiceId } = c.req.valid("param");
  const { reminders, due_date, customer, ...rest } = c.req.valid("json");
  const merchantId = merchant(c);
  const { value } = unwrap(
    await ledgerFor(c.env, merchantId, invoiceId).patchInvoice(
      { merchantId, invoiceId },
      { ...rest, ...(due_date !== undefined && { dueDate: due_date }), ...(customer && { customer }) },
      reminders,
    ),
  );
  c.set("outcome", "updated");
  return c.json(invoiceView(value), 200);
};

export const getInvoice: RouteHandler<typeof routes.getInvoice, AppEnv> = async (c) => {
  const { invoiceId } = c.req.valid("param");
  const state = await ledgerFor(c.env, merchant(c), invoiceId).getInvoice();
  if (!state) throw notFound("Invoice");
  return c.json(invoiceView(state), 200);
};

export const voidInvoice: RouteHandler<typeof routes.voidInvoice, AppEnv> = async (c) => {
  const { invoiceId } = c.req.valid("param");
  const { value } = unwrap(await ledgerFor(c.env, merchant(c), invoiceId).voidInvoice());
  c.set("outcome", "voided");
  return c.json(invoiceView(value), 200);
};

export const listAnomalies: RouteHandler<typeof routes.listAnomalies, AppEnv> = async (c) => {
  const { invoiceId } = c.req.valid("param");
  const page = await readPage(c.env, merchant(c), invoiceId, "anomalies", c.req.valid("query"));
  return c.json(listed(page, anomalyView), 200);
};

export const listEvents: RouteHandler<typeof routes.listEvents, AppEnv> = async (c) => {
  const { invoiceId } = c.req.valid("param");
  const page = await readPage(c.env, merchant(c), invoiceId, "events", c.req.valid("query"));
  return c.json(listed(page, eventView), 200);
};
