// The form-encoded body of `POST /api/v2/invoices/{id}/record_payment` (research §4.2, seed 004).
import { freeText, identifier } from "../../lib/zod-atoms";
import { ChargebeeError, paramError } from "./chargebee-errors";

/** Chargebee's offline payment methods (SDK enum plus the v1 names), in our vocabulary. */
export const CHARGEBEE_METHODS: Record<string, string> = {
  cash: "cash",
  check: "cheque",
  bank_transfer: "bank_transfer",
  card: "card",
  upi: "upi",
  other: "other",
  custom: "other",
  direct_debit: "other",
  app_store: "other",
  play_store: "other",
  paypal_express_checkout: "other",
  amazon_payments: "other",
  dana: "other",
  touch_n_go: "other",
  tamara: "other",
  qpay: "other",
};

export interface RecordPaymentInput {
  /** Chargebee cents; absent means the whole amount due. */
  amount: number | null;
  paymentMethod: string;
  referenceNumber: string | null;
  customPaymentMethodId: string | null;
  idAtGateway: string | null;
  /** Unix seconds. */
  date: number | null;
  comment: string | null;
}

const MAX_UNIX = 253402300799;

/** `id`: an id or reference (no control or bidirectional formatting characters); otherwise free text. */
function text(params: Map<string, string>, name: string, max: number, kind: "id" | "text"): string | null {
  const v = params.get(name);
  if (v === undefined || v === "") return null;
  if (v.length > max)
    throw paramError(name, "param_wrong_value", `${name} cannot be longer than ${max} characters`);
  const ok = (kind === "id" ? identifier(max) : freeText(max)).safeParse(v);
  if (!ok.success) throw paramError(name, "param_wrong_value", `${name} ${ok.error.issues[0]?.message}`);
  return v;
}

function integer(params: Map<string, string>, name: string, max: number): number | null {
  const v = params.get(name);
  if (v === undefined || v === "") return null;
  // Digits only: "12.50" or "1e3" would be a different amount from what the client meant.
  if (!/^\d{1,16}$/.test(v) || Number(v) > max) {
    throw paramError(name, "param_wrong_value", `${name} must be a whole number between 0 and ${max}`);
  }
  return Number(v);
}

/**
 * application/x-www-form-urlencoded pairs (https://url.spec.whatwg.org/#urlencoded-parsing), except that
 * a percent-encoding of invalid UTF-8 is refused: URLSearchParams would store U+FFFD in its place.
 */
function formPairs(body: string): Array<[string, string]> {
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, " "));
    } catch {
      throw new ChargebeeError(400, "invalid_request", "The form is not valid percent-encoded UTF-8");
    }
  };
  return body
    .split("&")
    .filter((pair) => pair !== "")
    .map((pair) => {
      const eq = pair.indexOf("=");
      return eq < 0 ? [decode(pair), ""] : [decode(pair.slice(0, eq)), decode(pair.slice(eq + 1))];
    });
}

/** Parses and checks the form; unknown or repeated parameters are refused rather than guessed at. */
export function parseRecordPaymentForm(body: string): RecordPaymentInput {
  const params = new Map<string, string>();
  for (const [k, v] of formPairs(body)) {
    if (params.has(k)) throw paramError(k, "param_wrong_value", `${k} is given more than once`);
    params.set(k, v);
  }
  for (const k of params.keys()) {
    if (!ALLOWED.has(k)) {
      throw new ChargebeeError(400, "invalid_request", `${k} is not supported here`, "invalid_request", k);
    }
  }
  const status = params.get("transaction[status]");
  if (status !== undefined && status !== "success") {
    throw paramError(
      "transaction[status]",
      "param_wrong_value",
      "Only successful payments can be recorded; failed attempts change no balance",
    );
  }
  const method = params.get("transaction[payment_method]");
  if (!method)
    throw paramError(
      "transaction[payment_method]",
      "param_required",
      "transaction[payment_method] cannot be blank",
    );
  if (!Object.hasOwn(CHARGEBEE_METHODS, method)) {
    throw paramError(
      "transaction[payment_method]",
      "param_wrong_value",
      `transaction[payment_method] ${method} is not supported`,
    );
  }
  return {
    amount: integer(params, "transaction[amount]", Number.MAX_SAFE_INTEGER),
    paymentMethod: method,
    referenceNumber: text(params, "transaction[reference_number]", 100, "id"),
    customPaymentMethodId: text(params, "transaction[custom_payment_method_id]", 50, "id"),
    idAtGateway: text(params, "transaction[id_at_gateway]", 100, "id"),
    date: integer(params, "transaction[date]", MAX_UNIX),
    comment: text(params, "comment", 300, "text"),
  };
}

const ALLOWED = new Set([
  "comment",
  "transaction[amount]",
  "transaction[payment_method]",
  "transaction[reference_number]",
  "transaction[custom_payment_method_id]",
  "transaction[id_at_gateway]",
  "transaction[status]",
  "transaction[date]",
]);
