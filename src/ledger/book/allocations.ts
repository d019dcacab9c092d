// How much each reversal took back from each payment: the book's record of the per-payment cap. Its own
// lazy capability: the table is made by the first reversal that takes something back (most invoices have
// none), and until then every read answers "nothing taken back" without a query.
import { LazyCapability, type Note } from "../host";
import type { PaymentStanding, ReversalPlan } from "../reversals";
import type { Line } from "../types";
import { ALLOCATION_MIGRATIONS } from "./migrations";

type TakenBack = { reversed: number; others: number; matched: number; last_other: string | null };
const NONE: TakenBack = { reversed: 0, others: 0, matched: 0, last_other: null };

export class Allocations extends LazyCapability {
  readonly namespace = "allocations";
  readonly migrations = ALLOCATION_MIGRATIONS;

  /** What a payment still has standing, as seen by a reversal from `source`. */
  standing(p: Line, source: string): PaymentStanding {
    const r = this.stored() ? this.takenBack(p.id, source) : NONE;
    return {
      paymentId: p.id,
      amount: p.amount,
      tds: p.tds,
      reversed: r.reversed,
      reversedByOthers: r.others,
      matchedByThisSource: r.matched,
      lastOtherReversal: r.last_other,
    };
  }

  private takenBack(paymentId: string, source: string): TakenBack {
    return this.sql
      .exec<TakenBack>(
        `SELECT COALESCE(SUM(a.applied), 0) AS reversed,
                COALESCE(SUM(CASE WHEN l.source <> ? THEN a.applied ELSE 0 END), 0) AS others,
                COALESCE(SUM(CASE WHEN l.source = ? THEN a.duplicate ELSE 0 END), 0) AS matched,
                (SELECT l2.id FROM reversal_allocations a2 JOIN lines l2 ON l2.id = a2.reversal_id
                  WHERE a2.payment_id = ? AND l2.source <> ? AND a2.applied > 0
                  ORDER BY l2.seq DESC LIMIT 1) AS last_other
         FROM reversal_allocations a JOIN lines l ON l.id = a.reversal_id WHERE a.payment_id = ?`,
        source,
        source,
        paymentId,
        source,
        paymentId,
      )
      .one();
  }

  /** Keeps how a reversal was allocated, and says what of it was not taken back. */
  record(line: Pick<Line, "id" | "externalId" | "requestedAmount">, plan: ReversalPlan, note: Note): void {
    if (plan.allocations.length > 0) this.ensure();
    for (const a of plan.allocations) {
      this.sql.exec(
        "INSERT INTO reversal_allocations (reversal_id, payment_id, applied, tds, duplicate) VALUES (?, ?, ?, ?, ?)",
        line.id,
        a.paymentId,
        a.applied,
        a.tds,
        a.duplicate,
      );
    }
    if (plan.over > 0) {
      const matched =
        plan.duplicate > 0 ? ` and ${plan.duplicate} was already taken back by another source` : "";
      note(
        "over_reversed",
        `Reversal ${line.externalId} asks for ${line.requestedAmount}; its payment had ${plan.applied} left to take back${matched}: ${plan.over} is not credited back`,
        line.externalId,
      );
    }
  }

  /** Payments reversed for more than they credited: always 0; audit() reports it so tests can hold it. */
  overReversedPayments(): number {
    if (!this.stored()) return 0;
    return this.sql
      .exec<{ n: number }>(
        `SELECT COUNT(*) AS n FROM lines p JOIN (
           SELECT payment_id, SUM(applied) AS applied FROM reversal_allocations GROUP BY payment_id
         ) a ON a.payment_id = p.id WHERE a.applied > p.amount + p.tds`,
      )
      .one().n;
  }
}
