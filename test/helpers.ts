import { env, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { it as vitestIt } from "vitest";

// The main Worker's default export, as the runtime serves it (the same path HTTP takes).
const worker = (exports as unknown as { default: Fetcher }).default;

export const ADMIN = "test-admin-token";
let counter = 0;

/** A unique id per call, so tests never share invoices or merchants. */
export const uid = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export interface CallOptions {
  body?: unknown;
  /** A ReadableStream is sent without Content-Length, as a chunked upload is. */
  raw?: string | Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>;
  key?: string;
  headers?: Record<string, string>;
}

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** One HTTP call into the Worker; the body is always consumed (see the vitest-plugin storage trap). */
export async function call<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<Reply<T>> {
  const headers = new Headers(opts.headers);
  if (opts.key) headers.set("authorization", `Bearer ${opts.key}`);
  let body: BodyInit | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  const init: RequestInit & { duplex?: "half" } = { method, headers, body };
  if (body instanceof ReadableStream) init.duplex = "half";
  const res = await worker.fetch(new Request(`http://ledger.test${path}`, init));
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {}
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

export async function createMerchant(config: Record<string, unknown> = {}, id = uid("m")) {
  const put = await call("PUT", `/admin/merchants/${id}`, {
    key: ADMIN,
    body: { name: `Merchant ${id}`, ...config },
  });
  if (put.status !== 201 && put.status !== 200) throw new Error(`merchant: ${put.status} ${put.text}`);
  const key = await call("POST", `/admin/merchants/${id}/api-keys`, { key: ADMIN });
  if (key.status !== 201) throw new Error(`api key: ${key.status} ${key.text}`);
  return { id, key: key.body.key as string, keyId: key.body.id as string };
}

export async function createInvoice(key: string, body: Record<string, unknown> = {}, invoiceId = uid("inv")) {
  const res = await call("PUT", `/v1/invoices/${invoiceId}`, {
    key,
    body: { currency: "INR", total: 100000, due_date: "2030-01-31", number: "INV-1", ...body },
  });
  if (res.status !== 201) throw new Error(`invoice: ${res.status} ${res.text}`);
  return { id: invoiceId, invoice: res.body };
}

// Alarm cleanup: one convention for every test. Every ledger change may point its object's alarm at a
// reminder wake-up, and alarms outlive a test's storage (workers-sdk#5388), so an alarm left behind fires
// in a later test. A test `track`s each ledger it touches (merchant id and invoice ids), and the `it` below
// drops the alarms of every tracked ledger when the test ends, pass or fail, inside the test itself.
// A fixture that outlives one test (the hostile suite's world, the property test's thousand sequences)
// calls `dropTrackedAlarms()` itself when it is done with its ledgers.
const touched = new Set<string>();

export function track(merchantId: string, ...invoiceIds: string[]): void {
  for (const id of invoiceIds) touched.add(`${merchantId}:${id}`);
}

export async function dropTrackedAlarms(): Promise<void> {
  for (const ledger of touched) {
    await runInDurableObject(env.INVOICE_LEDGER.getByName(ledger), (_ledger, state) =>
      state.storage.deleteAlarm(),
    );
  }
  touched.clear();
}

export const it = (name: string, fn: () => Promise<void>, timeout?: number) =>
  vitestIt(
    name,
    async () => {
      try {
        await fn();
      } finally {
        await dropTrackedAlarms();
      }
    },
    timeout,
  );

/** Everything a rejected delivery must leave untouched: the invoice, its lines, events and anomalies. */
export async function snapshot(key: string, invoiceId: string) {
  const [invoice, lines, events, anomalies] = await Promise.all([
    call("GET", `/v1/invoices/${invoiceId}`, { key }),
    call("GET", `/v1/invoices/${invoiceId}/payments`, { key }),
    call("GET", `/v1/invoices/${invoiceId}/events`, { key }),
    call("GET", `/v1/invoices/${invoiceId}/anomalies`, { key }),
  ]);
  return [invoice, lines, events, anomalies].map((r) => ({ status: r.status, body: r.body }));
}

/** Everything a provider's delivery could change, read through the API. */
export async function ledgerView(key: string, invoiceId: string) {
  const [invoice, lines, events] = await Promise.all([
    call("GET", `/v1/invoices/${invoiceId}`, { key }),
    call("GET", `/v1/invoices/${invoiceId}/payments`, { key }),
    call("GET", `/v1/invoices/${invoiceId}/events`, { key }),
  ]);
  return { status: invoice.status, invoice: invoice.body, lines: lines.body, events: events.body };
}

export const getInvoice = async (key: string, id: string) =>
  (await call("GET", `/v1/invoices/${id}`, { key })).body;
export const getLines = async (key: string, id: string) =>
  (await call("GET", `/v1/invoices/${id}/payments`, { key })).body.data as any[];
export const getEvents = async (key: string, id: string) =>
  (await call("GET", `/v1/invoices/${id}/events`, { key })).body.data as any[];

/** The same secret with its last character changed: never equal to it, whatever that character was. */
export const offByOne = (secret: string) => `${secret.slice(0, -1)}${secret.endsWith("x") ? "y" : "x"}`;
