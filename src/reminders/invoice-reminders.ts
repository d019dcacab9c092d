import type { Bindings } from "../bindings";
// The reminder side of one invoice's Durable Object: the outbox written inside the ledger's transactions,
// the hand-over to the queue after commit, the cadence carried by the object's alarm, and the state
// transitions the queue consumers report back.
//
// Queues deliver at least once, but a message can still be lost outright: the local runtime keeps its
// queues in memory, and in a crash test 10 of 200 reminders stayed `sent` forever. So every open reminder
// carries a hand-over lease (reminders.handover_at): a consumer must claim it by then, or the alarm hands
// it over again under the same id, hence the same webhook-id. A late original message then finds it
// claimed (busy) or finished (done) and sends nothing, and receivers deduplicate on webhook-id anyway:
// https://developers.cloudflare.com/queues/reference/delivery-guarantees/
import type { CommandResult } from "../ledger/commands";
import type { Capability, Wakeful } from "../ledger/host";
import type { InvoiceSnapshot } from "../ledger/types";
import { getMerchant, peekMerchant } from "../merchants/store";
import type { LedgerChange, ReminderHost } from "./ledger-change";
import { BASELINE, MIGRATIONS } from "./migrations";
import { buildReminderPayload, isOwing } from "./payload";
import { cadencePoints, isDay, msToDay, planCadence } from "./schedule";
import { deliverable, deliverySettings, logReminder, NOT_CONFIGURED, notificationsOf } from "./settings";
import { ReminderState } from "./state";
import { PAUSED, resend, setPaused, upcoming } from "./steer";
import { ReminderStore, toReminder } from "./store";
import type {
  AttemptOutcome,
  ClaimResult,
  Reminder,
  ReminderFailures,
  ReminderMessage,
  ReminderStatus,
  UpcomingReminder,
} from "./types";
import { NO_FAILURES, sameFailures, TERMINAL_STATUSES } from "./types";

/**
 * The hand-over time of a new pending reminder, and of the replanning after a ledger change. The
 * hand-over right after commit normally comes first; if it never runs (eviction, crash, a failed send),
 * the alarm does the work instead.
 */
export const SETTLE_GRACE_MS = 10_000;
/** Next try after the queue refused a hand-over. */
export const HANDOVER_RETRY_MS = 30_000;
/** How long a delivery attempt holds its reminder beyond the request timeout. */
const LEASE_MARGIN_MS = 30_000;
const SEND_BATCH_MAX = 100;

export class InvoiceReminders implements Capability, Wakeful {
  readonly namespace = "reminders";
  readonly migrations = MIGRATIONS;
  readonly baseline = BASELINE;
  private readonly store: ReminderStore;
  private readonly state: ReminderState;
  private settling: Promise<void> | null = null;
  private settleAgain = false;
  private kicked = false;
  private readonly leaseMs: number;
  /** After an alarm that failed: when to try again (kept in memory; the alarm already set survives eviction). */
  private retryAt: number | null = null;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Bindings,
    private readonly host: ReminderHost,
  ) {
    this.store = new ReminderStore(ctx.storage.sql);
    this.state = new ReminderState(ctx.storage.sql);
    this.leaseMs = deliverySettings(env).handoverLeaseSeconds * 1000;
  }

  /**
   * When the object must next wake for its reminders: the next cadence planning, a pending hand-over,
   * or the earliest hand-over lease of a reminder no consumer has claimed yet. Null: never.
   */
  nextWakeAt(): number | null {
    const at = this.store.nextWakeAt();
    const retry = this.retryAt;
    if (retry === null) return at;
    return at === null ? retry : Math.min(at, retry);
  }

  /**
   * Runs inside each ledger transaction, with no I/O: a new payment that leaves something owing records
   * a partial_payment reminder; an invoice that no longer owes cancels what was not yet delivered. The
   * alarm is set in the same transaction, so it commits (or rolls back) together with the reminder.
   * A payment that arrives before the invoice's total is remembered, and reminded about once the total
   * is known, if money is still due then.
   */
  onLedgerChanged({ invoice: s, paymentsApplied, paymentsSilenced, factsChanged }: LedgerChange): void {
    const now = Date.now();
    const owing = isOwing(s);
    const state = this.state.snapshot();
    // A payment recorded with chargebee-event-email (or -actions): all-disabled asks for no reminder.
    const toRemind = paymentsApplied - paymentsSilenced;
    if (s.facts.total === null || s.facts.currency === null) {
      if (toRemind > 0 && !state.paymentUnreminded) this.state.setPaymentUnreminded(true);
    } else {
      const unreminded = state.paymentUnreminded;
      if ((toRemind > 0 || unreminded) && owing) {
        // A merchant this isolate already knows to have no notifications gets the reminder skipped here,
        // as the hand-over would skip it, without a hand-over (a KV read and two transactions) after commit.
        const skipped = state.paused ? PAUSED : this.knownUndeliverable(s.merchantId) ? NOT_CONFIGURED : null;
        this.store.insert(
          "partial_payment",
          msToDay(now),
          now,
          skipped ? null : now + SETTLE_GRACE_MS,
          skipped,
        );
      }
      if (unreminded) this.state.setPaymentUnreminded(false);
    }
    if (!owing) this.store.cancelOpen(`stopped: the invoice is ${s.balance.status}`, now);
    // The due date may have changed (facts written), or the invoice started or stopped owing: replan soon.
    // A paid or void invoice plans nothing and, having no open reminder either, keeps no wake-up. A payment
    // that leaves the facts as they were and the invoice still owing moves no cadence point, so a planning
    // already scheduled stands and the state row is not written again on every payment.
    const settleAt = owing && isDay(s.facts.dueDate) ? now + SETTLE_GRACE_MS : null;
    if (factsChanged || (settleAt === null) !== (state.settleAt === null)) this.store.setSettleAt(settleAt);
    void this.rearm();
    // Only an outbox record needs handing over at once; cadence planning can wait for that alarm, which
    // keeps a KV read and a queue call off every payment on a busy invoice.
    if (this.store.hasPending()) this.kick();
  }

  /** The object's alarm: hand over what is pending, fire due cadence points, schedule the next wake-up. */
  async onAlarm(): Promise<void> {
    this.retryAt = null;
    try {
      await this.settle();
    } catch (err) {
      // Rethrowing would use up the runtime's few alarm retries; keep our own schedule instead.
      logReminder(this.env, "error", "reminder alarm failed", { error: String(err) });
      this.retryAt = Date.now() + HANDOVER_RETRY_MS;
      await this.rearm();
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

  paused(): boolean {
    return this.state.pausedAt() !== null;
  }

  /**
   * The merchant pauses or resumes this invoice's reminders, inside the host's transaction. Resuming plans
   * the cadence again soon; points that fell due in the pause are recorded as skipped then, never sent.
   */
  setPaused(paused: boolean): void {
    const now = Date.now();
    if (!setPaused(this.store, this.state, paused, now)) return;
    const s = this.host.invoice();
    if (!paused && s && isOwing(s) && isDay(s.facts.dueDate)) this.store.setSettleAt(now + SETTLE_GRACE_MS);
    void this.rearm();
  }

  /** A merchant's resend of a failed reminder, inside the host's transaction; handed over after commit. */
  resend(id: string): CommandResult<Reminder> {
    const now = Date.now();
    const result = resend(this.store, this.state, this.host.invoice(), id, now, now + SETTLE_GRACE_MS);
    if (result.ok) {
      void this.rearm();
      this.kick();
    }
    return result;
  }

  /** What the change feed's summary says of failed reminders: those still standing, none once nothing is owed. */
  failures(invoice: InvoiceSnapshot): ReminderFailures {
    return isOwing(invoice) ? this.store.standingFailures() : NO_FAILURES;
  }

  upcoming(cadenceDays: readonly number[]): UpcomingReminder[] {
    return upcoming(this.store, this.state, this.host.invoice(), cadenceDays, Date.now());
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
      const s = this.host.invoice();
      if (!s || !isOwing(s)) {
        this.store.cancelOpen(`stopped: the invoice is ${s?.balance.status ?? "gone"}`, now);
        return { kind: "done", status: "cancelled" };
      }
      if (this.state.pausedAt() !== null) {
        this.store.skip(id, PAUSED, now);
        void this.rearm();
        return { kind: "done", status: "skipped" };
      }
      if (row.lease_until !== null && row.lease_until > now) {
        return { kind: "busy", retryInSeconds: Math.ceil((row.lease_until - now) / 1000) };
      }
      if (row.attempts >= opts.maxAttempts) {
        return { kind: "exhausted", attempts: row.attempts, lastError: row.last_error };
      }
      const payload = row.payload ?? JSON.stringify(buildReminderPayload(row, s, now));
      const leaseUntil = now + opts.leaseMs + LEASE_MARGIN_MS;
      // A consumer that dies mid-attempt may take its message with it: one hand-over lease after the
      // attempt's own lease, the alarm hands the reminder over again.
      const attempt = this.store.startAttempt(row, payload, leaseUntil, leaseUntil + this.leaseMs, now);
      void this.rearm();
      return { kind: "deliver", attempt, payload: this.store.get(id)!.payload! };
    });
  }

  finish(id: string, attempt: number, outcome: AttemptOutcome): ReminderStatus | null {
    return this.ctx.storage.transactionSync(() => {
      const now = Date.now();
      // A reminder waiting for the consumer's retry (msg.retry with delaySeconds) is not lost: its lease
      // runs from when that retry is due.
      const waits = outcome.kind === "retry" && outcome.retryInSeconds > 0;
      const retryAt = now + (waits ? outcome.retryInSeconds * 1000 : 0);
      const before = this.store.get(id)?.status;
      // A delivery may make a failure good (a resend of the same point): compare what stood before and after.
      const stood = outcome.kind === "delivered" ? this.store.standingFailures() : null;
      const status = this.store.finishAttempt(id, attempt, outcome, now, {
        handoverAt: retryAt + this.leaseMs,
        nextAttemptAt: waits ? retryAt : null,
      });
      if (status === "failed" && before !== "failed") this.host.reminderFailed();
      else if (stood && !sameFailures(stood, this.store.standingFailures())) this.host.failureResolved();
      void this.rearm();
      return status;
    });
  }

  skip(id: string, note: string): ReminderStatus | null {
    return this.ctx.storage.transactionSync(() => {
      const status = this.store.skip(id, note, Date.now());
      void this.rearm();
      return status;
    });
  }

  deadLetter(id: string, note: string): ReminderStatus | null {
    return this.ctx.storage.transactionSync(() => {
      const before = this.store.get(id)?.status;
      const status = this.store.deadLetter(id, note, Date.now());
      if (status === "failed" && before !== "failed") this.host.reminderFailed();
      void this.rearm();
      return status;
    });
  }

  // ---------------------------------------------------------------- internals

  /** Points the object's one alarm at nextWakeAt(); inside a transaction, the change commits with it. */
  private rearm(): Promise<void> {
    return this.host.rearm();
  }

  /** Whether the memoized configuration says the merchant gets no reminders; unknown here: false. */
  private knownUndeliverable(merchantId: string): boolean {
    const merchant = peekMerchant(merchantId);
    return merchant !== undefined && !deliverable(notificationsOf(merchant));
  }

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
    const first = this.host.invoice();
    if (!first) {
      await this.rearm();
      return;
    }
    const scheduled = isOwing(first) && isDay(first.facts.dueDate);
    if (!scheduled && !this.store.hasHandOverDue(Date.now())) {
      this.ctx.storage.transactionSync(() => this.store.setSettleAt(null));
      await this.rearm();
      return;
    }
    // KV and the queue are the only I/O, and both happen outside any transaction.
    const notifications = notificationsOf(await getMerchant(this.env.MERCHANTS, first.merchantId));
    this.ctx.storage.transactionSync(() => {
      const now = Date.now();
      const s = this.host.invoice();
      if (!s || !notifications || !isOwing(s) || !isDay(s.facts.dueDate)) {
        this.store.setSettleAt(null);
        return;
      }
      const plan = planCadence(
        cadencePoints(s.facts.dueDate, notifications.cadence_days),
        this.store.recordedKeys(),
        now,
        { catchUp: notifications.catch_up, quietUntil: this.state.quietUntil() },
      );
      // In day order, so the list reads as the schedule did.
      const due = [...plan.send, ...plan.missed, ...plan.quiet].sort((a, b) => a.fireAt - b.fireAt);
      for (const p of due) {
        if (plan.send.includes(p)) this.store.insert(p.reason, p.day, now, now + SETTLE_GRACE_MS);
        else if (plan.quiet.includes(p)) this.store.insert(p.reason, p.day, now, null, PAUSED);
        else
          this.store.insert(p.reason, p.day, now, null, `missed: ${p.day} had passed when it was scheduled`);
      }
      this.store.setSettleAt(plan.nextAt);
    });
    await this.handOver(first, notifications);
    await this.rearm();
  }

  /** Sends every pending reminder, and every sent one left unclaimed past its lease, to the queue. */
  private async handOver(first: InvoiceSnapshot, notifications: ReturnType<typeof notificationsOf>) {
    const due = this.store.toHandOver(Date.now(), SEND_BATCH_MAX);
    if (due.length === 0) return;
    const ids = due.map((r) => r.id);
    if (!deliverable(notifications)) {
      this.ctx.storage.transactionSync(() => {
        for (const id of ids) this.store.skip(id, NOT_CONFIGURED, Date.now());
      });
      return;
    }
    try {
      await this.env.REMINDERS.sendBatch(
        due.map((r) => ({
          body: {
            v: 1,
            reminderId: r.id,
            merchantId: first.merchantId,
            invoiceId: first.invoiceId,
          } satisfies ReminderMessage,
          contentType: "json" as const,
        })),
      );
    } catch (err) {
      this.ctx.storage.transactionSync(() => this.store.handOverLater(ids, Date.now() + HANDOVER_RETRY_MS));
      logReminder(this.env, "warn", "reminder hand-over failed; the alarm retries", {
        invoice: first.invoiceId,
        error: String(err),
      });
      return;
    }
    this.ctx.storage.transactionSync(() => {
      const now = Date.now();
      this.store.markHandedOver(ids, now, now + this.leaseMs);
    });
    const again = due.filter((r) => r.status === "sent").map((r) => r.id);
    if (again.length > 0) {
      logReminder(
        this.env,
        "warn",
        "reminders handed over again: no consumer claimed them within the lease",
        {
          invoice: first.invoiceId,
          reminders: again,
        },
      );
    }
    if (this.store.hasHandOverDue(Date.now())) this.settleAgain = true;
  }
}
