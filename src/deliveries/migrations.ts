import type { Capability } from "../ledger/host";

/** The delivery log's tables, in the one object per merchant (MerchantDeliveries). */
export const deliveryLogSchema: Capability = {
  namespace: "deliveries",
  migrations: [
    {
      id: "001-log-and-minutes",
      sql: `
        CREATE TABLE deliveries (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          id TEXT NOT NULL UNIQUE,
          provider TEXT NOT NULL,
          received_at INTEGER NOT NULL,
          ip TEXT,
          size INTEGER NOT NULL,
          sha256 TEXT,
          status INTEGER NOT NULL,
          outcome TEXT NOT NULL,
          reason TEXT,
          event_id TEXT,
          invoices TEXT NOT NULL,
          retry_of TEXT,
          header_names TEXT NOT NULL,
          body BLOB,
          replay TEXT,
          body_expires_at INTEGER
        );
        CREATE INDEX deliveries_received ON deliveries (received_at);
        CREATE INDEX deliveries_body_expiry ON deliveries (body_expires_at) WHERE body_expires_at IS NOT NULL;
        CREATE TABLE refusal_minutes (
          minute INTEGER PRIMARY KEY,
          kept INTEGER NOT NULL,
          counted INTEGER NOT NULL
        );`,
    },
    {
      id: "002-filter-indexes",
      // The log is listed by outcome or provider in seq order (GET /v1/webhook-deliveries, the dashboard's
      // refused deliveries). Without an index per filter, a page of the few refusals among many accepted
      // deliveries walked every row (up to the 10,000-row cap); with the filter's equality first and seq after
      // it, SQLite walks one index range in the page's order and stops at the page's end
      // (https://www.sqlite.org/queryplanner.html, "Sorting By Index").
      sql: `
        CREATE INDEX deliveries_outcome ON deliveries (outcome, seq);
        CREATE INDEX deliveries_provider ON deliveries (provider, seq);`,
    },
  ],
};
