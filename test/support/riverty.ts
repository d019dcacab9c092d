import fullText from "../fixtures/riverty/payment-received-full.json?raw";
import partialText from "../fixtures/riverty/payment-received-partial.json?raw";
import { call, createMerchant, ledgerView } from "../helpers";

export const PROD_IP = "20.103.56.175";
export const UAT_IP = "20.76.134.255";
export const full = JSON.parse(fullText) as { type: string; parameters: Record<string, unknown> };
export const partial = JSON.parse(partialText) as typeof full;
export const FULL_KEY = `${full.parameters.paymentDocument}:${full.parameters.transactionId}:${full.parameters.invoiceReference}`;

export const newToken = () => `tok_${crypto.randomUUID().replaceAll("-", "")}`;

export async function merchant(config: Record<string, unknown> = {}) {
  const token = newToken();
  const m = await createMerchant({ providers: { riverty: { tokens: [token], ...config } } });
  return { ...m, token };
}

export const deliver = (merchantId: string, token: string, body: string, ip: string | null = PROD_IP) =>
  call("POST", `/webhooks/riverty/${merchantId}/${token}`, {
    raw: body,
    headers: { "content-type": "application/json", ...(ip ? { "cf-connecting-ip": ip } : {}) },
  });

/** A notification built from a sample with parameter overrides. */
export const notification = (base: typeof full, parameters: Record<string, unknown> = {}) =>
  JSON.stringify({ ...base, parameters: { ...base.parameters, ...parameters } });

export { ledgerView as ledger };
