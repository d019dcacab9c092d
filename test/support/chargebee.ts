import sampleText from "../fixtures/chargebee/payment-succeeded-illustrative.json?raw";
import v1Text from "../fixtures/chargebee/transaction-v1-verbatim.json?raw";
import { call, createMerchant, ledgerView, uid } from "../helpers";

export type Json = Record<string, any>;
export const sample = (): Json => JSON.parse(sampleText);
export const v1Content = (): Json => JSON.parse(v1Text);

export const USER = "cb-webhooks";
export const PASS = "correct-horse-battery-staple";
export const basic = (user: string, pass: string) => `Basic ${btoa(`${user}:${pass}`)}`;

export async function merchant(
  pairs: Array<{ username: string; password: string }> = [{ username: USER, password: PASS }],
) {
  return createMerchant({ providers: { chargebee: { basic_auth: pairs } } });
}

export const deliver = (
  merchantId: string,
  body: Json | string,
  authorization: string | null = basic(USER, PASS),
) =>
  call("POST", `/webhooks/chargebee/${merchantId}`, {
    raw: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
  });

/** A v2 event around `content`, as Chargebee wraps every resource it reports. */
export const envelope = (eventType: string, content: Json, id = uid("ev")): Json => ({
  id,
  occurred_at: 1517506742,
  source: "api",
  object: "event",
  api_version: "v2",
  event_type: eventType,
  webhook_status: "scheduled",
  content,
});

export { ledgerView as ledger };

/** A refund of `paymentId` applied to inv_42 through a credit note, as payment_refunded carries it. */
export const refund = (paymentId: string, id: string, amount: number) =>
  envelope("payment_refunded", {
    transaction: {
      id,
      object: "transaction",
      type: "refund",
      payment_method: "bank_transfer",
      status: "success",
      date: 1517600000,
      currency_code: "USD",
      amount,
      refunded_txn_id: paymentId,
      linked_credit_notes: [
        {
          cn_id: `cn_${id}`,
          applied_amount: amount,
          cn_reference_invoice_id: "inv_42",
          cn_status: "refunded",
        },
      ],
    },
    credit_note: { id: `cn_${id}`, reference_invoice_id: "inv_42", type: "refundable" },
  });
