// Helpers for the portfolio tests: the change feed runs for real (queue consumer and all), so a test waits,
// within a bounded deadline, until the listing shows what the invoices' own objects already say.
import { expect } from "vitest";
import { call } from "../helpers";

const DEADLINE_MS = 15_000;

/** Polls GET /v1/invoices?<query> until `done` holds for the page's items; fails after the deadline. */
export async function listUntil(key: string, query: string, done: (items: any[]) => boolean): Promise<any[]> {
  const until = Date.now() + DEADLINE_MS;
  for (;;) {
    const res = await call("GET", `/v1/invoices?${query}`, { key });
    expect(res.status).toBe(200);
    if (done(res.body.data)) return res.body.data;
    if (Date.now() > until) throw new Error(`listing never settled: ${res.text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until every invoice in `versions` is listed at (at least) that version. */
export const indexedAt = (key: string, versions: Record<string, number>) =>
  listUntil(key, "limit=200", (items) =>
    Object.entries(versions).every(([id, v]) => items.some((i) => i.id === id && i.version >= v)),
  );

/** Every item of a listing, following next_cursor. */
export async function listAll(key: string, query: string): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const sep = query ? "&" : "";
    const res: any = await call("GET", `/v1/invoices?${query}${cursor ? `${sep}cursor=${cursor}` : ""}`, {
      key,
    });
    expect(res.status).toBe(200);
    out.push(...res.body.data);
    expect(res.body.has_more).toBe(res.body.next_cursor !== null);
    cursor = res.body.next_cursor;
    if (!cursor) return out;
  }
  throw new Error("too many pages");
}
