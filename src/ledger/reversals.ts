// How a reversal takes money back: never more than the payments it reverses credited, whatever the
// reversals' sources and order. Pure: the object feeds it the figures of the payments concerned, and the
// property test's model states the same rules on its own.

/** One payment a reversal may take money back from, with what earlier reversals already did to it. */
export interface PaymentStanding {
  paymentId: string;
  /** The payment's cash and tax withheld: together its credit. */
  amount: number;
  tds: number;
  /** Taken back so far by all reversals. */
  reversed: number;
  /** Taken back so far by reversals from sources other than the incoming reversal's. */
  reversedByOthers: number;
  /** Recognised so far as the same money as another source's reversal, on the incoming source's lines. */
  matchedByThisSource: number;
  /** The newest reversal from another source that took money back from this payment. */
  lastOtherReversal: string | null;
}

export interface Allocation {
  paymentId: string;
  /** Credit taken back from this payment; `tds` of it came out of the tax withheld (cash goes first). */
  applied: number;
  tds: number;
  /** Recognised as money another source already took back: linked, never counted twice. */
  duplicate: number;
}

export interface ReversalPlan {
  allocations: Allocation[];
  applied: number;
  tds: number;
  duplicate: number;
  duplicateOf: string | null;
  /** What is left of the request once the payments are fully reversed and the same money is matched. */
  over: number;
}

/**
 * Allocates a reversal of `requested` to `payments` (in the order given: the named payment, or the
 * source's payments newest first). First what each payment still has standing, cash before TDS; then what
 * other sources already took back from the same payments, as the same money; the rest is over.
 */
export function planReversal(requested: number, payments: PaymentStanding[]): ReversalPlan {
  let left = requested;
  const allocations = payments.map((p): Allocation => {
    const standing = Math.max(p.amount + p.tds - p.reversed, 0);
    const applied = Math.min(left, standing);
    left -= applied;
    const cashStanding = Math.max(p.amount - p.reversed, 0);
    return { paymentId: p.paymentId, applied, tds: applied - Math.min(applied, cashStanding), duplicate: 0 };
  });
  let duplicateOf: string | null = null;
  for (const [i, p] of payments.entries()) {
    if (left === 0) break;
    const matchable = Math.max(p.reversedByOthers - p.matchedByThisSource, 0);
    const duplicate = Math.min(left, matchable);
    if (duplicate === 0) continue;
    allocations[i]!.duplicate = duplicate;
    duplicateOf ??= p.lastOtherReversal;
    left -= duplicate;
  }
  const kept = allocations.filter((a) => a.applied > 0 || a.duplicate > 0);
  const sum = (f: (a: Allocation) => number) => kept.reduce((n, a) => n + f(a), 0);
  return {
    allocations: kept,
    applied: sum((a) => a.applied),
    tds: sum((a) => a.tds),
    duplicate: sum((a) => a.duplicate),
    duplicateOf,
    over: left,
  };
}
