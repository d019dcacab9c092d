// The reminders' per-invoice switches, in the one reminder_state row of the invoice's object: the pause a
// merchant sets, the end of the last pause, and a payment still owed its partial_payment reminder.

interface StateRow extends Record<string, SqlStorageValue> {
  paused_at: string | null;
  quiet_until: number | null;
  payment_unreminded: number;
  settle_at: number | null;
}

/** The switches a ledger change consults, read in one statement. */
export interface StateSnapshot {
  paused: boolean;
  paymentUnreminded: boolean;
  /** When the alarm next plans the cadence; null: no planning scheduled. */
  settleAt: number | null;
}

export class ReminderState {
  constructor(private readonly sql: SqlStorage) {}

  private row(): StateRow | undefined {
    return this.sql
      .exec<StateRow>("SELECT paused_at, quiet_until, payment_unreminded, settle_at FROM reminder_state")
      .toArray()[0];
  }

  snapshot(): StateSnapshot {
    const r = this.row();
    return {
      paused: (r?.paused_at ?? null) !== null,
      paymentUnreminded: (r?.payment_unreminded ?? 0) === 1,
      settleAt: r?.settle_at ?? null,
    };
  }

  /** When reminders were paused for this invoice; null: they are active. */
  pausedAt(): string | null {
    return this.row()?.paused_at ?? null;
  }

  /** Cadence points due by then are never sent: Infinity while paused, else the end of the last pause. */
  quietUntil(): number | null {
    const r = this.row();
    if (!r) return null;
    return r.paused_at !== null ? Number.POSITIVE_INFINITY : r.quiet_until;
  }

  pause(now: number): void {
    this.sql.exec("UPDATE reminder_state SET paused_at = ?", new Date(now).toISOString());
  }

  resume(now: number): void {
    this.sql.exec("UPDATE reminder_state SET paused_at = NULL, quiet_until = ?", now);
  }

  /** A payment arrived before the invoice's total: its partial_payment reminder waits for the total. */
  paymentUnreminded(): boolean {
    return (this.row()?.payment_unreminded ?? 0) === 1;
  }

  setPaymentUnreminded(value: boolean): void {
    this.sql.exec("UPDATE reminder_state SET payment_unreminded = ?", value ? 1 : 0);
  }
}
