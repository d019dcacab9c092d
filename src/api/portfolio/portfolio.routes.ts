import { createRoute, z } from "@hono/zod-openapi";
import { jsonObjectBody } from "../../lib/json-body";
import { errorResponse, jsonBody, jsonResponse, MerchantIdParam } from "../schemas";
import {
  AgingQuery,
  AgingSchema,
  FilterQuery,
  ListQuerySchema,
  PortfolioPageSchema,
  VerifyBodySchema,
  VerifyReportSchema,
} from "./portfolio.schemas";

const tags = ["portfolio"];
const security = [{ apiKey: [] }];

export const listInvoices = createRoute({
  method: "get",
  path: "/v1/invoices",
  tags,
  security,
  summary: "List, filter and search the merchant's invoices (eventually consistent: see version, indexed_at)",
  request: { query: ListQuerySchema },
  responses: {
    200: jsonResponse(PortfolioPageSchema, "One page, in the sort's order"),
    401: errorResponse("Missing or invalid API key"),
    422: errorResponse("A bad filter, sort, limit or a cursor from another query"),
  },
});

export const agingReport = createRoute({
  method: "get",
  path: "/v1/reports/aging",
  tags,
  security,
  summary: "Aged receivables per currency: amounts due by days past due as of a date",
  request: { query: AgingQuery },
  responses: {
    200: jsonResponse(AgingSchema, "The report"),
    401: errorResponse("Missing or invalid API key"),
    422: errorResponse("as_of is not a date"),
  },
});

export const exportInvoices = createRoute({
  method: "get",
  path: "/v1/exports/invoices.csv",
  tags,
  security,
  summary: "Every invoice matching the filters as RFC 4180 CSV, streamed",
  request: { query: FilterQuery },
  responses: {
    200: { content: { "text/csv": { schema: z.string() } }, description: "CSV with a header row" },
    401: errorResponse("Missing or invalid API key"),
    422: errorResponse("A bad filter or sort"),
  },
});

export const verifyIndex = createRoute({
  method: "post",
  path: "/admin/merchants/{merchantId}/index/verify",
  tags: ["admin"],
  security: [{ adminToken: [] }],
  summary: "Compare one page of the merchant's index with each invoice's own state and repair any drift",
  middleware: jsonObjectBody("optional"),
  request: {
    params: z.object({ merchantId: MerchantIdParam }),
    body: { ...jsonBody(VerifyBodySchema), required: false },
  },
  responses: {
    200: jsonResponse(VerifyReportSchema, "What was checked and repaired; next_cursor for the next page"),
    401: errorResponse("Missing or invalid admin token"),
    422: errorResponse("Invalid body"),
  },
});
