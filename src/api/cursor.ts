// List cursors, bound to the list they came from. The ledger's own cursor is a position in one table of
// one invoice; handed to another list, invoice or merchant it would silently page something else. So the
// API wraps it in an opaque token that also names its list and carries a digest of (merchant, invoice,
// list), and refuses a token whose scope is not the request's.

import type { Bindings } from "../bindings";
import { type LedgerStub, ledgerFor } from "../ledger/client";
import { sha256Hex } from "../lib/crypto";
import { decodeCursor, fromBase64Url, toBase64Url } from "../lib/cursor";
import { ApiError, notFound } from "../lib/errors";

export type ListName = "lines" | "events" | "anomalies" | "reminders";

/** Lists outside any invoice (invoiceId then carries what else the cursor is bound to). */
export type ScopeList = ListName | "deliveries" | "event-deliveries";

export interface CursorScope {
  merchantId: string;
  invoiceId: string;
  list: ScopeList;
}

const VERSION = "c1";
/** 96 bits of SHA-256: enough that no scope's token passes for another's. */
const TAG_HEX = 24;

const tagOf = async ({ merchantId, invoiceId, list }: CursorScope) =>
  (await sha256Hex(`${VERSION}\n${merchantId}\n${invoiceId}\n${list}`)).slice(0, TAG_HEX);

/** The token a page hands out as next_cursor, or null at the end of the list. */
export async function wrapCursor(inner: string | null, scope: CursorScope): Promise<string | null> {
  if (inner === null) return null;
  return toBase64Url(`${VERSION}.${scope.list}.${await tagOf(scope)}.${inner}`);
}

const invalid = (why: string) => new ApiError(422, "invalid_cursor", `cursor: ${why}`);

/** The ledger's cursor inside `token`, if the token was issued for exactly this scope; otherwise 422. */
export async function unwrapCursor(
  token: string | undefined,
  scope: CursorScope,
): Promise<string | undefined> {
  if (token === undefined) return undefined;
  const parts = fromBase64Url(token)?.split(".");
  if (parts?.length !== 4 || parts[0] !== VERSION) throw invalid("is not a cursor this API issued");
  const [, list, tag, inner = ""] = parts;
  if (list !== scope.list) throw invalid(`was issued for the ${list} list, not ${scope.list}`);
  if (tag !== (await tagOf(scope))) throw invalid("was issued for another invoice or account");
  if (!inner || decodeCursor(inner) < 0) throw invalid("is not a cursor this API issued");
  return inner;
}

const READERS = {
  lines: (l: LedgerStub, cursor: string | undefined, limit: number) => l.listLines(cursor, limit),
  events: (l: LedgerStub, cursor: string | undefined, limit: number) => l.listEvents(cursor, limit),
  anomalies: (l: LedgerStub, cursor: string | undefined, limit: number) => l.listAnomalies(cursor, limit),
  reminders: (l: LedgerStub, cursor: string | undefined, limit: number) => l.listReminders(cursor, limit),
} satisfies Record<ListName, unknown>;

type Items<L extends ListName> = NonNullable<Awaited<ReturnType<(typeof READERS)[L]>>>["items"];

/**
 * One page of an invoice's list: the request's cursor token checked against (merchant, invoice, list) and
 * unwrapped, the ledger read, and the next cursor wrapped again for the same scope. 404 for no invoice.
 */
export async function readPage<L extends ListName>(
  env: Bindings,
  merchantId: string,
  invoiceId: string,
  list: L,
  query: { cursor?: string | undefined; limit: number },
): Promise<{ items: Items<L>; has_more: boolean; next_cursor: string | null }> {
  const scope: CursorScope = { merchantId, invoiceId, list };
  const cursor = await unwrapCursor(query.cursor, scope);
  const read = READERS[list] as (
    l: LedgerStub,
    c: string | undefined,
    n: number,
  ) => ReturnType<(typeof READERS)[L]>;
  const page = await read(ledgerFor(env, merchantId, invoiceId), cursor, query.limit);
  if (!page) throw notFound("Invoice");
  const next = await wrapCursor(page.nextCursor, scope);
  return { items: page.items as Items<L>, has_more: next !== null, next_cursor: next };
}

/** A page as every invoice list answers it: the items in their API view, and the cursor to the next page. */
export const listed = <T, V>(
  page: { items: readonly T[]; has_more: boolean; next_cursor: string | null },
  view: (item: T) => V,
) => ({ data: page.items.map(view), has_more: page.has_more, next_cursor: page.next_cursor });
