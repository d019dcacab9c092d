import { expect } from "vitest";
import { call, createInvoice, createMerchant, track } from "../helpers";

export const pay = (key: string, id: string, body: unknown, headers?: Record<string, string>) =>
  call("POST", `/v1/invoices/${id}/payments`, { key, body, ...(headers ? { headers } : {}) });

export const reverse = (
  key: string,
  id: string,
  paymentId: string,
  body?: unknown,
  headers?: Record<string, string>,
) =>
  call("POST", `/v1/invoices/${id}/payments/${paymentId}/reverse`, {
    key,
    ...(body !== undefined ? { body } : {}),
    ...(headers ? { headers } : {}),
  });

export const getInvoice = async (key: string, id: string) => {
  const res = await call("GET", `/v1/invoices/${id}`, { key });
  expect(res.status).toBe(200);
  return res.body;
};

export async function allLines(key: string, id: string, limit = 50) {
  const lines: any[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const q: string = cursor ? `?limit=${limit}&cursor=${encodeURIComponent(cursor)}` : `?limit=${limit}`;
    const res = await call("GET", `/v1/invoices/${id}/payments${q}`, { key });
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeLessThanOrEqual(limit);
    lines.push(...res.body.data);
    cursor = res.body.next_cursor;
    if (!cursor) return lines;
  }
  throw new Error("pagination does not end");
}

/** The invoice and its lines, to prove a refused request changed nothing. */
export const snapshot = async (key: string, id: string) => ({
  invoice: await getInvoice(key, id),
  lines: await allLines(key, id),
});

export async function setup(body: Record<string, unknown> = {}) {
  const m = await createMerchant();
  const { id } = await createInvoice(m.key, { currency: "INR", total: 100000, ...body });
  track(m.id, id);
  return { key: m.key, id, merchant: m };
}
