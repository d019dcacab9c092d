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
  ],
};
