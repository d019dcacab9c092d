import type { Capability } from "../ledger/host";

// The tables of one merchant's MerchantEvents object. Steps are never edited once released.
export const eventsSchema: Capability = {
  namespace: "merchant-events",
  migrations: [
    {
      id: "001-deliveries",
      // One row per (event, endpoint): the row is also the outbox (status pending, handover_at set in the
      // transaction that records it). `id` is derived from (invoice, version, type, endpoint), so a change
      // heard twice inserts nothing the second time. Times are ms since the epoch.
      sql: `
        CREATE TABLE deliveries (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          id TEXT NOT NULL UNIQUE,
          endpoint_id TEXT NOT NULL,
          type TEXT NOT NULL,
          invoice_id TEXT NOT NULL,
          version INTEGER NOT NULL,
          payload TEXT NOT NULL,
          status TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          last_error TEXT,
          last_status INTEGER,
          lease_until INTEGER,
          handover_at INTEGER,
          next_attempt_at INTEGER,
          resends INTEGER NOT NULL DEFAULT 0,
          created_at INTEGER NOT NULL,
          last_attempt_at INTEGER,
          delivered_at INTEGER,
          failed_at INTEGER,
          dead_lettered_at INTEGER,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX deliveries_endpoint ON deliveries (endpoint_id, seq);
        CREATE INDEX deliveries_endpoint_status ON deliveries (endpoint_id, status, seq);
        CREATE INDEX deliveries_status ON deliveries (status, seq);
        CREATE INDEX deliveries_handover ON deliveries (handover_at) WHERE handover_at IS NOT NULL;
        CREATE TABLE events_meta (
          singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
          merchant_id TEXT NOT NULL
        );`,
    },
  ],
};
