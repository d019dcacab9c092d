// The due-date cadence as pure date arithmetic, so it can be tested without a clock or a Durable Object.
import type { CadenceReason } from "./types";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Cadence points fire at this hour (UTC) of their day. Due dates carry no time zone, so one fixed hour
 * keeps "due today" on the right calendar day for most of the world.
 */
export const SEND_HOUR_UTC = 9;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDay(value: string | null | undefined): value is string {
  const m = value ? DAY.exec(value) : null;
  if (!m) return false;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return !Number.isNaN(ms) && msToDay(ms) === value;
}

export function dayToMs(day: string): number {
  const m = DAY.exec(day);
  if (!m) throw new Error(`Not a YYYY-MM-DD day: ${day}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

export const msToDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const addDays = (day: string, n: number): string => msToDay(dayToMs(day) + n * DAY_MS);

export function reasonForOffset(offset: number): CadenceReason {
  if (offset < 0) return "due_soon";
  return offset === 0 ? "due_today" : "overdue";
}

export interface CadencePoint {
  reason: CadenceReason;
  /** Days relative to the due date. */
  offset: number;
  day: string;
  fireAt: number;
}

export const pointKey = (p: { reason: string; day: string }) => `${p.reason}:${p.day}`;

/** The merchant's cadence applied to one due date, earliest first; repeated offsets count once. */
export function cadencePoints(
  dueDate: string,
  cadenceDays: readonly number[],
  sendHourUtc = SEND_HOUR_UTC,
): CadencePoint[] {
  return [...new Set(cadenceDays)]
    .sort((a, b) => a - b)
    .map((offset) => {
      const day = addDays(dueDate, offset);
      return { reason: reasonForOffset(offset), offset, day, fireAt: dayToMs(day) + sendHourUtc * HOUR_MS };
    });
}

export interface CadencePlan {
  /** Points to record as pending now. */
  send: CadencePoint[];
  /** Points that passed before anyone could send them: recorded as skipped, never sent. */
  missed: CadencePoint[];
  /** Points that fell due while reminders were paused: recorded as skipped, never sent. */
  quiet: CadencePoint[];
  /** When the next unrecorded point falls due, for the object's alarm. */
  nextAt: number | null;
}

/** `notifications.catch_up`: what an invoice whose overdue points have already passed is sent. */
export type CatchUp = "none" | "latest";

export interface PlanOptions {
  catchUp?: CatchUp;
  /** Points due at or before this time fall in a pause (Infinity while paused): never sent. */
  quietUntil?: number | null;
}

/**
 * Which cadence points to act on at \`now\`, given the (reason, day) keys already recorded.
 *
 * A point is sent on its own day (UTC). A point whose day has already gone by, because the invoice was
 * created or its due date set late, or an alarm ran very late, is not sent, so a late invoice does not
 * get every past reminder at once and never hears "due today" on the wrong day. With catch-up \`latest\`,
 * if the latest point that has fallen due is an overdue one, it is still sent (it is still true), so an
 * invoice imported long after its due date gets exactly one catch-up reminder; with \`none\` (the
 * default) it hears nothing until the next point. A point that fell due during a pause is never sent,
 * so resuming does not deliver what the pause held back.
 */
export function planCadence(
  points: readonly CadencePoint[],
  recorded: ReadonlySet<string>,
  now: number,
  { catchUp = "none", quietUntil = null }: PlanOptions = {},
): CadencePlan {
  const today = msToDay(now);
  const open = points.filter((p) => !recorded.has(pointKey(p)));
  const due = open.filter((p) => p.fireAt <= now);
  const quiet = due.filter((p) => quietUntil !== null && p.fireAt <= quietUntil);
  const live = due.filter((p) => !quiet.includes(p));
  const latest = live.at(-1);
  const send: CadencePoint[] = [];
  const missed: CadencePoint[] = [];
  for (const p of live) {
    if (p.day >= today || (catchUp === "latest" && p === latest && p.reason === "overdue")) send.push(p);
    else missed.push(p);
  }
  const next = open.find((p) => p.fireAt > now);
  return { send, missed, quiet, nextAt: next?.fireAt ?? null };
}
