import type { Bindings } from "../bindings";
// The reminder side of one invoice's Durable Object: the outbox written inside the ledger's transactions,
// the hand-over to the queue after commit, the cadence carried by the object's alarm, and the state
// transitions the queue consumers report back.
import type { InvoiceState } from "../ledger/types";
import { getMerchant } from "../merchants/store";
import { buildReminderPayload, isOwing } from "./payload";
import { cadencePoints, isDay, msToDay, planCadence } from "./schedule";
import { deliverable, logReminder, NOT_CONFIGURED, notificationsOf } from "./settings";
import { ReminderStore, toReminder } from "./store";
import type { AttemptOutcome, ClaimResult, Reminder, ReminderMessage, ReminderStatus } from "./types";
import { TERMINAL_STATUSES } from "./types";

/**
 * The alarm set inside every transaction that leaves work behind. The hand-over right after commit
 * normally replaces it within milliseconds; if that hand-over never runs (eviction, crash, a failed
 * send), this alarm does the work instead.
 */
export const SETTLE_GRACE_MS = 10_000;
/** Next try after the queue refused a hand-over. */
export const HANDOVER_RETRY_MS = 30_000;
/** How long a delivery attempt holds its reminder beyond the request timeout. */
const LEASE_MARGIN_MS = 30_000;
const SEND_BATCH_MAX = 100;

export class InvoiceReminders {
  private readonly store: ReminderStore;
  private settling: Promise<void> | null = null;
  private settleAgain = false;
  private kicked = false;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Bindings,
    private readonly invoice: () => InvoiceState | null,
  ) {
    this.store = new ReminderStore(ctx.storage.sql);
  }

  /**
   * Runs inside each ledger transaction, with no I/O: a new payment that leaves something owing records
   * a partial_payment reminder; an invoice that no longer owes cancels what was not yet delivered. The
   * alarm is set in the same transaction, so it commits (or rolls back) together with the reminder.
   */
  onLedgerChanged(): void {
    const s = this.invoice();
    if (!s) return;
    const now = Date.now();
    const owing = isOwing(s);
    const paid = this.store.takeNewPayment();
    if (paid && owing) this.store.insert("partial_payment", msToDay(now), now);
    if (!owing) this.store.cancelOpen(`stopped: the invoice is ${s.balance.status}`, now);
    const pending = this.store.hasPending();
    if (pending || (owing && isDay(s.facts.dueDate))) {
      void this.ctx.storage.setAlarm(now + SETTLE_GRACE_MS);
    } else {
      // Nothing to hand over and nothing to schedule: a paid or void invoice keeps no wake-up.
      void this.ctx.storage.deleteAlarm();
    }
    // Only an outbox record needs handing over at once; cadence planning can wait for that alarm, which
    // keeps a KV read and a queue call off every payment on a busy invoice.
    if (pending) this.kick();
  }

  /** The object's alarm: hand over what is pending, fire due cadence points, schedule the next wake-up. */
  async onAlarm(): Promise<void> {
    try {
      await this.settle();
    } catch (err) {
      // Rethrowing would use up the runtime's few alarm retries; keep our own schedule instead.
      logReminder(this.env, "error", "reminder alarm failed", { error: String(err) });
      await this.ctx.storage.setAlarm(Date.now() + HANDOVER_RETRY_MS);
    }
  }

  /** Serialized: a settle requested while one runs makes that one go round again, never a second copy. */
  settle(): Promise<void> {
    if (this.settling) {
      this.settleAgain = true;
      return this.settling;
    }
    this.settling = (async () => {
      try {
        do {
          this.settleAgain = false;
          await this.settleOnce();
        } while (this.settleAgain);
      } finally {
        this.settling = null;
      }
    })();
    return this.settling;
  }

  list(after: number, limit: number): Reminder[] {
    return this.store.page(after, limit).map(toReminder);
  }

  /**
   * A consumer asks to deliver `id`. Done reminders stay done (a redelivered message sends nothing);
   * an invoice that stopped owing cancels it; a live attempt elsewhere makes this one wait.
   */
  claim(id: string, opts: { leaseMs: number; maxAttempts: number }): ClaimResult {
    return this.ctx.storage.transactionSync((): ClaimResult => {
      const now = Date.now();
      const row = this.store.get(id);
      if (!row) return { kind: "unknown" };
      if (TERMINAL_STATUSES.includes(row.status)) return { kind: "done", status: row.status };
      const s = this.invoice();
      if (!s || !isOwing(s)) {
        this.store.cancelOpen(`stopped: the invoice is ${s?.balance.status ?? "gone"}`, now);
        return { kind: "done", status: "cancelled" };
      }
      if (row.lease_until !== null && row.lease_until > now) {
        return { kind: "busy", retryInSeconds: Math.ceil((row.lease_until - now) / 1000) };
      }
      if (row.attempts >= opts.maxAttempts) {
        return { kind: "exhausted", attempts: row.attempts, lastError: row.last_error };
      }
      const payload = row.payload ?? JSON.stringify(buildReminderPayload(row, s, now));
      const attempt = this.store.startAttempt(row, payload, now + opts.leaseMs + LEASE_MARGIN_MS, now);
      return { kind: "deliver", attempt, payload: this.store.get(id)!.payload! };
    });
  }

  finish(id: string, attempt: number, outcome: AttemptOutcome): ReminderStatus | null {
    return this.ctx.storage.transactionSync(() => this.store.finishAttempt(id, attempt, outcome, Date.now()));
  }

  skip(id: string, note: string): ReminderStatus | null {
    return this.ctx.storage.transactionSync(() => this.store.skip(id, note, Date.now()));
  }

  deadLetter(id: string, note: string): ReminderStatus | null {
    return this.ctx.storage.transactionSync(() => this.store.deadLetter(id, note, Date.now()));
  }

  // ---------------------------------------------------------------- internals

  /** Hands over right after the transaction commits (a microtask runs only once it has returned). */
  private kick(): void {
    if (this.kicked) return;
    this.kicked = true;
    this.ctx.waitUntil(
      Promise.resolve()
        .then(() => {
          this.kicked = false;
          return this.settle();
        })
        .catch((err) => {
          // The alarm set in the transaction retries.
          logReminder(this.env, "warn", "reminder hand-over deferred to the alarm", { error: String(err) });
        }),
    );
  }

  private async settleOnce(): Promise<void> {
    const first = this.invoice();
    const scheduled = !!first && isOwing(first) && isDay(first.facts.dueDate);
    if (!first || (!scheduled && !this.store.hasPending())) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    // KV and the queue are the only I/O, and both happen outside any transaction.
    const notifications = notificationsOf(await getMerchant(this.env.MERCHANTS, first.merchantId));
    const nextAt = this.ctx.storage.transactionSync((): number | null => {
      const now = Date.now();
      const s = this.invoice();
      if (!s || !notifications || !isOwing(s) || !isDay(s.facts.dueDate)) return null;
      const plan = planCadence(
        cadencePoints(s.facts.dueDate, notifications.cadence_days),
        this.store.recordedKeys(),
        now,
      );
      // In day order, so the list reads as the schedule did.
      const due = [...plan.send, ...plan.missed].sort((a, b) => a.fireAt - b.fireAt);
      for (const p of due) {
        if (plan.send.includes(p)) this.store.insert(p.reason, p.day, now);
        else
          this.store.insert(
            p.reason,
            p.day,
            now,
            "skipped",
            `missed: ${p.day} had passed when it was scheduled`,
          );
      }
      return plan.nextAt;
    });

    let retryAt: number | null = null;
    const pending = this.store.pending(SEND_BATCH_MAX);
    if (pending.length > 0) {
      if (!deliverable(notifications)) {
        this.ctx.storage.transactionSync(() => this.store.skipPending(NOT_CONFIGURED, Date.now()));
      } else {
        try {
          await this.env.REMINDERS.sendBatch(
            pending.map((r) => ({
              body: {
                v: 1,
                reminderId: r.id,
                merchantId: first.merchantId,
                invoiceId: first.invoiceId,
              } satisfies ReminderMessage,
              contentType: "json" as const,
            })),
          );
          this.ctx.storage.transactionSync(() =>
            this.store.markSent(
              pending.map((r) => r.id),
              Date.now(),
            ),
          );
          if (this.store.hasPending()) this.settleAgain = true;
        } catch (err) {
          retryAt = Date.now() + HANDOVER_RETRY_MS;
          logReminder(this.env, "warn", "reminder hand-over failed; the alarm retries", {
            invoice: first.invoiceId,
            error: String(err),
          });
        }
      }
    }

    const wake = [nextAt, retryAt].filter((t): t is number => t !== null);
    if (wake.length > 0) await this.ctx.storage.setAlarm(Math.min(...wake));
    else await this.ctx.storage.deleteAlarm();
  }
}
