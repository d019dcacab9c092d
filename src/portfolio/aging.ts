// The aged-receivables report over one merchant's index: amounts due per currency in buckets of days past
// due as of a date, the usual aging buckets of receivables reports (Invoice Ninja, ERPNext).

export const BUCKETS = ["current", "1_30", "31_60", "61_90", "over_90"] as const;
export type Bucket = (typeof BUCKETS)[number];

export interface AgingRow extends Record<string, SqlStorageValue> {
  currency: string | null;
  /** "none": nothing due (paid, overpaid, or the total is unknown). */
  bucket: Bucket | "none";
  amount_due: number;
  count: number;
  credit_balance: number;
  total_unknown: number;
}

/** One scan of the merchant's live invoices, grouped; binds as_of four times. Void invoices owe nothing. */
export const agingSql = `
  SELECT currency,
    CASE WHEN amount_due IS NULL OR amount_due = 0 THEN 'none'
         WHEN due_date IS NULL OR due_date >= ? THEN 'current'
         WHEN julianday(?) - julianday(due_date) <= 30 THEN '1_30'
         WHEN julianday(?) - julianday(due_date) <= 60 THEN '31_60'
         WHEN julianday(?) - julianday(due_date) <= 90 THEN '61_90'
         ELSE 'over_90' END AS bucket,
    COALESCE(SUM(amount_due), 0) AS amount_due,
    COUNT(*) AS count,
    SUM(credit_balance) AS credit_balance,
    SUM(total IS NULL) AS total_unknown
  FROM invoices WHERE status != 'void'
  GROUP BY currency, bucket`;

interface Amount {
  amount_due: number;
  count: number;
}

export interface CurrencyAging {
  currency: string;
  buckets: Record<Bucket, Amount>;
  total_outstanding: number;
  outstanding_count: number;
  total_credit_balance: number;
  /** Invoices in this currency whose total is not known yet: nothing is counted as due on them. */
  total_unknown_count: number;
}

/** Per currency, never adding up different currencies; invoices with no currency yet are only counted. */
export function assembleAging(rows: AgingRow[]): {
  currencies: CurrencyAging[];
  unknownCurrencyCount: number;
} {
  const byCurrency = new Map<string, CurrencyAging>();
  let unknownCurrencyCount = 0;
  for (const r of rows) {
    if (r.currency === null) {
      unknownCurrencyCount += r.count;
      continue;
    }
    let c = byCurrency.get(r.currency);
    if (!c) {
      const buckets = Object.fromEntries(BUCKETS.map((b) => [b, { amount_due: 0, count: 0 }]));
      c = {
        currency: r.currency,
        buckets: buckets as Record<Bucket, Amount>,
        total_outstanding: 0,
        outstanding_count: 0,
        total_credit_balance: 0,
        total_unknown_count: 0,
      };
      byCurrency.set(r.currency, c);
    }
    c.total_credit_balance += r.credit_balance;
    c.total_unknown_count += r.total_unknown;
    if (r.bucket === "none") continue;
    c.buckets[r.bucket] = { amount_due: r.amount_due, count: r.count };
    c.total_outstanding += r.amount_due;
    c.outstanding_count += r.count;
  }
  const currencies = [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency));
  return { currencies, unknownCurrencyCount };
}
