// The form-encoded body of `record_payment` in Chargebee's two API versions (seed 004 and research §1):
// v1 takes flat fields (`amount`, `payment_method`, `paid_at`, `reference_number`, `memo`), v2 nests them
// under `transaction[...]` and calls the note `comment`. Only the names and which fields exist differ; the
// same reader applies the same rules to both.
import { ChargebeeError, paramError } from "./chargebee-errors";
import { formParams, integer, text } from "./form";

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

/** One API version's parameter names; a field the version lacks is null. */
export interface FormVersion {
  readonly name: "v1" | "v2";
  readonly amount: string;
  /** v1: `amount` minimum 1 (chargebee_api_v1_spec.yaml); v2 leaves a zero to the ledger's own refusal. */
  readonly amountMin: number;
  readonly paymentMethod: string;
  readonly referenceNumber: string;
  readonly date: string;
  /** v1 requires `paid_at`; v2's `transaction[date]` is optional. */
  readonly dateRequired: boolean;
  readonly comment: string;
  readonly customPaymentMethodId: string | null;
  readonly idAtGateway: string | null;
  readonly status: string | null;
}

export const V1: FormVersion = {
  name: "v1",
  amount: "amount",
  amountMin: 1,
  paymentMethod: "payment_method",
  referenceNumber: "reference_number",
  date: "paid_at",
  dateRequired: true,
  comment: "memo",
  customPaymentMethodId: null,
  idAtGateway: null,
  status: null,
};

export const V2: FormVersion = {
  name: "v2",
  amount: "transaction[amount]",
  amountMin: 0,
  paymentMethod: "transaction[payment_method]",
  referenceNumber: "transaction[reference_number]",
  date: "transaction[date]",
  dateRequired: false,
  comment: "comment",
  customPaymentMethodId: "transaction[custom_payment_method_id]",
  idAtGateway: "transaction[id_at_gateway]",
  status: "transaction[status]",
};

const MAX_UNIX = 253402300799;

const fieldsOf = (v: FormVersion): string[] =>
  [
    v.amount,
    v.paymentMethod,
    v.referenceNumber,
    v.date,
    v.comment,
    v.customPaymentMethodId,
    v.idAtGateway,
    v.status,
  ].filter((f): f is string => f !== null);

const required = (name: string) => paramError(name, "param_required", `${name} cannot be blank`);

/** Parses and checks the form; unknown or repeated parameters are refused rather than guessed at. */
export function parseRecordPaymentForm(body: string, v: FormVersion): RecordPaymentInput {
  const params = formParams(body);
  const allowed = new Set(fieldsOf(v));
  for (const k of params.keys()) {
    if (!allowed.has(k)) {
      throw new ChargebeeError(400, "invalid_request", `${k} is not supported here`, "invalid_request", k);
    }
  }
  const status = v.status === null ? undefined : params.get(v.status);
  if (v.status !== null && status !== undefined && status !== "success") {
    throw paramError(
      v.status,
      "param_wrong_value",
      "Only successful payments can be recorded; failed attempts change no balance",
    );
  }
  const method = params.get(v.paymentMethod);
  if (!method) throw required(v.paymentMethod);
  if (!Object.hasOwn(CHARGEBEE_METHODS, method)) {
    throw paramError(v.paymentMethod, "param_wrong_value", `${v.paymentMethod} ${method} is not supported`);
  }
  const date = integer(params, v.date, 0, MAX_UNIX);
  if (date === null && v.dateRequired) throw required(v.date);
  const optional = (name: string | null, max: number) =>
    name === null ? null : text(params, name, max, "id");
  return {
    amount: integer(params, v.amount, v.amountMin, Number.MAX_SAFE_INTEGER),
    paymentMethod: method,
    referenceNumber: text(params, v.referenceNumber, 100, "id"),
    customPaymentMethodId: optional(v.customPaymentMethodId, 50),
    idAtGateway: optional(v.idAtGateway, 100),
    date,
    comment: text(params, v.comment, 300, "text"),
  };
}
