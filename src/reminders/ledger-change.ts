// The narrow interface between the invoice's object and its reminders: what the reminders see of the object,
// and what each committed ledger change tells them (they never read the ledger's tables).
import type { AlarmHost } from "../ledger/host";
import type { InvoiceSnapshot } from "../ledger/types";

/** What the reminders see of the invoice's object: the invoice as it stands, and the one alarm. */
export interface ReminderHost extends AlarmHost {
  invoice(): InvoiceSnapshot | null;
  /** A reminder failed for good: called inside the transaction that records it. */
  reminderFailed(): void;
  /** A delivered resend made a failed reminder good: called inside the transaction that records it. */
  failureResolved(): void;
}

/** What a committed ledger change tells the reminders. */
export interface LedgerChange {
  invoice: InvoiceSnapshot;
  /** Payments recorded by the change (a replayed one records none). */
  paymentsApplied: number;
  /** Of those, the ones recorded without a customer reminder (chargebee-event-email: all-disabled). */
  paymentsSilenced: number;
  /** Whether the invoice's facts (its due date among them) were written. */
  factsChanged: boolean;
}
