// The merchant-event vocabulary shared by the configuration, the per-merchant MerchantEvents object, its
// queue consumers and the API. An event is derived from one change of the change feed (src/portfolio/change.ts).
import type { AttemptOutcome } from "../outbound/attempt";
import type { ChangeKind } from "../portfolio/change";

export const EVENT_TYPES = [
  "invoice.created",
  "invoice.payment_recorded",
  "invoice.payment_reversed",
  "invoice.partially_paid",
  "invoice.paid",
  "invoice.overpaid",
  "invoice.voided",
  "invoice.anomaly_recorded",
  "invoice.reminder_failed",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The event each change kind announces; `updated` (facts or provider figures moved) announces none. */
export const EVENT_OF: Record<ChangeKind, EventType | null> = {
  created: "invoice.created",
  updated: null,
  payment_recorded: "invoice.payment_recorded",
  payment_reversed: "invoice.payment_reversed",
  partially_paid: "invoice.partially_paid",
  paid: "invoice.paid",
  overpaid: "invoice.overpaid",
  voided: "invoice.voided",
  anomaly_recorded: "invoice.anomaly_recorded",
  reminder_failed: "invoice.reminder_failed",
};

/**
 * pending: recorded, not yet handed to the queue; sent: handed over (an attempt may be under way or waiting
 * out its backoff); delivered: the endpoint answered 2xx; failed: a final answer (3xx, 4xx other than 408/429)
 * or dead-lettered after the endpoint's max_attempts; skipped: the endpoint was disabled or removed before
 * delivery.
 */
export const DELIVERY_STATUSES = ["pending", "sent", "delivered", "failed", "skipped"] as const;
export type EventDeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const OPEN_STATUSES: readonly EventDeliveryStatus[] = ["pending", "sent"];

/** One event for one endpoint: its id is the `webhook-id` of every attempt and of a resend. */
export interface EventDelivery {
  seq: number;
  id: string;
  endpointId: string;
  type: EventType;
  invoiceId: string;
  version: number;
  status: EventDeliveryStatus;
  attempts: number;
  lastError: string | null;
  lastStatus: number | null;
  nextAttemptAt: string | null;
  resends: number;
  createdAt: string;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
  deadLetteredAt: string | null;
  updatedAt: string;
}

/** What travels on the merchant-events queue: a pointer; the payload stays in the merchant's object. */
export interface EventMessage {
  v: 1;
  merchantId: string;
  deliveryId: string;
  /** Set on the dead-letter queue by our own consumer. */
  attempts?: number;
  lastError?: string | null;
}

export type EventClaim =
  | { kind: "deliver"; attempt: number; payload: string; endpointId: string }
  | { kind: "done"; status: EventDeliveryStatus }
  | { kind: "busy"; retryInSeconds: number }
  | { kind: "exhausted"; attempts: number; lastError: string | null }
  | { kind: "unknown" };

/** The shared outcome of an attempt, or skipped (the endpoint was disabled or removed). */
export type EventOutcome = AttemptOutcome | { kind: "skipped"; error: string };
