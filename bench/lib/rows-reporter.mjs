// Runs in Node beside vitest: collects what bench/rows.test.ts measured inside workerd (each test's
// `meta.rows`, which vitest carries back from the runtime), prints one table and writes the JSON, which the
// test itself cannot do from workerd. Plain JS: the project has no Node type declarations to check it with.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** @implements {import("vitest/node").Reporter} */
export class RowsReporter {
  /** @param {string} file */
  constructor(file) {
    this.file = file;
  }

  /** @param {ReadonlyArray<import("vitest/node").TestModule>} testModules */
  onTestRunEnd(testModules) {
    const rows = [];
    for (const module of testModules)
      for (const test of module.children.allTests()) {
        const measured = test.meta().rows;
        if (measured && test.result().state === "passed") rows.push(measured);
      }
    if (rows.length === 0) return;
    const header = [
      "request kind",
      "rows read",
      "rows written",
      "bytes/payment",
      "next N: read; written",
      "write transactions (objects)",
      "next N: write transactions",
    ];
    const range = ([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`);
    const body = rows.map((r) => [
      r.kind,
      String(r.rows_read),
      String(r.rows_written),
      r.bytes_per_payment === null ? "-" : String(r.bytes_per_payment),
      r.repeated ? `${range(r.repeated.rows_read)}; ${range(r.repeated.rows_written)}` : "-",
      `${r.write_transactions} (${r.objects_written})`,
      r.repeated_write_transactions ? range(r.repeated_write_transactions) : "-",
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
    process.stdout.write(
      `\n${[line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n")}\n`,
    );
    mkdirSync(path.dirname(this.file), { recursive: true });
    const report = {
      measured_at: new Date().toISOString(),
      note:
        "rows_read / rows_written: sums of SqlStorageCursor.rowsRead / rowsWritten over every sql.exec one request " +
        "makes (Durable Object constructor included), read after the request; bytes_per_payment: growth of " +
        "ctx.storage.sql.databaseSize (whole SQLite pages) over `payments` requests, divided by them (for a new " +
        "invoice, each request's whole new database beyond empty_database_size); repeated: the range of rows " +
        "read and written over those further requests; write_transactions: transactionSync calls (outermost) that " +
        "wrote a row while the request was measured, each its own SQLite commit, and objects_written the distinct " +
        "objects they wrote",
      empty_database_size: rows[0].empty_database_size,
      kinds: rows.map(({ empty_database_size: _, ...r }) => r),
    };
    writeFileSync(this.file, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`rows: ${this.file}\n`);
  }
}
