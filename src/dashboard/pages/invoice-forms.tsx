// The invoice page's action forms. Every one posts to its own path with that path's CSRF token and (where a
// repeat must not act twice) an idempotency key generated with the form.

import type { PAYMENT_METHODS } from "../../api/payments/payments.routes";
import type { InvoiceState, ListedLine } from "../../ledger/types";
import type { Form } from "../forms/form-fields";
import { Csrf } from "../layout";

const METHOD_LABEL: Record<string, string> = {
  cash: "Cash",
  cheque: "Cheque",
  bank_transfer: "Bank transfer",
  upi: "UPI",
  card: "Card",
  demand_draft: "Demand draft",
  other: "Other",
};
/** The order the merchant sees: the common offline methods first. */
const METHOD_ORDER: ReadonlyArray<(typeof PAYMENT_METHODS)[number]> = [
  "cash",
  "cheque",
  "bank_transfer",
  "upi",
  "card",
  "other",
  "demand_draft",
];

const value = (form: Form | undefined, name: string) => {
  const v = form?.[name];
  return typeof v === "string" ? v : "";
};

export function PaymentForm(props: {
  s: InvoiceState;
  path: string;
  token: string;
  idemKey: string;
  form?: Form | undefined;
}) {
  const { s, path, token, idemKey, form } = props;
  const unit = s.facts.currency ? ` (${s.facts.currency})` : "";
  return (
    <form method="post" action={path} class="card" aria-labelledby="record-payment">
      <h3 id="record-payment">Record a payment</h3>
      <Csrf token={token} />
      <input type="hidden" name="idempotency_key" value={idemKey} />
      <div class="field">
        <label for="pay-amount">Amount</label>
        <input
          id="pay-amount"
          name="amount"
          inputmode="decimal"
          autocomplete="off"
          value={value(form, "amount")}
          aria-describedby="pay-amount-hint"
        />
        <p
          id="pay-amount-hint"
          class="muted"
        >{`In major units${unit}, e.g. 1500.50. Empty: the whole amount due.`}</p>
      </div>
      <div class="field">
        <label for="pay-tds">TDS withheld</label>
        <input id="pay-tds" name="tds" inputmode="decimal" autocomplete="off" value={value(form, "tds")} />
      </div>
      <div class="field">
        <label for="pay-method">Method</label>
        <select id="pay-method" name="method">
          {METHOD_ORDER.map((m) => (
            <option value={m} selected={(value(form, "method") || "cash") === m}>
              {METHOD_LABEL[m]}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="pay-reference">Reference</label>
        <input
          id="pay-reference"
          name="reference"
          maxlength={128}
          autocomplete="off"
          value={value(form, "reference")}
        />
      </div>
      <button type="submit">Record payment</button>
    </form>
  );
}

/** A one-button form: a hidden CSRF token and, when given, an idempotency key. */
export function ButtonForm(props: {
  path: string;
  token: string;
  label: string;
  idemKey?: string;
  danger?: boolean;
  children?: unknown;
}) {
  return (
    <form method="post" action={props.path} class="inline">
      <Csrf token={props.token} />
      {props.idemKey && <input type="hidden" name="idempotency_key" value={props.idemKey} />}
      {props.children as never}
      <button type="submit" class={props.danger ? "danger" : "secondary"}>
        {props.label}
      </button>
    </form>
  );
}

export function WriteOffForm(props: { path: string; token: string; idemKey: string }) {
  return (
    <form method="post" action={props.path} class="card" aria-labelledby="write-off">
      <h3 id="write-off">Write off</h3>
      <Csrf token={props.token} />
      <input type="hidden" name="idempotency_key" value={props.idemKey} />
      <div class="field">
        <label for="wo-reason">Reason for the write-off</label>
        <input id="wo-reason" name="reason" required maxlength={500} />
      </div>
      <button type="submit" class="danger">
        Write off the remainder
      </button>
    </form>
  );
}

/**
 * Payments that still have something to take back: the ledger reverses what is left of a payment and refuses
 * one with nothing left (409 already_reversed), so those get no button. `reversed` comes from the lines list
 * (the book's reversal allocations, whatever source reversed it).
 */
export const reversible = (l: ListedLine) => l.kind === "payment" && l.amount + l.tds - (l.reversed ?? 0) > 0;
