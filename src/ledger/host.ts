// What an invoice's Durable Object offers the capabilities it hosts, and what each capability tells it.
// Modelled on cloudflare/agents' host/capability split
// (https://github.com/cloudflare/agents/blob/main/packages/agents/src/core/host.ts): each capability owns its
// tables and their migrations, sees the object only through the narrow interface it needs, and reports its
// next wake-up to the host, which owns the one alarm.

/** One step of a capability's schema, applied once, in order, inside the first write that needs it. */
export interface Migration {
  id: string;
  sql: string;
}

export interface Capability {
  /** Names the capability's migrations; never changes. */
  readonly namespace: string;
  readonly migrations: readonly Migration[];
  /**
   * The tables as of step `version`, for a fresh object: it runs this and then only the later steps,
   * instead of replaying every ALTER (most of a new invoice's SQLite rows before).
   */
  readonly baseline?: { version: number; sql: string };
  /**
   * Created by the first write that needs it (LazyTables.ensure, inside that write's transaction), never with
   * a fresh object: most invoices never use it, and every table and index a new invoice gets is SQLite pages
   * stored and rows written (https://developers.cloudflare.com/durable-objects/platform/pricing/). Its
   * version row in `_schema` is what says its tables exist, so reads know without a query.
   */
  readonly lazy?: true;
}

/** What a capability with a lazy part asks the host: whether its tables exist, and to create them. */
export interface LazyHost {
  /** Whether `namespace`'s tables exist: answered from memory, so reads check it freely. */
  has(namespace: string): boolean;
  /** Creates `namespace`'s tables unless they exist, inside the caller's transaction: just before a write. */
  ensure(namespace: string): void;
}

/** A lazy capability (Capability.lazy): it reads only once its tables exist, and makes them to write. */
export abstract class LazyCapability implements Capability {
  abstract readonly namespace: string;
  abstract readonly migrations: readonly Migration[];
  readonly lazy = true;

  constructor(
    protected readonly sql: SqlStorage,
    private readonly tables: LazyHost,
  ) {}

  /** Whether the tables exist: without them, nothing was ever stored. */
  stored(): boolean {
    return this.tables.has(this.namespace);
  }

  /** Makes the tables unless they exist, inside the caller's transaction: just before a write. */
  protected ensure(): void {
    this.tables.ensure(this.namespace);
  }
}

/** A capability that needs the object's alarm. */
export interface Wakeful {
  /** When it must next run (ms since epoch); null: never. */
  nextWakeAt(): number | null;
  onAlarm(): Promise<void>;
}

/** The one alarm, owned by the host: a capability asks for it to be pointed again after its own change. */
export interface AlarmHost {
  rearm(): Promise<void>;
}

/** Where ledger rules report what they recorded but could not apply cleanly (kept as the invoice's anomalies). */
export type Note = (kind: string, message: string, externalId?: string | null) => void;
