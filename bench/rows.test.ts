// `npm run bench:rows`: how many SQLite rows each request kind reads and writes, and how many bytes each
// payment adds to its invoice's database, measured against the real Worker (exports.default.fetch, the path
// HTTP takes) inside workerd. Durable Object storage is billed by rows read and written and by bytes
// stored: https://developers.cloudflare.com/durable-objects/platform/pricing/
//
// How, without touching src/: every SqlStorage shares one prototype in this isolate (the ledger objects run
// in it, which is what runInDurableObject relies on), so its `exec` is wrapped here to keep each cursor a
// request opens; once the request has answered, every cursor is consumed and its rowsRead / rowsWritten are
// final ("the number of rows read so far as part of this SQL query", which grows as the cursor is iterated:
// https://developers.cloudflare.com/durable-objects/api/sqlite-storage-api/). Storage-API calls that are
// not SQL (setAlarm) are not counted.
import { env, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { beforeAll, expect, test } from "vitest";
import { razorpayPartiallyPaid, standardPaymentRecorded } from "./lib/payloads.mjs";

const worker = (exports as unknown as { default: Fetcher }).default;
const ADMIN = "bench-admin-token"; // bench/lib/workerd-plugin.mjs
/** Payments per kind for the bytes-per-payment figure: databaseSize grows in whole pages, so average many. */
const N = 50;
const RUN = Date.now().toString(36);
/** How long after its answer a request's own follow-up work is still counted as its own. */
const AFTER_ANSWER_MS = 150;
const MERCHANT = `rows-${RUN}`;
const ledger = (invoiceId: string) => env.INVOICE_LEDGER.getByName(`${MERCHANT}:${invoiceId}`);

// ------------------------------------------------------------------------------------------ counting

/** One request kind's figures, as bench/lib/rows-reporter.mjs prints them and writes them to the JSON. */
interface RowsMeasurement {
  kind: string;
  request: string;
  status: number;
  rows_read: number;
  rows_written: number;
  /** ctx.storage.sql.databaseSize growth over `payments` payments, divided by them; null for reads. */
  bytes_per_payment: number | null;
  payments: number | null;
  statements: { sql: string; rows_read: number; rows_written: number }[];
  /** Rows read and written by each of the `payments` further requests of this kind: do they grow? */
  repeated: { rows_read: [number, number]; rows_written: [number, number] } | null;
  /** databaseSize of an object that never stored anything: a new invoice's growth counts from there. */
  empty_database_size: number;
  /**
   * transactionSync calls that wrote a row, and the distinct objects they wrote: each is a SQLite commit of
   * its own, where the floor's request makes one. repeated_*: their range over the further requests.
   */
  write_transactions: number;
  objects_written: number;
  repeated_write_transactions: [number, number] | null;
  transactions: Counted["transactions"];
}

type Cursor = SqlStorageCursor<Record<string, SqlStorageValue>>;
let recording: { sql: string; cursor: Cursor }[] | null = null;
/** Each outermost transactionSync while recording: its object and the cursors opened inside it. */
let transactions: { object: number; cursors: Cursor[]; statements: string[] }[] | null = null;

/**
 * The statements of a multi-statement query, split on `;` outside quotes and comments; null where splitting
 * could change its meaning (a trigger body's BEGIN ... END holds semicolons of its own).
 */
function statementsOf(query: string): string[] | null {
  if (/\bBEGIN\b/i.test(query)) return null;
  const out: string[] = [];
  let current = "";
  let quote: string | null = null;
  for (let i = 0; i < query.length; i++) {
    const c = query[i]!;
    if (quote) {
      if (c === quote) quote = null; // a doubled quote closes and reopens: still right
    } else if (c === "'" || c === '"' || c === "`") quote = c;
    else if (c === "-" && query[i + 1] === "-") {
      const end = query.indexOf("\n", i);
      i = end < 0 ? query.length : end;
      continue;
    } else if (c === ";") {
      if (current.trim()) out.push(current.trim());
      current = "";
      continue;
    }
    current += c;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/**
 * Wraps SqlStorage#exec to keep each cursor opened while a request is measured. A cursor of a
 * multi-statement exec reports the rows of its last statement only (seen in this runtime: three INSERTs in
 * one exec report 1 row written), so while measuring, such an exec without bindings (the ledger's schema
 * migrations) runs as its statements one by one, in order, in the same transaction: the same work, counted.
 */
async function wrapSqlExec() {
  const proto = await runInDurableObject(ledger("prototype-probe"), (_ledger, state) =>
    Object.getPrototypeOf(state.storage.sql),
  );
  const exec = proto.exec as (this: SqlStorage, query: string, ...bindings: unknown[]) => Cursor;
  proto.exec = function (this: SqlStorage, query: string, ...bindings: unknown[]) {
    const keep = recording;
    if (!keep) return exec.call(this, query, ...bindings);
    const parts = bindings.length === 0 ? statementsOf(query) : null;
    if (!parts || parts.length < 2) {
      const cursor = exec.call(this, query, ...bindings);
      keep.push({ sql: query, cursor });
      return cursor;
    }
    let cursor: Cursor | undefined;
    for (const [i, part] of parts.entries()) {
      cursor = exec.call(this, part);
      keep.push({ sql: part, cursor });
      // The statements before the last run to completion in a multi-statement exec, so here too.
      if (i < parts.length - 1) cursor.toArray();
    }
    return cursor!;
  };
}

/**
 * Wraps DurableObjectStorage#transactionSync (one prototype for every object in this isolate, as with exec)
 * to note each outermost call, its object, and the cursors it opened, so a request's write transactions can
 * be counted once its cursors are final.
 */
async function wrapTransactions() {
  const proto = await runInDurableObject(ledger("prototype-probe"), (_ledger, state) =>
    Object.getPrototypeOf(state.storage),
  );
  const transactionSync = proto.transactionSync as <T>(this: DurableObjectStorage, fn: () => T) => T;
  const ids = new WeakMap<object, number>();
  let next = 0;
  let depth = 0;
  proto.transactionSync = function <T>(this: DurableObjectStorage, fn: () => T): T {
    const keep = recording;
    if (!keep || !transactions || depth > 0)
      return transactionSync.call<DurableObjectStorage, [() => T], T>(this, fn);
    if (!ids.has(this)) ids.set(this, next++);
    const from = keep.length;
    depth++;
    try {
      return transactionSync.call<DurableObjectStorage, [() => T], T>(this, fn);
    } finally {
      depth--;
      const inside = keep.slice(from);
      transactions.push({
        object: ids.get(this)!,
        cursors: inside.map((k) => k.cursor),
        statements: inside.map((k) => k.sql.replace(/\s+/g, " ").trim().slice(0, 60)),
      });
    }
  };
}

interface Counted {
  status: number;
  rowsRead: number;
  rowsWritten: number;
  statements: RowsMeasurement["statements"];
  writeTransactions: number;
  objectsWritten: number;
  /** Per write transaction, its object and the statements that wrote. */
  transactions: { object: number; writes: string[] }[];
}

/** One HTTP request into the Worker, with the rows every SQL statement it caused read and wrote. */
async function counted(method: string, path: string, init: { body?: string; headers?: HeadersInit } = {}) {
  const cursors: { sql: string; cursor: Cursor }[] = [];
  const txs: NonNullable<typeof transactions> = [];
  recording = cursors;
  transactions = txs;
  let status: number;
  try {
    const res = await worker.fetch(new Request(`http://ledger.test${path}`, { method, ...init }));
    await res.arrayBuffer(); // always consumed (the vitest-plugin storage trap)
    status = res.status;
    // What the request leaves to run after its answer (waitUntil: the delivery log, the change feed's and the
    // reminders' hand-over after commit) is its cost too; a measurement, not a test, so a wait is fine here.
    await new Promise((r) => setTimeout(r, AFTER_ANSWER_MS));
  } finally {
    recording = null;
    transactions = null;
  }
  const writing = txs.filter((t) => t.cursors.some((c) => c.rowsWritten > 0));
  const statements = new Map<string, { sql: string; rows_read: number; rows_written: number }>();
  for (const { sql, cursor } of cursors) {
    const key = sql.replace(/\s+/g, " ").trim().slice(0, 120);
    const s = statements.get(key) ?? { sql: key, rows_read: 0, rows_written: 0 };
    s.rows_read += cursor.rowsRead;
    s.rows_written += cursor.rowsWritten;
    statements.set(key, s);
  }
  const all = [...statements.values()];
  return {
    status,
    rowsRead: all.reduce((n, s) => n + s.rows_read, 0),
    rowsWritten: all.reduce((n, s) => n + s.rows_written, 0),
    statements: all,
    writeTransactions: writing.length,
    objectsWritten: new Set(writing.map((t) => t.object)).size,
    transactions: writing.map((t) => ({
      object: t.object,
      writes: t.statements.filter((_, i) => t.cursors[i]!.rowsWritten > 0),
    })),
  } satisfies Counted;
}

const databaseSize = (invoiceId: string) =>
  runInDurableObject(ledger(invoiceId), (_ledger, state) => state.storage.sql.databaseSize);

// ------------------------------------------------------------------------------------------ requests

const utf8 = new TextEncoder();
async function hmac(key: BufferSource, data: string) {
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, utf8.encode(data)));
}
const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

const WHSEC = `whsec_${base64(crypto.getRandomValues(new Uint8Array(32)))}`;
const RAZORPAY_SECRET = base64(crypto.getRandomValues(new Uint8Array(24)));
let apiKey = "";

/** A signed Standard Webhooks payment, signed as bench/lib/deliveries.mjs does it with node:crypto. */
async function standardWebhook(invoiceId: string, n: number) {
  const now = new Date();
  const body = JSON.stringify(
    standardPaymentRecorded({ invoiceId, paymentId: `pay_${invoiceId}_${n}`, amount: 100 + n, now }),
  );
  const id = `evt_${invoiceId}_${n}`;
  const ts = Math.floor(now.getTime() / 1000);
  const key = Uint8Array.from(atob(WHSEC.slice("whsec_".length)), (c) => c.charCodeAt(0));
  const signature = `v1,${base64(await hmac(key, `${id}.${ts}.${body}`))}`;
  const headers = { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": `${ts}` };
  return counted("POST", `/webhooks/standard/${MERCHANT}`, {
    body,
    headers: { ...headers, "webhook-signature": signature },
  });
}

async function razorpayWebhook(invoiceId: string, n: number) {
  const payload = razorpayPartiallyPaid({ invoiceId, paymentId: `pay_${invoiceId}_${n}`, amount: 100 + n });
  const body = JSON.stringify(payload);
  const signature = hex(await hmac(new Uint8Array(utf8.encode(RAZORPAY_SECRET)), body));
  return counted("POST", `/webhooks/razorpay/${MERCHANT}`, {
    body,
    headers: {
      "content-type": "application/json",
      "x-razorpay-event-id": `evt_${invoiceId}_${n}`,
      "x-razorpay-signature": signature,
    },
  });
}

const auth = () => ({ authorization: `Bearer ${apiKey}`, "content-type": "application/json" });

async function must(method: string, path: string, body: unknown, headers: HeadersInit, expected: number) {
  const res = await worker.fetch(
    new Request(`http://ledger.test${path}`, { method, headers, body: JSON.stringify(body) }),
  );
  const text = await res.text();
  if (res.status !== expected) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const putInvoice = (invoiceId: string, total: number) =>
  must("PUT", `/v1/invoices/${invoiceId}`, { currency: "INR", total }, auth(), 201);

const apiPayment = (invoiceId: string, n: number) =>
  counted("POST", `/v1/invoices/${invoiceId}/payments`, {
    body: JSON.stringify({ amount: 100 + n, method: "upi", reference: `r${n}`, allow_overpayment: true }),
    headers: { ...auth(), "idempotency-key": `rows-${invoiceId}-${n}` },
  });

const balanceRead = (invoiceId: string) => counted("GET", `/v1/invoices/${invoiceId}`, { headers: auth() });

// ------------------------------------------------------------------------------------------ measuring

let emptySize = 0;

beforeAll(async () => {
  await wrapSqlExec();
  await wrapTransactions();
  const admin = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };
  const providers = { standard: { secrets: [WHSEC] }, razorpay: { webhook_secrets: [RAZORPAY_SECRET] } };
  await must("PUT", `/admin/merchants/${MERCHANT}`, { name: "bench:rows", providers }, admin, 201);
  apiKey = (await must("POST", `/admin/merchants/${MERCHANT}/api-keys`, undefined, admin, 201)).key;
  // What an object that never stored anything measures, so a new invoice's growth is counted from there.
  emptySize = await databaseSize(`never-written-${RUN}`);
});

interface Kind {
  kind: string;
  request: string;
  expected: number;
  send: (invoiceId: string, n: number) => Promise<Counted>;
  /** The invoice of the measured request (n = 0) and of the N further ones. */
  invoiceId: (n: number) => string;
  /** Every request on invoiceId(0) (the database's growth over the N further requests, divided by N), or
   * each on a new invoice (each new database's size beyond an empty one's, averaged). */
  reuse: boolean;
  /** Whether each request stores a payment (bytes per payment are reported) or only reads. */
  stores: boolean;
  setup?: () => Promise<unknown>;
}

/** One request of `k` measured, then N more for the bytes per payment and the spread of rows. */
async function measure(k: Kind): Promise<RowsMeasurement> {
  await k.setup?.();
  const first = await k.send(k.invoiceId(0), 0);
  expect(first.status, `${k.kind}: ${k.request}`).toBe(k.expected);
  const more: Counted[] = [];
  let grown = 0;
  const sizeBefore = k.reuse ? await databaseSize(k.invoiceId(0)) : 0;
  for (let n = 1; n <= N; n++) {
    const r = await k.send(k.reuse ? k.invoiceId(0) : k.invoiceId(n), n);
    expect(r.status, `${k.kind}: request ${n}`).toBe(k.expected);
    more.push(r);
    if (!k.reuse) grown += (await databaseSize(k.invoiceId(n))) - emptySize;
  }
  if (k.reuse) grown = (await databaseSize(k.invoiceId(0))) - sizeBefore;
  const span = (f: (c: Counted) => number): [number, number] => [
    Math.min(...more.map(f)),
    Math.max(...more.map(f)),
  ];
  return {
    kind: k.kind,
    request: k.request,
    status: first.status,
    rows_read: first.rowsRead,
    rows_written: first.rowsWritten,
    bytes_per_payment: k.stores ? Math.round(grown / N) : null,
    payments: k.stores ? N : null,
    statements: first.statements,
    repeated: { rows_read: span((c) => c.rowsRead), rows_written: span((c) => c.rowsWritten) },
    empty_database_size: emptySize,
    write_transactions: first.writeTransactions,
    objects_written: first.objectsWritten,
    repeated_write_transactions: span((c) => c.writeTransactions),
    transactions: first.transactions,
  };
}

const WEBHOOK = { expected: 200, stores: true };
const KINDS: Kind[] = [
  {
    kind: "standard webhook, new invoice",
    request: "POST /webhooks/standard/{merchant}",
    send: standardWebhook,
    invoiceId: (n) => `inv_${RUN}_s${n}`,
    reuse: false,
    ...WEBHOOK,
  },
  {
    kind: "standard webhook, existing invoice",
    request: "POST /webhooks/standard/{merchant}",
    send: standardWebhook,
    invoiceId: () => `inv_${RUN}_existing`,
    reuse: true,
    // As the ingest-standard-existing scenario creates its invoices.
    setup: () => putInvoice(`inv_${RUN}_existing`, 479030),
    ...WEBHOOK,
  },
  {
    kind: "razorpay webhook, new invoice",
    request: "POST /webhooks/razorpay/{merchant}",
    send: razorpayWebhook,
    invoiceId: (n) => `inv_${RUN}r${n}`,
    reuse: false,
    ...WEBHOOK,
  },
  {
    kind: "API payment, existing invoice (hot)",
    request: "POST /v1/invoices/{id}/payments",
    expected: 201,
    send: apiPayment,
    invoiceId: () => `hot_${RUN}`,
    reuse: true,
    stores: true,
    setup: () => putInvoice(`hot_${RUN}`, 1_000_000_000_000),
  },
  {
    kind: "balance read",
    request: "GET /v1/invoices/{id}",
    expected: 200,
    send: balanceRead,
    invoiceId: () => `read_${RUN}`,
    reuse: true,
    stores: false,
    // As the balance-read scenario: an invoice with 25 payments.
    async setup() {
      await putInvoice(`read_${RUN}`, 1_000_000);
      for (let n = 0; n < 25; n++) expect((await apiPayment(`read_${RUN}`, n)).status).toBe(201);
    },
  },
  {
    kind: "GET unknown invoice",
    request: "GET /v1/invoices/{id} (404)",
    expected: 404,
    send: balanceRead,
    invoiceId: (n) => `unknown_${RUN}_${n}`,
    reuse: false,
    stores: false,
  },
];

for (const k of KINDS) {
  test(k.kind, async ({ task }) => {
    const rows = await measure(k);
    if (k.stores) expect(rows.rows_written, "a payment is written").toBeGreaterThan(0);
    if (k.expected === 404) {
      // An object that was only ever read stores nothing (InvoiceLedger's schemaReady).
      expect(rows.rows_written).toBe(0);
      expect(rows.repeated?.rows_written).toEqual([0, 0]);
      expect(await databaseSize(k.invoiceId(0))).toBe(emptySize);
    }
    (task.meta as { rows?: RowsMeasurement }).rows = rows;
  });
}
