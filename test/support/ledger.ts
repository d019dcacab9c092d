// Shared setup of the capability tests: one fresh InvoiceLedger per test, driven over RPC like the Worker
// drives it, with its SQLite storage read through runInDurableObject where a test checks what was stored.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { IngestCommand } from "../../src/ledger/commands";
import type { InvoiceFacts, InvoiceRef, LineInput } from "../../src/ledger/types";
import { track, uid } from "../helpers";

export const FACTS: InvoiceFacts = {
  currency: "INR",
  total: 100_000,
  dueDate: "2030-01-31",
  number: "CAP-1",
  customer: { name: null, email: null, phone: null },
};

/** A new, never-written object; its alarm is dropped when the test ends (see `it` in test/helpers.ts). */
export function freshLedger() {
  const ref: InvoiceRef = { merchantId: uid("cap"), invoiceId: uid("inv") };
  track(ref.merchantId, ref.invoiceId);
  return { ref, stub: env.INVOICE_LEDGER.getByName(`${ref.merchantId}:${ref.invoiceId}`) };
}

export type Ledger = ReturnType<typeof freshLedger>;

/** A ledger with an invoice the merchant created (INR 1,000.00 unless told otherwise). */
export async function openLedger(facts: Partial<InvoiceFacts> = {}): Promise<Ledger> {
  const l = freshLedger();
  const created = await l.stub.upsertInvoice(l.ref, { ...FACTS, ...facts });
  expect(created.ok).toBe(true);
  return l;
}

export const payment = (source: string, externalId: string, amount: number, more: Partial<LineInput> = {}) =>
  ({ kind: "payment", source, externalId, amount, currency: "INR", ...more }) as LineInput;

export const reversal = (
  source: string,
  externalId: string,
  amount: number,
  reverses?: LineInput["reverses"],
): LineInput => ({ kind: "reversal", source, externalId, amount, currency: "INR", reverses });

/** A verified provider delivery: `eventId` decides deduplication; everything else is the command. */
export function delivery(
  source: string,
  command: Omit<IngestCommand, "event"> = {},
  eventId = uid("ev"),
): IngestCommand {
  return {
    event: {
      source,
      id: eventId,
      type: "test.event",
      verification: "test",
      rawBody: "{}",
      receivedAt: new Date().toISOString(),
    },
    ...command,
  };
}

/** The lines of `source` delivered by one event each. */
export const deliver = (l: Ledger, source: string, ...lines: LineInput[]) =>
  l.stub.ingest(l.ref, delivery(source, { lines }));

/** Rows of a query run inside the object, as stored. */
export const sql = <T = Record<string, SqlStorageValue>>(
  l: Pick<Ledger, "stub">,
  query: string,
  ...b: unknown[]
) => runInDurableObject(l.stub, (_ledger, state) => state.storage.sql.exec(query, ...b).toArray() as T[]);

/** The object's own tables (not SQLite's or the runtime's), sorted. */
export const tables = async (l: Pick<Ledger, "stub">) =>
  (
    await sql<{ name: string }>(
      l,
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name",
    )
  ).map((r) => r.name);

/** Every line of the ledger (one page is enough for these tests). */
export async function linesOf(l: Ledger) {
  const page = await l.stub.listLines(undefined, 200);
  return page?.items ?? [];
}

export async function anomalyKinds(l: Ledger) {
  const page = await l.stub.listAnomalies(undefined, 200);
  return (page?.items ?? []).map((a) => a.kind);
}

/** The stored running sums must equal the sums recomputed from the lines. */
export async function expectTotalsMatchLines(l: Ledger) {
  const audit = await l.stub.audit();
  expect(audit).not.toBeNull();
  expect(audit?.stored).toEqual(audit?.recomputed);
  expect(audit?.overReversedPayments).toBe(0);
  return audit!.stored;
}
