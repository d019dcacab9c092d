// Hostile input inside correctly signed (or correctly authenticated) webhook deliveries, for every
// provider: each must reach the strict parser and be refused with 400 (413 when too large, 401 without
// valid credentials), recording no line, event or anomaly.
import { describe } from "vitest";
import chargebeeSampleText from "../../fixtures/chargebee/payment-succeeded-illustrative.json?raw";
import highlevelSampleText from "../../fixtures/highlevel/invoice-partially-paid.json?raw";
import partiallyPaid from "../../fixtures/razorpay/invoice.partially_paid.json";
import rivertySampleText from "../../fixtures/riverty/payment-received-partial.json?raw";
import {
  bytes,
  type Case,
  chargebeeBasic,
  chunked,
  newIds,
  razorpayHeaders,
  runCases,
  standardHeaders,
  useWorld,
} from "./world";

const ids = newIds();
const world = useWorld(ids);

type Json = Record<string, any>;
const A = ids.invoiceId;
const now = () => Math.floor(Date.now() / 1000);

/** A JSON value written verbatim (e.g. -0, 1e400), which JSON.stringify cannot produce. */
const RAW = (token: string) => `__RAW__${token}__RAW__`;
const render = (body: Json) => JSON.stringify(body).replace(/"__RAW__(.*?)__RAW__"/g, "$1");

interface Provider {
  name: string;
  path: string;
  base: () => Json;
  sign?: Case["sign"];
  auth?: Case["auth"];
  headers?: Record<string, string>;
  /** Wrong credentials, for a 401 case. */
  wrong: Partial<Case>;
  /** No credentials at all (Riverty's are its path: without the token the route is not found). */
  missing?: Partial<Case>;
  /** Field setters for the hostile values: an id, an amount, a currency, a date and a name. */
  set: {
    id(b: Json, v: unknown): void;
    amount(b: Json, v: unknown): void;
    currency(b: Json, v: unknown): void;
    date?(b: Json, v: unknown): void;
    name(b: Json, v: unknown): void;
  };
  /** Key of a nested money field, duplicated textually. */
  nestedKey: string;
  /** Its amounts are decimal major units, where strings are allowed. */
  decimal?: boolean;
  strict?: boolean;
}

const standardBase = (): Json => ({
  type: "payment.recorded",
  timestamp: new Date().toISOString(),
  data: { invoice_id: A, payment_id: "hostile-std-1", amount: 100, currency: "INR", reference: "R-1" },
});

const razorpayBase = (): Json => {
  const e = structuredClone(partiallyPaid) as Json;
  e.created_at = now();
  Object.assign(e.payload.payment.entity, {
    id: "pay_hostile1",
    amount: 100,
    currency: "INR",
    invoice_id: A,
  });
  Object.assign(e.payload.invoice.entity, {
    id: A,
    amount: 100000,
    amount_paid: 2100,
    amount_due: 97900,
    currency: "INR",
  });
  return e;
};

const highlevelBase = (): Json => ({
  ...JSON.parse(highlevelSampleText),
  _id: A,
  currency: "INR",
  total: 1000,
  amountPaid: 25,
  amountDue: 975,
  status: "partially_paid",
  updatedAt: new Date().toISOString(),
});

const rivertyBase = (): Json => {
  const r = JSON.parse(rivertySampleText);
  Object.assign(r.parameters, {
    currency: "INR",
    invoiceReference: A,
    paymentDocument: "DOC-hostile-1",
    transactionId: "TXN-hostile-1",
    paidAmount: 1,
    orderAmount: 1000,
    remainingAmount: 974,
  });
  return r;
};

const chargebeeBase = (): Json => {
  const e = JSON.parse(chargebeeSampleText);
  e.id = "ev_hostile_1";
  e.content.transaction.id = "txn_hostile_1";
  e.content.transaction.currency_code = "INR";
  e.content.transaction.amount = 100;
  e.content.transaction.linked_invoices = [{ invoice_id: A, applied_amount: 100 }];
  Object.assign(e.content.invoice, {
    id: A,
    currency_code: "INR",
    total: 100000,
    amount_paid: 2100,
    amount_due: 97900,
  });
  return e;
};

const PROVIDERS: Provider[] = [
  {
    name: "standard",
    path: `/webhooks/standard/${ids.merchantId}`,
    base: standardBase,
    sign: (body) => standardHeaders(body),
    wrong: {
      headers: {
        "content-type": "application/json",
        "webhook-id": "x",
        "webhook-timestamp": "1",
        "webhook-signature": "v1,AAAA",
      },
    },
    set: {
      id: (b, v) => (b.data.payment_id = v),
      amount: (b, v) => (b.data.amount = v),
      currency: (b, v) => (b.data.currency = v),
      date: (b, v) => (b.data.paid_at = v),
      name: (b, v) => (b.data.reference = v),
    },
    nestedKey: "amount",
    strict: true,
  },
  {
    name: "razorpay",
    path: `/webhooks/razorpay/${ids.merchantId}`,
    base: razorpayBase,
    sign: (body) => razorpayHeaders(body),
    wrong: { headers: { "content-type": "application/json", "x-razorpay-signature": "0".repeat(64) } },
    set: {
      id: (b, v) => (b.payload.payment.entity.id = v),
      amount: (b, v) => (b.payload.payment.entity.amount = v),
      currency: (b, v) => (b.payload.payment.entity.currency = v),
      date: (b, v) => (b.payload.payment.entity.created_at = v),
      name: (b, v) => (b.payload.invoice.entity.customer_details.name = v),
    },
    nestedKey: "amount",
  },
  {
    name: "highlevel",
    path: `/webhooks/highlevel/${ids.merchantId}`,
    base: highlevelBase,
    sign: async (body, w) => ({ "x-ghl-signature": await w.signEd25519(body) }),
    wrong: { headers: { "content-type": "application/json", "x-ghl-signature": btoa("x".repeat(64)) } },
    set: {
      id: (b, v) => (b.invoiceNumber = v),
      amount: (b, v) => (b.amountPaid = v),
      currency: (b, v) => (b.currency = v),
      date: (b, v) => (b.updatedAt = v),
      name: (b, v) => (b.contactDetails.name = v),
    },
    nestedKey: "phoneNo",
    decimal: true,
  },
  {
    name: "riverty",
    path: `/webhooks/riverty/${ids.merchantId}/${ids.rivertyToken}`,
    base: rivertyBase,
    wrong: { path: `/webhooks/riverty/${ids.merchantId}/tok_${"0".repeat(32)}` },
    missing: { path: `/webhooks/riverty/${ids.merchantId}`, status: 404 },
    set: {
      id: (b, v) => (b.parameters.paymentDocument = v),
      amount: (b, v) => (b.parameters.paidAmount = v),
      currency: (b, v) => (b.parameters.currency = v),
      name: (b, v) => (b.parameters.transactionId = v),
    },
    nestedKey: "paidAmount",
    decimal: true,
  },
  {
    name: "chargebee",
    path: `/webhooks/chargebee/${ids.merchantId}`,
    base: chargebeeBase,
    auth: () => chargebeeBasic(),
    wrong: { auth: () => chargebeeBasic("cb-hostile", "wrong-password-123") },
    set: {
      id: (b, v) => (b.content.transaction.id = v),
      amount: (b, v) => {
        b.content.transaction.amount = v;
        b.content.transaction.linked_invoices[0].applied_amount = v;
      },
      currency: (b, v) => (b.content.transaction.currency_code = v),
      date: (b, v) => (b.occurred_at = v),
      name: (b, v) => (b.content.transaction.reference_number = v),
    },
    nestedKey: "applied_amount",
  },
];

function providerCases(p: Provider): Case[] {
  const json = { "content-type": "application/json" };
  const c = (name: string, raw: Case["raw"], status = 400, extra: Partial<Case> = {}): Case => ({
    name: `${p.name} webhook: ${name}`,
    method: "POST",
    path: p.path,
    raw,
    headers: { ...json, ...p.headers },
    ...(p.sign ? { sign: p.sign } : {}),
    ...(p.auth ? { auth: p.auth } : {}),
    status,
    ...extra,
  });
  const good = render(p.base());
  const [firstKey] = Object.keys(p.base());
  const mutate = (fn: (b: Json) => void) => {
    const b = p.base();
    fn(b);
    return render(b);
  };
  const withBytes = (bad: number[]) => {
    // Inside the first string value of the body.
    const at = good.indexOf('":"') + 3;
    return bytes(good.slice(0, at), bad, good.slice(at));
  };
  const nested = good.replace(`"${p.nestedKey}":`, `"${p.nestedKey}":99999,"${p.nestedKey}":`);
  const cases: Case[] = [
    c("duplicate top-level key", `{"${firstKey}":"x",${good.slice(1)}`),
    c(`duplicate nested key ${p.nestedKey}`, nested),
    c(
      "duplicate key written with an escape",
      good.replace(
        `{"${firstKey}":`,
        `{"${firstKey}":1,"\\u00${firstKey!.charCodeAt(0).toString(16)}${firstKey!.slice(1)}":`,
      ),
    ),
    c("invalid UTF-8 (C3 28)", withBytes([0xc3, 0x28])),
    c("overlong UTF-8 (C0 AF)", withBytes([0xc0, 0xaf])),
    c("UTF-8-encoded surrogate", withBytes([0xed, 0xa0, 0x80])),
    c("byte FF", withBytes([0xff])),
    c("truncated JSON", good.slice(0, -2)),
    c("array body", `[${good}]`),
    c("null body", "null"),
    c("number body", "42"),
    c("trailing garbage", `${good}x`),
    c("nesting 200 deep", `{"x":${"[".repeat(200)}${"]".repeat(200)},${good.slice(1)}`),
    c(
      "id with NUL",
      mutate((b) => p.set.id(b, "ID\u00001")),
    ),
    c(
      "id with RTL override",
      mutate((b) => p.set.id(b, "ID\u202e1")),
    ),
    c(
      "id with LRM",
      mutate((b) => p.set.id(b, "ID\u200e1")),
    ),
    c(
      "id of 100,000 characters",
      mutate((b) => p.set.id(b, "D".repeat(100_000))),
    ),
    c(
      "id of 300 characters",
      mutate((b) => p.set.id(b, "D".repeat(300))),
    ),
    c(
      "name with NUL",
      mutate((b) => p.set.name(b, "N\u0000")),
    ),
    c(
      "name with a C1 control",
      mutate((b) => p.set.name(b, "N\u0085")),
    ),
    c(
      "name of 300 characters",
      mutate((b) => p.set.name(b, "N".repeat(300))),
    ),
    c(
      "amount -0",
      mutate((b) => p.set.amount(b, RAW("-0"))),
    ),
    c(
      "amount 1e400",
      mutate((b) => p.set.amount(b, RAW("1e400"))),
    ),
    c(
      "amount negative",
      mutate((b) => p.set.amount(b, -5)),
    ),
    c(
      "amount not a number",
      mutate((b) => p.set.amount(b, "abc")),
    ),
    c(
      "amount true",
      mutate((b) => p.set.amount(b, true)),
    ),
    c(
      "currency lowercase",
      mutate((b) => p.set.currency(b, "inr")),
    ),
    c(
      "currency XXX",
      mutate((b) => p.set.currency(b, "XXX")),
    ),
    c(
      "currency null",
      mutate((b) => p.set.currency(b, null)),
    ),
    c(`body over 256 KiB`, `{"pad":"${"a".repeat(256 * 1024)}",${good.slice(1)}`, 413),
    c("chunked body over 256 KiB", chunked(257 * 1024), 413),
    c("no credentials", good, 401, { sign: undefined, auth: undefined, headers: json, ...p.missing }),
    c("wrong credentials", good, 401, { sign: undefined, auth: undefined, ...p.wrong }),
  ];
  if (p.decimal) {
    cases.push(
      c(
        "amount with too many decimals",
        mutate((b) => p.set.amount(b, 1.005)),
      ),
    );
    cases.push(
      c(
        "amount 1e21",
        mutate((b) => p.set.amount(b, RAW("1e21"))),
      ),
    );
  } else {
    cases.push(
      c(
        "amount float",
        mutate((b) => p.set.amount(b, 10.5)),
      ),
    );
    cases.push(
      c(
        "amount as a string",
        mutate((b) => p.set.amount(b, "100")),
      ),
    );
    cases.push(
      c(
        "amount 2^53",
        mutate((b) => p.set.amount(b, 2 ** 53)),
      ),
    );
  }
  if (p.set.date) {
    const setDate = p.set.date;
    cases.push(
      c(
        "date not a date",
        mutate((b) => setDate(b, "yesterday")),
      ),
    );
    cases.push(
      c(
        "date as an object",
        mutate((b) => setDate(b, {})),
      ),
    );
  }
  if (p.strict) {
    cases.push(
      c(
        "unknown field",
        mutate((b) => (b.data.colour = "red")),
      ),
    );
    cases.push(c("__proto__ field", good.replace('"data":{', '"data":{"__proto__":{"amount":1},')));
    cases.push(c("constructor field", good.replace('"data":{', '"data":{"constructor":{"prototype":{}},')));
    cases.push(
      c(
        "unknown envelope field",
        mutate((b) => (b.extra = 1)),
      ),
    );
  }
  return cases;
}

describe("hostile input: webhooks", () => {
  runCases(PROVIDERS.flatMap(providerCases), world);
});
