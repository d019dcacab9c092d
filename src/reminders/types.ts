// The reminder vocabulary shared by the invoice's Durable Object, the queue consumers and the API.

export type CadenceReason = "due_soon" | "due_today" | "overdue";
export type ReminderReason = "partial_payment" | CadenceReason;

/**
 * pending: recorded, not yet handed to the queue; sent: handed to the queue (delivery may be under way;
 * handed over again if no consumer claims it within the hand-over lease);
 * delivered: the merchant's endpoint answered 2xx; failed: 4xx or dead-lettered after the retry limit;
 * skipped: never sent (notifications off, or a cadence point that had already passed);
 * cancelled: the invoice stopped owing before delivery.
 */
export type ReminderStatus = "pending" | "sent" | "delivered" | "failed" | "skipped" | "cancelled";

export const TERMINAL_STATUSES: readonly ReminderStatus[] = ["delivered", "failed", "skipped", "cancelled"];

export interface Reminder {
  seq: number;
  /** Also the `webhook-id` of every delivery attempt, so receivers can deduplicate. */
  id: string;
  reason: ReminderReason;
  day: string; // YYYY-MM-DD (UTC)
  status: ReminderStatus;
  attempts: number;
  lastError: string | null;
  /** While a reminder waits out its backoff: when the next attempt is due. */
  nextAttemptAt: string | null;
  /** A merchant's resend: the reminder it sends again (under its own id, so its own webhook-id). */
  resendOf: string | null;
  createdAt: string;
  sentAt: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
  deadLetteredAt: string | null;
  updatedAt: string;
}

/**
 * An invoice's customer reminders whose failure still stands (failed, and no resend of the same point
 * delivered since), and when the newest of them failed; none while the invoice owes nothing.
 */
export interface ReminderFailures {
  count: number;
  lastFailedAt: string | null;
}

export const NO_FAILURES: ReminderFailures = { count: 0, lastFailedAt: null };

export const sameFailures = (a: ReminderFailures, b: ReminderFailures) =>
  a.count === b.count && a.lastFailedAt === b.lastFailedAt;

/** What travels on the reminders queue: a pointer, never the payload, so the ledger stays the one source. */
export interface ReminderMessage {
  v: 1;
  reminderId: string;
  merchantId: string;
  invoiceId: string;
}

/** What the main consumer forwards to the dead-letter queue when a reminder runs out of attempts. */
export interface DeadLetterMessage extends ReminderMessage {
  attempts?: number;
  lastError?: string | null;
}

/** A cadence point not recorded yet, with the time it is planned for. */
export interface UpcomingReminder {
  reason: CadenceReason;
  day: string;
  plannedAt: string;
}

export type ClaimResult =
  | { kind: "deliver"; attempt: number; payload: string }
  | { kind: "done"; status: ReminderStatus }
  | { kind: "busy"; retryInSeconds: number }
  | { kind: "exhausted"; attempts: number; lastError: string | null }
  | { kind: "unknown" };

/** The shared outcome of one attempt (src/outbound/attempt.ts). */
export type { AttemptOutcome } from "../outbound/attempt";
