// Which of an invoice object's lazy capabilities (Capability.lazy) have their tables. Known from the
// versions migrate() reads on every wake anyway, then kept in memory: a read asks without a query, and a
// write creates the tables inside its own transaction, so a rollback takes them back with the write.
import type { Capability, LazyHost } from "./host";
import { bringUp, migrate } from "./schema";

export class LazyTables implements LazyHost {
  private readonly lazy = new Map<string, Capability>();
  private present = new Set<string>();
  /** What the transaction under way created: forgotten when it rolls back. */
  private created: string[] = [];

  constructor(private readonly sql: SqlStorage) {}

  /**
   * Brings the host's capabilities up to date (schema.ts migrate(), inside the caller's transaction) and
   * keeps which lazy ones have their tables: those with a version.
   */
  migrate(capabilities: readonly Capability[]): void {
    const versions = migrate(this.sql, capabilities);
    for (const c of capabilities) if (c.lazy) this.lazy.set(c.namespace, c);
    this.present = new Set([...this.lazy.keys()].filter((ns) => (versions.get(ns) ?? 0) > 0));
  }

  has(namespace: string): boolean {
    return this.present.has(namespace);
  }

  ensure(namespace: string): void {
    if (this.present.has(namespace)) return;
    const c = this.lazy.get(namespace);
    if (!c) throw new Error(`No lazy capability ${namespace}`);
    bringUp(this.sql, c, 0);
    this.present.add(namespace);
    this.created.push(namespace);
  }

  /** The host's transaction starts. */
  begin(): void {
    this.created = [];
  }

  /** The host's transaction rolled back, and the tables it created with it. */
  rollBack(): void {
    for (const ns of this.created) this.present.delete(ns);
    this.created = [];
  }
}
