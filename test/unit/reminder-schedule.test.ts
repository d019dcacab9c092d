import { describe, expect, it } from "vitest";
import type { InvoiceState } from "../../src/ledger/types";
import { buildReminderPayload, isOwing } from "../../src/reminders/payload";
import {
  attemptLimit,
  backoffSeconds,
  classifyStatus,
  MAX_DELAY_SECONDS,
  parseRetryAfter,
  QUEUE_MAX_RETRIES,
} from "../../src/reminders/policy";
import {
  addDays,
  cadencePoints,
  isDay,
  msToDay,
  planCadence,
  pointKey,
  reasonForOffset,
  SEND_HOUR_UTC,
} from "../../src/reminders/schedule";

const at = (day: string, hour = 0) => Date.parse(`${day}T${String(hour).padStart(2, "0")}:00:00Z`);
const keys = (...k: string[]) => new Set(k);
const brief = (ps: Array<{ reason: string; day: string }>) => ps.map((p) => `${p.reason}@${p.day}`);

describe("cadence points", () => {
  it("places each offset relative to the due date at the send hour, earliest first, once", () => {
    const ps = cadencePoints("2026-03-31", [7, -3, 0, 0]);
    expect(ps.map((p) => [p.reason, p.offset, p.day])).toEqual([
      ["due_soon", -3, "2026-03-28"],
      ["due_today", 0, "2026-03-31"],
      ["overdue", 7, "2026-04-07"],
    ]);
    expect(ps[0]!.fireAt).toBe(at("2026-03-28", SEND_HOUR_UTC));
  });

  it("crosses months, years and leap days in UTC", () => {
    expect(addDays("2028-02-27", 2)).toBe("2028-02-29");
    expect(addDays("2026-12-30", 3)).toBe("2027-01-02");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(msToDay(at("2026-07-04", 23))).toBe("2026-07-04");
  });

  it("names the reason from the offset", () => {
    expect([-90, -1, 0, 1, 365].map(reasonForOffset)).toEqual([
      "due_soon",
      "due_soon",
      "due_today",
      "overdue",
      "overdue",
    ]);
  });

  it("accepts only real calendar days", () => {
    expect(isDay("2026-02-28")).toBe(true);
    expect(isDay("2026-02-30")).toBe(false);
    expect(isDay("2026-2-3")).toBe(false);
    expect(isDay(null)).toBe(false);
  });
});

describe("planCadence", () => {
  const points = cadencePoints("2026-03-31", [-3, 0, 7]);

  it("before the first point: nothing to send, wake at the first point", () => {
    const plan = planCadence(points, keys(), at("2026-03-20", 12));
    expect(plan).toEqual({ send: [], missed: [], quiet: [], nextAt: at("2026-03-28", SEND_HOUR_UTC) });
  });

  it("on a point's day after the send hour: send it, wake at the next", () => {
    const plan = planCadence(points, keys(), at("2026-03-28", 15));
    expect(brief(plan.send)).toEqual(["due_soon@2026-03-28"]);
    expect(plan.missed).toEqual([]);
    expect(plan.nextAt).toBe(at("2026-03-31", SEND_HOUR_UTC));
  });

  it("on a point's day before the send hour: wait for the hour", () => {
    const plan = planCadence(points, keys(), at("2026-03-28", SEND_HOUR_UTC - 1));
    expect(plan.send).toEqual([]);
    expect(plan.nextAt).toBe(at("2026-03-28", SEND_HOUR_UTC));
  });

  it("never plans a recorded point again, whatever its status was", () => {
    const plan = planCadence(points, keys(pointKey(points[0]!)), at("2026-03-28", 15));
    expect(plan.send).toEqual([]);
    expect(plan.nextAt).toBe(at("2026-03-31", SEND_HOUR_UTC));
  });

  it("a late invoice skips past due_soon/due_today points instead of sending them late", () => {
    const plan = planCadence(points, keys(), at("2026-04-02", 12));
    expect(plan.send).toEqual([]);
    expect(brief(plan.missed)).toEqual(["due_soon@2026-03-28", "due_today@2026-03-31"]);
    expect(plan.nextAt).toBe(at("2026-04-07", SEND_HOUR_UTC));
  });

  it("long after the due date, catch-up latest: one overdue reminder, the rest missed, no wake-up", () => {
    const plan = planCadence(points, keys(), at("2026-06-01", 12), { catchUp: "latest" });
    expect(brief(plan.send)).toEqual(["overdue@2026-04-07"]);
    expect(brief(plan.missed)).toEqual(["due_soon@2026-03-28", "due_today@2026-03-31"]);
    expect(plan.nextAt).toBeNull();
  });

  it("only the latest overdue point catches up when several have passed", () => {
    const many = cadencePoints("2026-03-31", [1, 7, 14]);
    const plan = planCadence(many, keys(), at("2026-05-01", 12), { catchUp: "latest" });
    expect(brief(plan.send)).toEqual(["overdue@2026-04-14"]);
    expect(brief(plan.missed)).toEqual(["overdue@2026-04-01", "overdue@2026-04-07"]);
  });

  it("long after the due date, catch-up none (the default): every passed point missed, nothing sent", () => {
    const plan = planCadence(points, keys(), at("2026-06-01", 12));
    expect(plan.send).toEqual([]);
    expect(brief(plan.missed)).toEqual(["due_soon@2026-03-28", "due_today@2026-03-31", "overdue@2026-04-07"]);
  });

  it("points due while paused, or before a resume, are quiet, and the catch-up never reaches back past them", () => {
    const paused = planCadence(points, keys(), at("2026-03-28", 15), {
      quietUntil: Number.POSITIVE_INFINITY,
    });
    expect(paused.send).toEqual([]);
    expect(brief(paused.quiet)).toEqual(["due_soon@2026-03-28"]);
    const resumed = planCadence(points, keys(), at("2026-04-09", 12), {
      catchUp: "latest",
      quietUntil: at("2026-04-08", 12),
    });
    expect(resumed.send).toEqual([]);
    expect(brief(resumed.quiet)).toEqual([
      "due_soon@2026-03-28",
      "due_today@2026-03-31",
      "overdue@2026-04-07",
    ]);
    expect(resumed.missed).toEqual([]);
  });

  it("an empty cadence plans nothing", () => {
    expect(planCadence(cadencePoints("2026-03-31", []), keys(), at("2026-04-01"))).toEqual({
      send: [],
      missed: [],
      quiet: [],
      nextAt: null,
    });
  });
});

describe("delivery policy", () => {
  it("retries 408, 429 and 5xx; delivers 2xx; fails everything else at once", () => {
    expect([200, 202, 204, 299].map(classifyStatus)).toEqual(Array(4).fill("delivered"));
    expect([408, 429, 500, 502, 503, 504].map(classifyStatus)).toEqual(Array(6).fill("retry"));
    expect([301, 302, 400, 401, 403, 404, 410, 422].map(classifyStatus)).toEqual(Array(8).fill("failed"));
  });

  it("backs off exponentially, honours Retry-After, and stays under the queue's delay limit", () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffSeconds(n, 60))).toEqual([60, 120, 240, 480, 960]);
    expect(backoffSeconds(1, 60, 300)).toBe(300);
    expect(backoffSeconds(3, 60, 5)).toBe(240);
    expect(backoffSeconds(30, 60)).toBe(MAX_DELAY_SECONDS);
    expect(backoffSeconds(1, 60, 10 ** 9)).toBe(MAX_DELAY_SECONDS);
    expect(MAX_DELAY_SECONDS).toBeLessThanOrEqual(12 * 3600);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:01:30 GMT", now)).toBe(90);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it("keeps the merchant's attempt limit within what the queue will redeliver", () => {
    expect(attemptLimit(6)).toBe(6);
    expect(attemptLimit(20)).toBe(20);
    expect(attemptLimit(20)).toBeLessThanOrEqual(QUEUE_MAX_RETRIES + 1);
    expect(attemptLimit(0)).toBe(1);
  });
});

describe("reminder payload", () => {
  const state = (over: Partial<InvoiceState["balance"]> = {}): InvoiceState => ({
    merchantId: "acme",
    invoiceId: "inv-1",
    facts: {
      currency: "KWD",
      total: 12345,
      dueDate: "2026-03-31",
      number: "A-1",
      customer: { name: "N", email: "n@example.com", phone: null },
    },
    voidedAt: null,
    reminders: "active",
    createdAt: "2026-03-01T00:00:00.000Z",
    updatedAt: "2026-03-01T00:00:00.000Z",
    totals: {
      paid: 2000,
      tds: 0,
      reversed: 0,
      tdsReversed: 0,
      writtenOff: 0,
      adjusted: 0,
      fees: 0,
      paymentsCount: 1,
      linesCount: 1,
    },
    balance: {
      credited: 2000,
      amountDue: 10345,
      creditBalance: 0,
      writtenOff: 0,
      status: "partially_paid",
      ...over,
    },
    reports: [],
    anomaliesCount: 0,
  });

  it("carries the amounts in minor units and formatted with the currency's exponent", () => {
    const p = buildReminderPayload(
      { id: "rem_1", reason: "due_soon", day: "2026-03-28", resend_of: null },
      state(),
      0,
    );
    expect(p.data.invoice).toMatchObject({
      currency: "KWD",
      total: 12345,
      amount_paid: 2000,
      amount_paid_formatted: "KWD 2.000",
      amount_due: 10345,
      amount_due_formatted: "KWD 10.345",
      due_date: "2026-03-31",
    });
    expect(p).toMatchObject({ type: "invoice.reminder", timestamp: "1970-01-01T00:00:00.000Z" });
  });

  it("asks only while something is owed", () => {
    expect(isOwing(state())).toBe(true);
    expect(isOwing(state({ status: "open" }))).toBe(true);
    expect(isOwing(state({ status: "paid", amountDue: 0 }))).toBe(false);
    expect(isOwing(state({ status: "overpaid", amountDue: 0 }))).toBe(false);
    expect(isOwing(state({ status: "void" }))).toBe(false);
    expect(isOwing(state({ status: "partially_paid", amountDue: null }))).toBe(false);
  });
});
