// The ledger's vocabulary. Every source (merchant API, dialects, provider webhooks) produces these
// shapes; the Durable Object is the only place that turns them into stored lines.

export type LineKind = "payment" | "reversal" | "write_off" | "adjustment";
export type InvoiceStatus = "open" | "partially_paid" | "paid" | "overpaid" | "void";

export interface Customer {
  name: string | null;
  email: string | null;
  phone: string | null;
}

/** The invoice's facts. Amounts in minor units of `currency`. */
export interface InvoiceFacts {
  currency: string;
  total: number;
  dueDate: string | null; // YYYY-MM-DD
  number: string | null;
  customer: Customer;
}

/** A partial update from a provider: only what it reported. */
export type InvoiceFactsPatch = Partial<Omit<InvoiceFacts, "customer">> & { customer?: Partial<Customer> };

/** Identifies the invoice an object serves; stored on first write. */
export interface InvoiceRef {
  merchantId: string;
  invoiceId: string;
}

/** One line as a source reports it. `source` + `externalId` are unique together. */
export interface LineInput {
  kind: LineKind;
  source: string;
  externalId: string;
  /** Minor units; > 0, except adjustments, which are signed and non-zero. */
  amount: number;
  currency: string;
  /** Tax withheld at source: credited like cash (payments only). */
  tds?: number;
  /** Transaction charge: recorded, never credited. */
  fee?: number;
  method?: string | null;
  reference?: string | null;
  notes?: string | null;
  paidAt?: string | null;
  /** The client's Idempotency-Key (or dialect key) of the request that recorded it: shown, never an id. */
  idempotencyKey?: string | null;
  /** False: no customer reminder is sent on account of this payment (default true). */
  remindCustomer?: boolean;
  /** False: the merchant's change feed is not to announce this line (default true). */
  notifyMerchant?: boolean;
  /** Who asked for it, as the request said (Chargebee's chargebee-request-origin-* headers). */
  origin?: LineOrigin | null;
  /** For reversals: the line reversed, by our id or by the source's id. */
  reverses?: { lineId: string } | { source: string; externalId: string };
}

/** Where a request came from, as its client declared it: never checked, only kept. */
export interface LineOrigin {
  user?: string;
  device?: string;
  ip?: string;
}

/** The money a line moved and how it was paid: the same in a stored row, a line and a payment command. */
export interface LineAmounts {
  amount: number;
  tds: number;
  fee: number;
  currency: string;
  method: string | null;
  reference: string | null;
  notes: string | null;
}

export interface Line extends LineAmounts {
  id: string;
  seq: number;
  kind: LineKind;
  source: string;
  externalId: string;
  paidAt: string | null;
  reversesId: string | null;
  /**
   * Reversals: what the source asked to take back. `amount` is what the line actually took back: never
   * more than its payments still had standing, and 0 while the payment it names has not arrived.
   */
  requestedAmount: number;
  /** Reversals: the part recognised as money another source's reversal (`duplicateOf`) already took back. */
  duplicateAmount: number;
  duplicateOf: string | null;
  idempotencyKey: string | null;
  remindCustomer: boolean;
  notifyMerchant: boolean;
  origin: LineOrigin | null;
  eventId: string | null;
  createdAt: string;
}

/** A line as the invoice's lines list shows it: a payment also says how much of it was taken back. */
export interface ListedLine extends Line {
  /**
   * Payments: the credit taken back from it so far by reversals from any source (its amount plus TDS at
   * most, from the reversal allocations); null for other kinds.
   */
  reversed: number | null;
}

/** Running sums kept in the same transaction as the lines, so a balance read never scans lines. */
export interface Totals {
  paid: number; // payment amounts
  tds: number; // payment TDS
  reversed: number; // credit taken back by reversals, TDS included
  tdsReversed: number; // the part of `reversed` that was tax withheld
  writtenOff: number;
  adjusted: number; // signed
  fees: number;
  paymentsCount: number;
  linesCount: number;
}

export interface Balance {
  credited: number;
  amountDue: number | null;
  creditBalance: number;
  writtenOff: number;
  status: InvoiceStatus;
}

export type LineOutcome =
  | { outcome: "applied"; line: Line }
  | { outcome: "duplicate"; line: Line }
  | { outcome: "conflict"; externalId: string; existing: Line | null; reason: string };

/** What a provider says the invoice looks like, shown beside our own figures. */
export interface ProviderReport {
  source: string;
  currency: string | null;
  total: number | null;
  amountPaid: number | null;
  amountDue: number | null;
  status: string | null;
  reportedAt: string;
  /** Orders reports from the same source; older ones never replace newer ones. */
  version: number;
}

export interface Anomaly {
  seq: number;
  kind: string;
  source: string;
  externalId: string | null;
  eventId: string | null;
  message: string;
  createdAt: string;
}

/** One provider delivery as the invoice's event log keeps it. */
export interface InvoiceEvent {
  seq: number;
  source: string;
  eventId: string;
  eventType: string;
  verification: string;
  rawBody: string;
  outcome: string;
  /** JSON text: RPC results carry no `unknown`. */
  detail: string | null;
  receivedAt: string;
}

/** The invoice without what its object's other parts add: what reminders and balance rules need. */
export type InvoiceSnapshot = Omit<InvoiceState, "reports" | "reminders">;

export interface InvoiceState {
  merchantId: string;
  invoiceId: string;
  /** total and currency are null only for an invoice first heard of through a payment. */
  facts: Omit<InvoiceFacts, "total" | "currency"> & { total: number | null; currency: string | null };
  voidedAt: string | null;
  createdAt: string;
  updatedAt: string;
  totals: Totals;
  balance: Balance;
  reports: Array<ProviderReport & { mismatch: boolean }>;
  anomaliesCount: number;
  /** Whether the merchant paused this invoice's reminders. */
  reminders: "active" | "paused";
}
