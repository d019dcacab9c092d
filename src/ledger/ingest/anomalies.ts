// What was recorded but could not be applied cleanly: the invoice's anomalies. Its own lazy capability:
// the table is made by the first anomaly noted (most invoices never have one), and until then the list is
// empty without a query.
import type { Book } from "../book/book";
import { LazyCapability, type LazyHost, type Note } from "../host";
import type { Anomaly } from "../types";
import { ANOMALY_MIGRATIONS } from "./migrations";

export class Anomalies extends LazyCapability {
  readonly namespace = "anomalies";
  readonly migrations = ANOMALY_MIGRATIONS;

  constructor(
    sql: SqlStorage,
    tables: LazyHost,
    private readonly book: Book,
  ) {
    super(sql, tables);
  }

  /** Records anomalies of `source`'s lines, from a delivery or (eventId null) a merchant's command. */
  noteFor(source: string, eventId: string | null): Note {
    return (kind, message, externalId = null) => {
      this.ensure();
      this.sql.exec(
        `INSERT INTO anomalies (kind, source, external_id, event_id, message, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
        kind,
        source,
        externalId,
        eventId,
        message,
        new Date().toISOString(),
      );
      this.book.countAnomaly();
    };
  }

  list(after: number, limit: number): Anomaly[] {
    if (!this.stored()) return [];
    return this.sql
      .exec<Record<string, SqlStorageValue>>(
        "SELECT * FROM anomalies WHERE seq > ? ORDER BY seq LIMIT ?",
        after,
        limit,
      )
      .toArray()
      .map((r) => ({
        seq: r.seq as number,
        kind: r.kind as string,
        source: r.source as string,
        externalId: r.external_id as string | null,
        eventId: r.event_id as string | null,
        message: r.message as string,
        createdAt: r.created_at as string,
      }));
  }
}
