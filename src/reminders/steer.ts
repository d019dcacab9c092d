// What a merchant can do to one invoice's reminders: pause and resume them, resend a failed one, and see
// the cadence points still ahead. Synchronous SQL through the store, run inside the object's transactions.
import { type CommandResult, refuse } from "../ledger/commands";
import type { InvoiceSnapshot } from "../ledger/types";
import { isOwing } from "./payload";
import { cadencePoints, isDay, pointKey } from "./schedule";
import type { ReminderState } from "./state";
import { type ReminderRow, type ReminderStore, toReminder } from "./store";
import type { Reminder, UpcomingReminder } from "./types";

/** The note of a reminder recorded as skipped because the merchant paused the invoice's reminders. */
export const PAUSED = "paused: reminders for this invoice were paused";

/**
 * Pausing skips every open reminder no attempt is running for; resuming makes cadence points that fell due
 * in the pause quiet for good (never sent), so only points still ahead are. True when something changed.
 */
export function setPaused(store: ReminderStore, state: ReminderState, paused: boolean, now: number): boolean {
  if ((state.pausedAt() !== null) === paused) return false;
  if (paused) {
    state.pause(now);
    store.skipIdle(PAUSED, now);
  } else {
    state.resume(now);
  }
  return true;
}

/**
 * A failed (4xx or dead-lettered) reminder sent again: a new reminder for the same reason and day, linked
 * by resend_of, with its own id and so its own webhook-id; the original keeps its record. Refused while a
 * resend of it is still on its way, while reminders are paused, or when the invoice owes nothing.
 */
export function resend(
  store: ReminderStore,
  state: ReminderState,
  invoice: InvoiceSnapshot | null,
  id: string,
  now: number,
  handoverAt: number,
): CommandResult<Reminder> {
  const row = store.get(id);
  if (!row) return refuse("not_found", "Reminder not found");
  if (row.status !== "failed") {
    return refuse(
      "reminder_not_resendable",
      `Reminder is ${row.status}; only a failed or dead-lettered reminder can be resent`,
    );
  }
  const open: ReminderRow | undefined = store.openResendOf(id);
  if (open) {
    return refuse("reminder_in_flight", `Reminder ${open.id}, a resend of this one, is still ${open.status}`);
  }
  if (state.pausedAt() !== null) {
    return refuse(
      "reminders_paused",
      'Reminders for this invoice are paused; PATCH {"reminders": "active"} first',
    );
  }
  if (!invoice || !isOwing(invoice)) {
    return refuse("invoice_not_owing", `Invoice is ${invoice?.balance.status ?? "gone"}; nothing is owed`);
  }
  return { ok: true, value: toReminder(store.insertResend(row, now, handoverAt)) };
}

/** Cadence points not recorded yet and still ahead, with their planned times; none while paused. */
export function upcoming(
  store: ReminderStore,
  state: ReminderState,
  invoice: InvoiceSnapshot | null,
  cadenceDays: readonly number[],
  now: number,
): UpcomingReminder[] {
  if (!invoice || !isOwing(invoice) || !isDay(invoice.facts.dueDate) || state.pausedAt() !== null) return [];
  const recorded = store.recordedKeys();
  return cadencePoints(invoice.facts.dueDate, cadenceDays)
    .filter((p) => p.fireAt > now && !recorded.has(pointKey(p)))
    .map((p) => ({ reason: p.reason, day: p.day, plannedAt: new Date(p.fireAt).toISOString() }));
}
