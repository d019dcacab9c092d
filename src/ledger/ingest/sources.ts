// What the ledger keeps per provider: the newest facts and report it applied (by the provider's own
// ordering version), and its cumulative amount paid. Older deliveries never replace newer ones.
import type { BookState } from "../book/rows";
import type { ProviderReport } from "../types";

export class Sources {
  constructor(private readonly sql: SqlStorage) {}

  /** Whether facts of `version` are not older than the newest applied from `source`; records it if so. */
  takeFactsVersion(source: string, version: number): boolean {
    const last = this.field<number>(source, "facts_version");
    if (last !== null && version < last) return false;
    this.upsert(source, { facts_version: version });
    return true;
  }

  /** Whether a cumulative snapshot of `version` is newer than the last followed; records it if so. */
  takeCumulative(source: string, version: number, amountPaid: number): boolean {
    const last = this.field<number>(source, "cumulative_version");
    if (last !== null && version <= last) return false;
    this.upsert(source, { cumulative_version: version, cumulative_paid: amountPaid });
    return true;
  }

  applyReport(source: string, report: Omit<ProviderReport, "source">): void {
    const last = this.field<number>(source, "report_version");
    if (last !== null && report.version < last) return;
    this.upsert(source, { report: JSON.stringify({ source, ...report }), report_version: report.version });
  }

  /** Each provider's newest report beside our own figures, flagged where they disagree. */
  reports(s: BookState): Array<ProviderReport & { mismatch: boolean }> {
    const rows = this.sql
      .exec<{ report: string }>("SELECT report FROM source_state WHERE report IS NOT NULL ORDER BY source")
      .toArray();
    const { facts, balance } = s;
    return rows.map(({ report }) => {
      const rep = JSON.parse(report) as ProviderReport;
      const mismatch =
        (rep.currency !== null && facts.currency !== null && rep.currency !== facts.currency) ||
        (rep.amountPaid !== null && rep.amountPaid !== balance.credited) ||
        (rep.amountDue !== null && balance.amountDue !== null && rep.amountDue !== balance.amountDue) ||
        (rep.total !== null && facts.total !== null && rep.total !== facts.total);
      return { ...rep, mismatch };
    });
  }

  private field<T extends SqlStorageValue>(source: string, column: string): T | null {
    const row = this.sql
      .exec<Record<string, T | null>>(`SELECT ${column} AS v FROM source_state WHERE source = ?`, source)
      .toArray()[0];
    return row?.v ?? null;
  }

  private upsert(source: string, values: Record<string, SqlStorageValue>): void {
    const columns = Object.keys(values);
    this.sql.exec(
      `INSERT INTO source_state (source, ${columns.join(", ")}) VALUES (?, ${columns.map(() => "?").join(", ")})
       ON CONFLICT (source) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(", ")}`,
      source,
      ...Object.values(values),
    );
  }
}
