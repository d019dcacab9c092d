// Hostile input against the Refrens and Chargebee payment dialects: every refusal is a 4xx in that
// dialect's own error shape and changes nothing.
import { describe } from "vitest";
import { authCases, jsonBodyCases } from "./bodies";
import { bearer, type Case, chunked, newIds, runCases, useWorld, utf8, type World } from "./world";

const ids = newIds();
const world = useWorld(ids);

const refrensPath = `/businesses/${ids.merchantId}/invoices/${ids.invoiceId}/payments`;
const refrens = {
  label: "Refrens payment",
  method: "POST",
  path: refrensPath,
  base: { amount: 1 },
  auth: bearer,
  shape: "refrens" as const,
  body: "required" as const,
  schemaStatus: 400,
  limit: 64 * 1024,
};

const NUL = "\u0000";
const RLO = "\u202e";
const refrensFields: Case[] = (
  [
    ["amount -0", '{"amount":-0}', 400],
    ["amount as a string", '{"amount":"1"}', 400],
    ["amount negative", '{"amount":-1}', 400],
    ["amount 1e400", '{"amount":1e400}', 400],
    ["amount with too many decimals", '{"amount":1.005}', 422],
    ["amount over the due", '{"amount":100000}', 422],
    ["tds -0", '{"amount":1,"tds":-0}', 400],
    ["refId with NUL", `{"amount":1,"refId":${JSON.stringify(`r${NUL}1`)}}`, 400],
    ["refId with RTL override", `{"amount":1,"refId":${JSON.stringify(`r${RLO}1`)}}`, 400],
    ["refId over 128 characters", `{"amount":1,"refId":"${"r".repeat(129)}"}`, 400],
    ["refId empty", '{"amount":1,"refId":""}', 400],
    ["notes with NUL", `{"amount":1,"notes":${JSON.stringify(`n${NUL}`)}}`, 400],
    ["notes over 2000 characters", `{"amount":1,"notes":"${"n".repeat(2001)}"}`, 400],
    ["paymentMethod unknown", '{"amount":1,"paymentMethod":"BITCOIN"}', 400],
    ["paymentDate not a date", '{"amount":1,"paymentDate":"yesterday"}', 400],
    ["paymentDate month 13", '{"amount":1,"paymentDate":"2030-13-01"}', 400],
    ["duplicate amount", '{"amount":1,"amount":99999}', 400],
  ] as const
).map(([name, raw, status]) => ({
  name: `Refrens payment: ${name}`,
  method: "POST",
  path: refrensPath,
  raw,
  headers: { "content-type": "application/json" },
  auth: bearer,
  status,
  shape: "refrens",
}));

const refrensAuth: Case[] = [
  ...authCases(refrens),
  {
    name: "Refrens payment: another business's urlKey",
    method: "POST",
    path: `/businesses/${ids.otherMerchantId}/invoices/${ids.invoiceId}/payments`,
    raw: '{"amount":1}',
    headers: { "content-type": "application/json" },
    auth: bearer,
    status: 401,
    shape: "refrens",
  },
];

const cbPath = `/api/v2/invoices/${ids.invoiceId}/record_payment`;
const FORM = { "content-type": "application/x-www-form-urlencoded" };
const basicKey = (w: World) => `Basic ${btoa(`${w.key}:`)}`;
const good = "transaction[payment_method]=cash&transaction[amount]=100";
const cb = (
  name: string,
  raw: Case["raw"],
  status: number,
  headers: Record<string, string> = FORM,
): Case => ({
  name: `Chargebee record_payment: ${name}`,
  method: "POST",
  path: cbPath,
  raw,
  headers,
  auth: basicKey,
  status,
  shape: "chargebee",
});
const enc = encodeURIComponent;
const chargebeeCases: Case[] = [
  cb("repeated amount", `${good}&transaction[amount]=99999`, 400),
  cb("unknown parameter", `${good}&transaction[gateway]=x`, 400),
  cb("__proto__ parameter", `${good}&__proto__=x`, 400),
  cb("amount 1e3", "transaction[payment_method]=cash&transaction[amount]=1e3", 400),
  cb("amount negative", "transaction[payment_method]=cash&transaction[amount]=-1", 400),
  cb("amount -0", "transaction[payment_method]=cash&transaction[amount]=-0", 400),
  cb("amount decimal", "transaction[payment_method]=cash&transaction[amount]=12.5", 400),
  cb("amount with a space", "transaction[payment_method]=cash&transaction[amount]=%205", 400),
  cb("amount over 2^53", "transaction[payment_method]=cash&transaction[amount]=9007199254740993", 400),
  cb("amount over the due", "transaction[payment_method]=cash&transaction[amount]=10000000", 400),
  cb("no payment_method", "transaction[amount]=100", 400),
  cb("unknown payment_method", "transaction[payment_method]=gold&transaction[amount]=100", 400),
  cb("status failed", `${good}&transaction[status]=failure`, 400),
  cb("date not a number", `${good}&transaction[date]=yesterday`, 400),
  cb("date beyond year 9999", `${good}&transaction[date]=253402300800`, 400),
  cb("reference_number with NUL", `${good}&transaction[reference_number]=CHK%001`, 400),
  cb("reference_number with RTL override", `${good}&transaction[reference_number]=CHK${enc(RLO)}1`, 400),
  cb("reference_number over 100 characters", `${good}&transaction[reference_number]=${"r".repeat(101)}`, 400),
  cb("id_at_gateway with a control character", `${good}&transaction[id_at_gateway]=g%1b1`, 400),
  cb(
    "custom_payment_method_id over 50 characters",
    `${good}&transaction[custom_payment_method_id]=${"c".repeat(51)}`,
    400,
  ),
  cb("comment with NUL", `${good}&comment=hi%00`, 400),
  cb("comment over 300 characters", `${good}&comment=${"c".repeat(301)}`, 400),
  cb("percent-encoded invalid UTF-8", `${good}&comment=caf%E9`, 400),
  cb("broken percent-encoding", `${good}&comment=%zz`, 400),
  cb(
    "raw invalid UTF-8",
    Uint8Array.from([...utf8(`${good}&comment=caf`), 0xe9]) as Uint8Array<ArrayBuffer>,
    400,
  ),
  cb("JSON instead of a form", '{"transaction":{"amount":100}}', 415, { "content-type": "application/json" }),
  cb("idempotency key with a space", good, 400, { ...FORM, "chargebee-idempotency-key": "a b" }),
  cb("body over 64 KiB", `${good}&comment=${"c".repeat(64 * 1024)}`, 413),
  cb("chunked body over 64 KiB", chunked(65 * 1024), 413),
  { ...cb("no credentials", good, 401), auth: undefined },
  { ...cb("wrong key", good, 401), auth: () => `Basic ${btoa("ilk_wrong:")}` },
  { ...cb("bearer instead of basic", good, 401), auth: bearer },
  {
    ...cb("invoice id with RTL override", good, 404),
    path: `/api/v2/invoices/inv${enc(RLO)}/record_payment`,
  },
];

const v1Path = `/api/v1/invoices/${ids.invoiceId}/record_payment`;
const v1Good = "payment_method=cash&amount=100&paid_at=1717000000";
const v1 = (
  name: string,
  raw: Case["raw"],
  status: number,
  headers: Record<string, string> = FORM,
): Case => ({
  ...cb(name, raw, status, headers),
  name: `Chargebee v1 record_payment: ${name}`,
  path: v1Path,
});
const chargebeeV1Cases: Case[] = [
  v1("repeated amount", `${v1Good}&amount=99999`, 400),
  v1("a v2 parameter", `${v1Good}&transaction[amount]=1`, 400),
  v1("__proto__ parameter", `${v1Good}&__proto__=x`, 400),
  v1("amount 0", "payment_method=cash&amount=0&paid_at=1", 400),
  v1("amount decimal", "payment_method=cash&amount=1.5&paid_at=1", 400),
  v1("amount over the due", "payment_method=cash&amount=10000000&paid_at=1", 400),
  v1("no payment_method", "amount=100&paid_at=1", 400),
  v1("no paid_at", "payment_method=cash&amount=100", 400),
  v1("paid_at beyond year 9999", "payment_method=cash&paid_at=253402300800", 400),
  v1("reference_number over 100 characters", `${v1Good}&reference_number=${"r".repeat(101)}`, 400),
  v1("reference_number with RTL override", `${v1Good}&reference_number=CHK${enc(RLO)}1`, 400),
  v1("memo over 300 characters", `${v1Good}&memo=${"m".repeat(301)}`, 400),
  v1("memo with NUL", `${v1Good}&memo=hi%00`, 400),
  v1("JSON instead of a form", '{"amount":100}', 415, { "content-type": "application/json" }),
  v1("body over 64 KiB", `${v1Good}&memo=${"c".repeat(64 * 1024)}`, 413),
  v1("chargebee-event-email not all-disabled", v1Good, 400, { ...FORM, "chargebee-event-email": "off" }),
  v1("chargebee-event-webhook empty", v1Good, 400, { ...FORM, "chargebee-event-webhook": "" }),
  v1("chargebee-event-actions upper case", v1Good, 400, {
    ...FORM,
    "chargebee-event-actions": "ALL-DISABLED",
  }),
  v1("origin ip over 255 characters", v1Good, 400, {
    ...FORM,
    "chargebee-request-origin-ip": "1".repeat(256),
  }),
  v1("origin user-encoded not base64", v1Good, 400, {
    ...FORM,
    "chargebee-request-origin-user-encoded": "%%%",
  }),
  { ...v1("no credentials", v1Good, 401), auth: undefined },
  { ...v1("bearer instead of basic", v1Good, 401), auth: bearer },
];

describe("hostile input: dialects", () => {
  runCases(
    [...jsonBodyCases(refrens), ...refrensFields, ...refrensAuth, ...chargebeeCases, ...chargebeeV1Cases],
    world,
  );
});
