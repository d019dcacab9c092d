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
