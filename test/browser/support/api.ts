// The real admin and /v1 APIs over HTTP, as a merchant's integration would call them: how the browser tests
// seed their data. Every response body is read. No vitest import: the global setup seeds through this too,
// and vitest's expect exists only inside test files.
import { createHmac, randomUUID } from "node:crypto";

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface Merchant {
  id: string;
  name: string;
  key: string;
}

/** A merchant id no other test uses: tests share one Worker, never a merchant they mutate. */
export const uniqueId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export class Api {
  constructor(
    readonly origin: string,
    readonly adminToken: string,
  ) {}

  async call<T = any>(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<Reply<T>> {
    const headers = new Headers(opts.headers);
    if (opts.token) headers.set("authorization", `Bearer ${opts.token}`);
    let body: string | undefined = opts.raw;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers.set("content-type", "application/json");
    }
    const res = await fetch(`${this.origin}${path}`, { method, headers, body, redirect: "manual" });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {}
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  admin<T = any>(method: string, path: string, body?: unknown) {
    return this.call<T>(method, `/admin${path}`, { token: this.adminToken, body });
  }

  /** PUT /admin/merchants/{id}, then one API key. */
  async createMerchant(id: string, name: string, config: Record<string, unknown> = {}): Promise<Merchant> {
    const put = await this.admin("PUT", `/merchants/${id}`, { name, ...config });
    want(put, [200, 201], `merchant ${id}`);
    const key = await this.admin("POST", `/merchants/${id}/api-keys`);
    want(key, [201], "api key");
    return { id, name, key: key.body.key };
  }

  async putInvoice(key: string, id: string, body: Record<string, unknown>) {
    const res = await this.call("PUT", `/v1/invoices/${id}`, { token: key, body });
    want(res, [200, 201], `invoice ${id}`);
    return res.body;
  }

  async pay(key: string, invoiceId: string, body: Record<string, unknown>, idempotencyKey = randomUUID()) {
    const res = await this.call("POST", `/v1/invoices/${invoiceId}/payments`, {
      token: key,
      body,
      headers: { "idempotency-key": idempotencyKey },
    });
    want(res, [201], "payment");
    return res.body;
  }

  async invoice(key: string, id: string) {
    const res = await this.call("GET", `/v1/invoices/${id}`, { token: key });
    want(res, [200], `invoice ${id}`);
    return res.body;
  }

  async lines(key: string, id: string): Promise<any[]> {
    const res = await this.call("GET", `/v1/invoices/${id}/payments?limit=200`, { token: key });
    want(res, [200], `lines of ${id}`);
    return res.body.data;
  }

  /**
   * Waits until the merchant's portfolio index (eventually consistent, fed by the change feed) lists the
   * invoice as its own exact state has it: the dashboard's listing and overview read the index.
   */
  async waitIndexed(key: string, invoiceId: string): Promise<void> {
    const exact = await this.invoice(key, invoiceId);
    const q = encodeURIComponent(invoiceId);
    let seen: unknown;
    // The change feed's queue batches for up to a second (wrangler.toml max_batch_timeout).
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      const res = await this.call("GET", `/v1/invoices?q=${q}&limit=200`, { token: key });
      seen = res.body?.data?.find((i: any) => i.id === invoiceId);
      const item = seen as any;
      if (
        item &&
        item.amount_due === exact.amount_due &&
        item.status === exact.status &&
        item.anomalies_count === exact.anomalies_count
      )
        return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(
      `the index never caught up with ${invoiceId}: ${JSON.stringify(exact)} vs ${JSON.stringify(seen)}`,
    );
  }

  /** Posts a Razorpay webhook as Razorpay signs it: hex HMAC-SHA256 of the raw body with `secret`. */
  razorpay(merchantId: string, event: unknown, secret: string, eventId = uniqueId("evt")) {
    const raw = JSON.stringify(event);
    const signature = createHmac("sha256", secret).update(raw).digest("hex");
    return this.call("POST", `/webhooks/razorpay/${merchantId}`, {
      raw,
      headers: {
        "content-type": "application/json",
        "x-razorpay-signature": signature,
        "x-razorpay-event-id": eventId,
      },
    });
  }
}

/** Throws with the answer when the status is not one of those expected. */
export function want(res: Reply, statuses: number[], what: string): void {
  if (!statuses.includes(res.status)) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 500)}`);
}
