// Shared ground for the hostile-input suite: one merchant with every provider configured, invoices with
// lines and events to page through, the cursors each list hands out, and a table runner that checks every
// refusal is a 4xx in the right shape and leaves everything exactly as it was.
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  ADMIN,
  type CallOptions,
  call,
  createMerchant,
  dropTrackedAlarms,
  type Reply,
  snapshot,
  track,
  uid,
} from "../../helpers";

const encoder = new TextEncoder();
export const utf8 = (s: string) => encoder.encode(s) as Uint8Array<ArrayBuffer>;

/** Text and raw bytes joined, for bodies that must hold bytes no string can (invalid UTF-8). */
export const bytes = (...parts: Array<string | number[]>) => {
  const chunks = parts.map((p) => (typeof p === "string" ? utf8(p) : Uint8Array.from(p)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out as Uint8Array<ArrayBuffer>;
};

export const STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
export const RAZORPAY_SECRET = "rzp-hostile-secret-0001";
export const CHARGEBEE_AUTH = { username: "cb-hostile", password: "correct-horse-battery-staple" };

const b64 = (bytes: ArrayBuffer | Uint8Array) => btoa(String.fromCharCode(...new Uint8Array(bytes)));

async function hmac(key: Uint8Array<ArrayBuffer>, message: Uint8Array<ArrayBuffer>) {
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, message));
}

const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
};

/** Known before any test runs, so the case tables (built at collection time) can name them. */
export interface Ids {
  merchantId: string;
  invoiceId: string;
  otherInvoiceId: string;
  otherMerchantId: string;
  rivertyToken: string;
}

export const newIds = (): Ids => ({
  merchantId: uid("hostile"),
  invoiceId: uid("inv"),
  otherInvoiceId: uid("inv"),
  otherMerchantId: uid("hostile-other"),
  rivertyToken: `tok_${crypto.randomUUID().replaceAll("-", "")}`,
});

export interface World extends Ids {
  key: string;
  keyId: string;
  paymentId: string;
  other: { merchantId: string; key: string };
  signEd25519(body: Uint8Array<ArrayBuffer>): Promise<string>;
  cursors: { lines: string; events: string; otherInvoiceLines: string; otherMerchantLines: string };
  baseline: unknown;
}

/** Standard Webhooks headers for `body`, computed here (not by src/) from the spec: HMAC of id.ts.body. */
export async function standardHeaders(body: Uint8Array<ArrayBuffer>): Promise<Record<string, string>> {
  const id = uid("msg");
  const ts = Math.floor(Date.now() / 1000);
  const key = Uint8Array.from(atob(STANDARD_SECRET.slice(6)), (ch) => ch.charCodeAt(0));
  const mac = await hmac(key, concat(utf8(`${id}.${ts}.`), body) as Uint8Array<ArrayBuffer>);
  return { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": `v1,${b64(mac)}` };
}

export async function razorpayHeaders(body: Uint8Array<ArrayBuffer>): Promise<Record<string, string>> {
  const mac = await hmac(utf8(RAZORPAY_SECRET), body);
  return {
    "x-razorpay-signature": [...mac].map((b) => b.toString(16).padStart(2, "0")).join(""),
    "x-razorpay-event-id": uid("evt"),
  };
}

export const chargebeeBasic = (user = CHARGEBEE_AUTH.username, pass = CHARGEBEE_AUTH.password) =>
  `Basic ${btoa(`${user}:${pass}`)}`;

async function pem(key: CryptoKey) {
  const der = (await crypto.subtle.exportKey("spki", key)) as ArrayBuffer;
  return `-----BEGIN PUBLIC KEY-----\n${(b64(der).match(/.{1,64}/g) ?? []).join("\n")}\n-----END PUBLIC KEY-----\n`;
}

async function nextCursor(key: string, path: string): Promise<string> {
  const res = await call("GET", `${path}?limit=1`, { key });
  expect(res.body.next_cursor, path).toEqual(expect.any(String));
  return res.body.next_cursor;
}

/** Everything a refused request must leave as it was: invoice, lines, events, anomalies, reminders, config. */
export async function worldState(w: Omit<World, "baseline">) {
  const [ledger, reminders, merchant] = await Promise.all([
    snapshot(w.key, w.invoiceId),
    call("GET", `/v1/invoices/${w.invoiceId}/reminders`, { key: w.key }),
    call("GET", `/admin/merchants/${w.merchantId}`, { key: ADMIN }),
  ]);
  return { ledger, reminders: reminders.body, merchant: merchant.body };
}

export async function createWorld(ids: Ids): Promise<World> {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const { invoiceId, otherInvoiceId, rivertyToken } = ids;
  const m = await createMerchant(
    {
      providers: {
        standard: { secrets: [STANDARD_SECRET] },
        razorpay: { webhook_secrets: [RAZORPAY_SECRET] },
        // The location the official sample names, so its deliveries reach the parser.
        highlevel: {
          ed25519_public_keys: [await pem(pair.publicKey)],
          location_ids: ["6578278e879ad2646715ba9c"],
        },
        riverty: { tokens: [rivertyToken], check_ip: false },
        chargebee: { basic_auth: [CHARGEBEE_AUTH] },
      },
    },
    ids.merchantId,
  );
  const other = await createMerchant({}, ids.otherMerchantId);
  const put = (key: string, id: string) =>
    call("PUT", `/v1/invoices/${id}`, {
      key,
      body: { currency: "INR", total: 100000, due_date: "2030-01-31", number: "H-1" },
    });
  const pay = (key: string, id: string) =>
    call("POST", `/v1/invoices/${id}/payments`, { key, body: { amount: 1000, method: "cash" } });
  for (const [key, id] of [
    [m.key, invoiceId],
    [m.key, otherInvoiceId],
    [other.key, invoiceId],
  ] as const) {
    expect((await put(key, id)).status).toBe(201);
    for (let i = 0; i < 2; i++) expect((await pay(key, id)).status).toBe(201);
  }
  const first = await call("GET", `/v1/invoices/${invoiceId}/payments`, { key: m.key });
  for (let i = 0; i < 2; i++) {
    const body = utf8(
      JSON.stringify({
        type: "payment.recorded",
        timestamp: new Date().toISOString(),
        data: { invoice_id: invoiceId, payment_id: uid("std"), amount: 500, currency: "INR" },
      }),
    );
    const res = await call("POST", `/webhooks/standard/${m.id}`, {
      raw: body,
      headers: { "content-type": "application/json", ...(await standardHeaders(body)) },
    });
    expect(res.status, res.text).toBe(200);
  }
  const partial: Omit<World, "baseline" | "cursors"> = {
    ...ids,
    key: m.key,
    keyId: m.keyId,
    paymentId: first.body.data[0].id,
    other: { merchantId: other.id, key: other.key },
    signEd25519: async (body) => b64(await crypto.subtle.sign("Ed25519", pair.privateKey, body)),
  };
  const cursors = {
    lines: await nextCursor(m.key, `/v1/invoices/${invoiceId}/payments`),
    events: await nextCursor(m.key, `/v1/invoices/${invoiceId}/events`),
    otherInvoiceLines: await nextCursor(m.key, `/v1/invoices/${otherInvoiceId}/payments`),
    otherMerchantLines: await nextCursor(other.key, `/v1/invoices/${invoiceId}/payments`),
  };
  const world = { ...partial, cursors };
  return { ...world, baseline: await worldState(world) };
}

/** One world per test file: built before its cases, its ledgers' alarms dropped after them. */
export function useWorld(ids: Ids): () => World {
  let world: World | undefined;
  beforeAll(async () => {
    world = await createWorld(ids);
  });
  afterAll(async () => {
    if (!world) return;
    track(world.merchantId, world.invoiceId, world.otherInvoiceId);
    track(world.other.merchantId, world.invoiceId);
    await dropTrackedAlarms();
  });
  return () => {
    if (!world) throw new Error("the world is built in beforeAll");
    return world;
  };
}

export type Shape = "api" | "refrens" | "chargebee";

export interface Case {
  name: string;
  method: string;
  /** A function for what is only known once the world exists (cursors, keys). */
  path: string | ((w: World) => string);
  /** A function for bodies that must be made fresh per request (streams). */
  raw?: string | Uint8Array<ArrayBuffer> | (() => ReadableStream<Uint8Array>);
  headers?: Record<string, string>;
  /** Signs the exact bytes sent, so the bad input is inside a valid signature and reaches the parser. */
  sign?: (body: Uint8Array<ArrayBuffer>, w: World) => Promise<Record<string, string>>;
  /** Authorization for the request, once the world's keys exist. */
  auth?: (w: World) => string;
  status: number;
  shape?: Shape;
}

/** The error body each shape promises: ours, Refrens's (Feathers) or Chargebee's. */
export function expectErrorShape(res: Reply, shape: Shape) {
  if (shape === "api") {
    expect(res.body?.error?.code, res.text).toEqual(expect.stringMatching(/^[a-z_0-9]+$/));
    expect(res.body?.error?.message, res.text).toEqual(expect.stringMatching(/\S/));
  } else if (shape === "refrens") {
    expect(res.body, res.text).toMatchObject({
      name: expect.any(String),
      message: expect.stringMatching(/\S/),
      code: res.status,
      className: expect.any(String),
      data: { message: expect.any(String) },
      errors: expect.any(Object),
    });
  } else {
    expect(res.body, res.text).toMatchObject({
      message: expect.stringMatching(/\S/),
      api_error_code: expect.stringMatching(/^[a-z_]+$/),
      http_status_code: res.status,
    });
  }
}

/** A chunked body (no Content-Length) of `size` bytes of `{"pad":"aaa..."}`. */
export const chunked = (size: number) => () => {
  let sent = 0;
  const chunk = utf8("a".repeat(16 * 1024));
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(utf8('{"pad":"'));
    },
    pull(controller) {
      if (sent >= size) {
        controller.enqueue(utf8('"}'));
        controller.close();
        return;
      }
      controller.enqueue(chunk);
      sent += chunk.byteLength;
    },
  });
};

/** One `it` per case: 4xx, the status expected, a clear error in the route's shape, nothing changed. */
export function runCases(list: Case[], world: () => World) {
  const names = new Set<string>();
  for (const c of list) {
    if (names.has(c.name)) throw new Error(`duplicate case name ${c.name}`);
    names.add(c.name);
  }
  it.each(list)("$name", async (c) => {
    const w = world();
    const raw = typeof c.raw === "function" ? c.raw() : c.raw;
    const headers: Record<string, string> = { ...c.headers };
    if (c.auth) headers.authorization = c.auth(w);
    if (c.sign) {
      const bytes = typeof raw === "string" ? utf8(raw) : raw instanceof Uint8Array ? raw : utf8("");
      Object.assign(headers, await c.sign(bytes, w));
    }
    const opts: CallOptions = { headers };
    if (raw !== undefined) opts.raw = raw;
    const res = await call(c.method, typeof c.path === "function" ? c.path(w) : c.path, opts);
    expect(res.status, res.text.slice(0, 500)).toBe(c.status);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expectErrorShape(res, c.shape ?? "api");
    expect(await worldState(w)).toEqual(w.baseline);
  });
}

export const bearer = (w: World) => `Bearer ${w.key}`;
export const admin = () => `Bearer ${ADMIN}`;
