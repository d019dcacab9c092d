// The Refrens payment body (shared/seeds/002: amounts are JSON numbers in major units) and the payment
// object Refrens answers with, mapped to and from ledger lines.
import { z } from "zod";
import type { Line } from "../../ledger/types";
import { freeText, identifier } from "../../lib/zod-atoms";
import { minorToMajorNumber } from "../../money/amount";

/** Refrens's methods, in our vocabulary. Credit and debit cards are both recorded as "card". */
export const REFRENS_METHODS = {
  ACCOUNT_TRANSFER: "bank_transfer",
  CASH: "cash",
  CHEQUE: "cheque",
  CREDIT_CARD: "card",
  DEBIT_CARD: "card",
  DD: "demand_draft",
  UPI: "upi",
} as const;

export type RefrensMethod = keyof typeof REFRENS_METHODS;

// Our methods back to Refrens's; "card" reads back as CREDIT_CARD (the ledger keeps no card type), and
// methods Refrens has no word for (other, a provider's own) read back as null.
const FROM_OURS: Record<string, RefrensMethod> = {
  bank_transfer: "ACCOUNT_TRANSFER",
  cash: "CASH",
  cheque: "CHEQUE",
  card: "CREDIT_CARD",
  demand_draft: "DD",
  upi: "UPI",
};

const Major = z
  .number()
  .min(0)
  .max(Number.MAX_SAFE_INTEGER)
  .refine((n) => !Object.is(n, -0), "must not be -0");

export const RefrensPaymentSchema = z
  .object({
    /** Absent: the whole amount due (less tds). */
    amount: Major.optional(),
    tds: Major.default(0),
    transactionCharge: Major.default(0),
    paymentDate: z.union([z.iso.date(), z.iso.datetime({ offset: true })]).optional(),
    paymentMethod: z.enum(Object.keys(REFRENS_METHODS) as [RefrensMethod, ...RefrensMethod[]]).optional(),
    notes: freeText(2000).optional(),
    refId: identifier(128).optional(),
  })
  .strict();

export type RefrensPayment = z.infer<typeof RefrensPaymentSchema>;

/** One payment as Refrens shows it: amounts back in major units, `_id` our line id. */
export function refrensPaymentView(
  line: Line,
  business: string,
  opts: { isRemoved?: boolean; paymentMethod?: RefrensMethod | null } = {},
) {
  return {
    tds: minorToMajorNumber(line.tds, line.currency),
    transactionCharge: minorToMajorNumber(line.fee, line.currency),
    amount: minorToMajorNumber(line.amount, line.currency),
    paymentDate: line.paidAt ?? line.createdAt,
    paymentMethod:
      opts.paymentMethod !== undefined ? opts.paymentMethod : (FROM_OURS[line.method ?? ""] ?? null),
    notes: line.notes,
    business,
    isApproved: true,
    isRemoved: opts.isRemoved ?? false,
    _id: line.id,
    refId: line.reference,
  };
}
