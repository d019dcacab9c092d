// Chargebee's optional request headers on record_payment (seed 004; chargebee_api_v1_spec.yaml, the same in
// v2): three switches that skip side effects, each taking only `all-disabled`, and four that say where the
// request came from. https://apidocs.chargebee.com/docs/api/invoices#record_an_invoice_payment

import type { LineOrigin } from "../../ledger/types";
import { identifier, safeText } from "../../lib/zod-atoms";
import { paramError } from "./chargebee-errors";

export interface Notices {
  /** chargebee-event-email or -actions: the customer hears nothing about this payment from us. */
  remindCustomer: boolean;
  /** chargebee-event-webhook or -actions: the merchant's change feed is not to announce it. */
  notifyMerchant: boolean;
}

type Header = (name: string) => string | undefined;

const SKIP_VALUE = "all-disabled";

/** true when the header asks to skip; absent is false; any other value is refused as Chargebee does. */
function skips(header: Header, name: string): boolean {
  const v = header(name);
  if (v === undefined) return false;
  if (v !== SKIP_VALUE) {
    throw paramError(
      name,
      "param_wrong_value",
      `${name} : invalid value ${JSON.stringify(v)}; the only allowed value is ${SKIP_VALUE}`,
    );
  }
  return true;
}

export function readNotices(header: Header): Notices {
  const actions = skips(header, "chargebee-event-actions");
  const email = skips(header, "chargebee-event-email");
  const webhook = skips(header, "chargebee-event-webhook");
  return { remindCustomer: !(actions || email), notifyMerchant: !(actions || webhook) };
}

const ORIGIN_MAX = 255;

function originValue(header: Header, name: string, kind: "id" | "text"): string | undefined {
  const v = header(name);
  if (v === undefined || v === "") return undefined;
  const ok = (kind === "id" ? identifier(ORIGIN_MAX) : safeText(ORIGIN_MAX)).safeParse(v);
  if (!ok.success) throw paramError(name, "param_wrong_value", `${name} ${ok.error.issues[0]?.message}`);
  return v;
}

/** UTF-8 bytes in base64, as chargebee-request-origin-user-encoded carries an address with non-ASCII letters. */
function decodeUser(header: Header): string | undefined {
  const name = "chargebee-request-origin-user-encoded";
  const v = header(name);
  if (v === undefined || v === "") return undefined;
  let decoded: string;
  try {
    const bytes = Uint8Array.from(atob(v), (ch) => ch.charCodeAt(0));
    decoded = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw paramError(name, "param_wrong_value", `${name} must be the base64 of a UTF-8 email address`);
  }
  const ok = identifier(ORIGIN_MAX).safeParse(decoded);
  if (!ok.success) throw paramError(name, "param_wrong_value", `${name} ${ok.error.issues[0]?.message}`);
  return decoded;
}

/**
 * The chargebee-request-origin-* headers, kept on the payment line as the client declared them (never
 * checked against anything). The encoded user, when sent, wins over the plain one, as the spec says.
 */
export function readOrigin(header: Header): LineOrigin | null {
  const user = decodeUser(header) ?? originValue(header, "chargebee-request-origin-user", "id");
  const device = originValue(header, "chargebee-request-origin-device", "text");
  const ip = originValue(header, "chargebee-request-origin-ip", "id");
  const origin: LineOrigin = {
    ...(user !== undefined ? { user } : {}),
    ...(device !== undefined ? { device } : {}),
    ...(ip !== undefined ? { ip } : {}),
  };
  return Object.keys(origin).length > 0 ? origin : null;
}
