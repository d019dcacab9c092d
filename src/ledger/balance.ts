import type { Balance, Line, LineInput, Totals } from "./types";

export const EMPTY_TOTALS: Totals = {
  paid: 0,
  tds: 0,
  reversed: 0,
  tdsReversed: 0,
  writtenOff: 0,
  adjusted: 0,
  fees: 0,
  paymentsCount: 0,
  linesCount: 0,
};

/** How one line moves the running sums. Pure, so the property test can replay it against the stored sums. */
export function addLine(t: Totals, line: Pick<Line, "kind" | "amount" | "tds" | "fee">): Totals {
  const next = { ...t, linesCount: t.linesCount + 1, fees: t.fees + line.fee };
  switch (line.kind) {
    case "payment":
      return {
        ...next,
        paid: t.paid + line.amount,
        tds: t.tds + line.tds,
        paymentsCount: t.paymentsCount + 1,
      };
    case "reversal":
      // A reversal's tds is the part of its amount that was the payment's tax withheld (cash goes first).
      return { ...next, reversed: t.reversed + line.amount, tdsReversed: t.tdsReversed + line.tds };
    case "write_off":
      return { ...next, writtenOff: t.writtenOff + line.amount };
    case "adjustment":
      return { ...next, adjusted: t.adjusted + line.amount };
  }
}

export function credited(t: Totals): number {
  return t.paid + t.tds - t.reversed + t.adjusted;
}

/**
 * The balance follows from the sums: amount_due = max(total - credited - written_off, 0),
 * credit_balance = max(credited - total, 0). A void invoice keeps its figures but owes nothing new.
 */
export function deriveBalance(total: number | null, t: Totals, voided: boolean): Balance {
  const c = credited(t);
  // A provider may report a payment before anyone told us the invoice's total: nothing is known to be due.
  if (total === null) {
    const status = voided ? "void" : c > 0 || t.writtenOff > 0 ? "partially_paid" : "open";
    return { credited: c, amountDue: null, creditBalance: 0, writtenOff: t.writtenOff, status };
  }
  const amountDue = Math.max(total - c - t.writtenOff, 0);
  const creditBalance = Math.max(c - total, 0);
  let status: Balance["status"];
  if (voided) status = "void";
  else if (c > total) status = "overpaid";
  else if (amountDue === 0) status = "paid";
  else if (c > 0 || t.writtenOff > 0) status = "partially_paid";
  else status = "open";
  return { credited: c, amountDue, creditBalance, writtenOff: t.writtenOff, status };
}

/** Payable through the merchant API: not void, and something is still due. */
export function isPayable(b: Balance): boolean {
  return b.status === "open" || b.status === "partially_paid";
}

/**
 * A replay of a known (source, external id) is a duplicate only when it says the same thing about
 * the money; anything else is a conflict that must never overwrite what was recorded.
 */
export function compareReplay(existing: Line, incoming: LineInput): string | null {
  if (existing.kind !== incoming.kind) return `kind ${incoming.kind} differs from recorded ${existing.kind}`;
  if (existing.currency !== incoming.currency) {
    return `currency ${incoming.currency} differs from recorded ${existing.currency}`;
  }
  // A reversal is compared on what its source asked for, not on what the cap let it take back.
  if (existing.requestedAmount !== incoming.amount)
    return `amount ${incoming.amount} differs from recorded ${existing.requestedAmount}`;
  if (existing.kind === "reversal") return null;
  if (existing.tds !== (incoming.tds ?? 0))
    return `tds ${incoming.tds ?? 0} differs from recorded ${existing.tds}`;
  return null;
}

/** Structural checks every line must pass before it reaches storage. */
export function validateLine(input: LineInput): string | null {
  const ints = [input.amount, input.tds ?? 0, input.fee ?? 0];
  if (!ints.every(Number.isSafeInteger)) return "amounts must be safe integers in minor units";
  if ((input.tds ?? 0) < 0 || (input.fee ?? 0) < 0) return "tds and fee must not be negative";
  if (input.kind === "adjustment") return input.amount === 0 ? "adjustment must not be zero" : null;
  if (input.kind === "payment") {
    return input.amount < 0 || input.amount + (input.tds ?? 0) <= 0
      ? "payment must credit a positive amount"
      : null;
  }
  if ((input.tds ?? 0) !== 0) return `${input.kind} carries no tds`;
  return input.amount <= 0 ? `${input.kind} amount must be positive` : null;
}
