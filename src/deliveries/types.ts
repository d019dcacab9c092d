// The delivery log's vocabulary: what is recorded of each webhook delivery, and the caps that bound it.

/** applied / duplicate / ignored: accepted (2xx); refused: anything else, with a reason. */
export type DeliveryOutcome = "applied" | "duplicate" | "ignored" | "refused";

export const DELIVERY_OUTCOMES = ["applied", "duplicate", "ignored", "refused"] as const;

/** What is recorded of every delivery, accepted or refused. */
interface DeliveryFacts {
  provider: string;
  /** Unix ms of arrival. */
  receivedAt: number;
  ip: string | null;
  size: number;
  sha256: string | null;
  status: number;
  outcome: DeliveryOutcome;
  reason: string | null;
  eventId: string | null;
  invoiceIds: string[];
  /** The delivery this one replays (POST .../retry), if any. */
  retryOf: string | null;
}

/** What the edge hands the log. `replay` (headers, path params) and `body` are kept only for refusals. */
export interface DeliveryEntry extends DeliveryFacts {
  body: Uint8Array<ArrayBuffer> | null;
  /** What re-verification needs beside the body: provider headers and path params (Riverty's token). */
  replay: ReplayMaterial | null;
}

export interface ReplayMaterial {
  headers: Record<string, string>;
  params: Record<string, string>;
}

/** A log row as the API shows it: never a header value, a path token, or a secret. */
export interface DeliveryRecord extends DeliveryFacts {
  id: string;
  /** Names only of the headers kept for re-verification. */
  headerNames: string[];
  bodyKept: boolean;
  bodyExpiresAt: number | null;
}

/** A refused delivery's stored material, for a retry inside the object's caller (never shown). */
export interface StoredDelivery {
  record: DeliveryRecord;
  body: Uint8Array<ArrayBuffer> | null;
  replay: ReplayMaterial | null;
}

export interface DeliveryFilter {
  outcome?: DeliveryOutcome | undefined;
  provider?: string | undefined;
  /** Unix ms: only deliveries received at or after it. */
  since?: number | undefined;
}

/** asc: the order rows were recorded (the log's default); desc: newest first. */
export type DeliveryOrder = "asc" | "desc";

export const DELIVERY_ORDERS = ["asc", "desc"] as const;

export interface DeliveryPage {
  items: DeliveryRecord[];
  /** The last seq of this page when more follow, else null. */
  nextSeq: number | null;
  /** Refused deliveries over the per-minute cap in the filter's window: counted, not kept. */
  refusedNotKept: number;
  /** SQLite rows read for the page's rows (SqlStorageCursor.rowsRead): what the filter indexes keep small. */
  rowsRead: number;
}

/** The caps that bound what unverified traffic can make one merchant's log store (README: Delivery log). */
export const CAPS = {
  /** Refused deliveries kept (row and body) per merchant per UTC minute; the rest are only counted. */
  refusedKeptPerMinute: 60,
  /** Rows per merchant; the oldest are evicted beyond it. */
  maxRows: 10_000,
  /** Bytes of refused bodies per merchant; the oldest bodies are dropped beyond it (rows stay). */
  maxBodyBytes: 64 * 1024 * 1024,
  /** How long a refused delivery's body and headers are kept for a retry. */
  bodyTtlMs: 7 * 24 * 3600 * 1000,
  /** How long rows and minute counters are kept. */
  rowTtlMs: 30 * 24 * 3600 * 1000,
} as const;
