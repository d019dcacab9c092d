// The bench's floor: per request, the body is read and one Durable Object call (one hop, RPC like the
// ledger's) does the least SQLite work the request kind needs. Nothing else: no auth, no KV, no validation,
// no queue. `npm run bench` divides each scenario's req/s by its floor's (README "Benchmark").
import { DurableObject } from "cloudflare:workers";

interface Env {
  FLOOR: DurableObjectNamespace<Floor>;
}

export class Floor extends DurableObject<Env> {
  /** A new object: its table, then one row (what a payment on a new invoice needs at the least). */
  create(body: string): number {
    this.ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS rows (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)",
    );
    return this.write(body);
  }

  /** One row into the existing table. The body is stored, as the ledger keeps each delivery's raw body. */
  write(body: string): number {
    return this.ctx.storage.sql
      .exec<{ seq: number }>("INSERT INTO rows (body) VALUES (?) RETURNING seq", body)
      .one().seq;
  }

  read(): { seq: number; body: string } | null {
    return (
      this.ctx.storage.sql
        .exec<{ seq: number; body: string }>("SELECT seq, body FROM rows WHERE seq = 1")
        .toArray()[0] ?? null
    );
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    const [, op, id] = new URL(request.url).pathname.split("/");
    if (op === "healthz") return Response.json({ ok: true });
    if (!id) return new Response("not found", { status: 404 });
    const stub = env.FLOOR.getByName(id);
    switch (`${request.method} ${op}`) {
      case "POST create":
        return Response.json({ seq: await stub.create(await request.text()) }, { status: 201 });
      // Separate routes for the log and the report; the storage work is the same single insert.
      case "POST write":
      case "POST hot":
        return Response.json({ seq: await stub.write(await request.text()) }, { status: 201 });
      case "GET read": {
        const row = await stub.read();
        return row ? Response.json(row) : new Response("no row", { status: 404 });
      }
    }
    return new Response("not found", { status: 404 });
  },
} satisfies ExportedHandler<Env>;
