// Shared by the merchant-event tests: merchants whose event endpoints are scripted receivers
// (test/support/reminder-receiver.ts, verifying with the `standardwebhooks` package), and ways to read
// and wait for what each endpoint was sent and what the API says about it.
import { expect } from "vitest";
import { ADMIN, call, createMerchant } from "../helpers";
import type { Step } from "./reminder-receiver";
import { type Receiver, receiver, until } from "./reminders";

export const ALL_EVENTS = [
  "invoice.created",
  "invoice.payment_recorded",
  "invoice.payment_reversed",
  "invoice.partially_paid",
  "invoice.paid",
  "invoice.overpaid",
  "invoice.voided",
  "invoice.anomaly_recorded",
  "invoice.reminder_failed",
];

export interface EndpointSpec {
  script: Step[];
  events?: string[];
  max_attempts?: number;
}

/** A merchant with one endpoint per spec, each its own receiver; `endpoints[i].id` is the server's id. */
export async function eventsMerchant(specs: EndpointSpec[]) {
  const rxs: Receiver[] = [];
  for (const s of specs) rxs.push(await receiver(s.script));
  const m = await createMerchant({
    webhooks: specs.map((s, i) => ({
      url: rxs[i]!.url,
      secret: rxs[i]!.secret,
      events: s.events ?? ALL_EVENTS,
      ...(s.max_attempts ? { max_attempts: s.max_attempts } : {}),
    })),
  });
  const got = await call("GET", `/admin/merchants/${m.id}`, { key: ADMIN });
  expect(got.status).toBe(200);
  const endpoints = got.body.webhooks as Array<{ id: string; url: string }>;
  return { m, rxs, endpoints };
}

export async function deliveries(key: string, endpointId: string, query = "") {
  const res = await call("GET", `/v1/webhook-endpoints/${endpointId}/deliveries?limit=200${query}`, { key });
  expect(res.status, res.text).toBe(200);
  return res.body.data as Array<Record<string, any>>;
}

/** Waits until the endpoint's deliveries satisfy `done`. */
export const deliveriesUntil = (
  key: string,
  endpointId: string,
  done: (d: Array<Record<string, any>>) => boolean,
  query = "",
) => until(() => deliveries(key, endpointId, query), done);

const FINAL = ["delivered", "failed", "skipped"];
export const allFinal = (n: number) => (d: Array<Record<string, any>>) =>
  d.length === n && d.every((x) => FINAL.includes(x.status));
