// The portfolio through HTTP: the change feed and the per-merchant index run for real (queue consumer,
// index object), so each test waits, within a deadline, for the listing to catch up with the ledgers.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect } from "vitest";
import { ADMIN, call, createInvoice, createMerchant, it, track, uid } from "../helpers";
import { indexedAt, listAll, listUntil } from "../support/portfolio";
import { deliverStandardPayment, STANDARD_SECRET } from "../support/standard-payment";

const pay = (key: string, id: string, body: unknown) =>
  call("POST", `/v1/invoices/${id}/payments`, { key, body });

describe("GET /v1/invoices", () => {
  it("shows a committed payment, with the invoice's version and when the index heard of it", async () => {
    const m = await createMerchant();
    const inv = await createInvoice(m.key, {
      total: 100000,
      customer: { name: "Asha", email: "Asha@Example.com" },
    });
    track(m.id, inv.id);
    expect((await pay(m.key, inv.id, { amount: 40000 })).status).toBe(201);
    const [item] = await listUntil(m.key, "", (items) => items.some((i) => i.version === 2));
    expect(item).toMatchObject({
      id: inv.id,
      number: "INV-1",
      currency: "INR",
      total: 100000,
      amount_paid: 40000,
      amount_due: 60000,
      credit_balance: 0,
      status: "partially_paid",
      due_date: "2030-01-31",
      days_overdue: 0,
      customer: { name: "Asha", email: "Asha@Example.com" },
      anomalies_count: 0,
      provider_mismatch: false,
      sources: ["api"],
      version: 2,
    });
    expect(Date.parse(item.indexed_at)).toBeGreaterThanOrEqual(Date.parse(item.updated_at));
    // The invoice's own GET stays exact, and agrees.
    const own = await call("GET", `/v1/invoices/${inv.id}`, { key: m.key });
    expect(own.body).toMatchObject({ amount_paid: 40000, amount_due: 60000, status: "partially_paid" });
  });

  it("shows a merchant only its own invoices, and refuses another merchant's cursor", async () => {
    const a = await createMerchant();
    const b = await createMerchant();
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const inv = await createInvoice(a.key, { number: `A-${i}` });
      track(a.id, inv.id);
      ids.push(inv.id);
    }
    const mine = await createInvoice(b.key, { number: "B-1" });
    track(b.id, mine.id);
    await indexedAt(a.key, Object.fromEntries(ids.map((id) => [id, 1])));
    await indexedAt(b.key, { [mine.id]: 1 });
    expect((await listAll(b.key, "")).map((i) => i.id)).toEqual([mine.id]);
    expect((await listAll(a.key, "")).map((i) => i.id).sort()).toEqual([...ids].sort());
    const first = await call("GET", "/v1/invoices?limit=1", { key: a.key });
    const stolen = await call("GET", `/v1/invoices?limit=1&cursor=${first.body.next_cursor}`, { key: b.key });
    expect(stolen.status).toBe(422);
    expect(stolen.body.error.code).toBe("invalid_cursor");
  });

  it("filters, sorts and pages, and refuses a cursor from another query", async () => {
    const m = await createMerchant();
    const specs = [
      { n: "INV-100", due: "2026-01-10", total: 1000, pay: 0, currency: "INR", email: "a@x.test" },
      { n: "INV-101", due: "2026-02-10", total: 2000, pay: 500, currency: "INR", email: "b@x.test" },
      { n: "INV-102", due: "2026-03-10", total: 3000, pay: 3000, currency: "INR", email: "a@x.test" },
      { n: "INV-200", due: "2026-04-10", total: 4000, pay: 5000, currency: "USD", email: "c@x.test" },
      { n: "X-1", due: null, total: 5000, pay: 0, currency: "INR", email: null },
    ];
    const made: Record<string, string> = {};
    const versions: Record<string, number> = {};
    for (const s of specs) {
      const inv = await createInvoice(m.key, {
        number: s.n,
        due_date: s.due,
        total: s.total,
        currency: s.currency,
        customer: { name: null, email: s.email },
      });
      track(m.id, inv.id);
      made[s.n] = inv.id;
      versions[inv.id] = 1;
      if (s.pay) {
        const body = s.pay > s.total ? { amount: s.pay, allow_overpayment: true } : { amount: s.pay };
        const paid = await pay(m.key, inv.id, body);
        expect(paid.status, paid.text).toBe(201);
        versions[inv.id] = 2;
      }
    }
    await indexedAt(m.key, versions);
    const numbers = async (q: string) => (await listAll(m.key, q)).map((i) => i.number);

    expect(await numbers("sort=due_date")).toEqual(["INV-100", "INV-101", "INV-102", "INV-200", "X-1"]);
    expect(await numbers("sort=-due_date")).toEqual(["X-1", "INV-200", "INV-102", "INV-101", "INV-100"]);
    // Equal keys (nothing due on INV-102 and INV-200) come in invoice id order, descending like the sort.
    const byId = Object.fromEntries(Object.entries(made).map(([n, id]) => [id, n]));
    const tied = [made["INV-102"]!, made["INV-200"]!]
      .sort()
      .reverse()
      .map((id) => byId[id]);
    expect(await numbers("sort=-amount_due")).toEqual(["X-1", "INV-101", "INV-100", ...tied]);
    expect(await numbers("status=open,partially_paid")).toEqual(["INV-100", "INV-101", "X-1"]);
    expect(await numbers("status=paid")).toEqual(["INV-102"]);
    expect(await numbers("status=overpaid&currency=USD")).toEqual(["INV-200"]);
    expect(await numbers("currency=INR&due_after=2026-01-10&due_before=2026-04-10")).toEqual([
      "INV-101",
      "INV-102",
    ]);
    expect(await numbers("customer_email=A@X.TEST")).toEqual(["INV-100", "INV-102"]);
    expect(await numbers("q=inv-1")).toEqual(["INV-100", "INV-101", "INV-102"]);
    expect(await numbers(`q=${made["X-1"]!.slice(0, 8).toUpperCase()}`)).toContain("X-1");
    expect(await numbers("source=api")).toEqual(["INV-101", "INV-102", "INV-200"]);
    expect(await numbers("source=razorpay")).toEqual([]);
    expect(await numbers("has_anomalies=true")).toEqual([]);
    expect(await numbers("provider_mismatch=false&status=open")).toEqual(["INV-100", "X-1"]);
    const later = new Date(Date.now() + 60_000).toISOString();
    expect(await numbers(`updated_after=${later}`)).toEqual([]);
    expect(await numbers("updated_after=2020-01-01T00:00:00Z")).toHaveLength(5);

    // Pages of 2 walk the same order, whatever the limit on the next page.
    const p1 = await call("GET", "/v1/invoices?sort=-amount_due&limit=2", { key: m.key });
    expect(p1.body.data.map((i: any) => i.number)).toEqual(["X-1", "INV-101"]);
    expect(p1.body.has_more).toBe(true);
    const p2 = await call("GET", `/v1/invoices?sort=-amount_due&limit=3&cursor=${p1.body.next_cursor}`, {
      key: m.key,
    });
    expect(p2.body.data.map((i: any) => i.number)).toEqual(["INV-100", ...tied]);
    expect(p2.body).toMatchObject({ has_more: false, next_cursor: null });
    const other = await call("GET", `/v1/invoices?sort=due_date&limit=2&cursor=${p1.body.next_cursor}`, {
      key: m.key,
    });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("invalid_cursor");
  });

  it("lists an invoice first heard of through a provider's payment, total unknown", async () => {
    const m = await createMerchant({ providers: { standard: { secrets: [STANDARD_SECRET] } } });
    const id = uid("inv");
    track(m.id, id);
    const delivered = await deliverStandardPayment(m.id, id);
    expect(delivered.status).toBe(200);
    const [item] = await listUntil(m.key, "", (items) => items.length === 1);
    expect(item).toMatchObject({
      id,
      total: null,
      amount_paid: 1000,
      amount_due: null,
      sources: ["standard"],
    });
    expect((await listAll(m.key, "sort=-amount_due")).map((i) => i.id)).toEqual([id]);
    const aging = await call("GET", "/v1/reports/aging?as_of=2030-01-01", { key: m.key });
    expect(aging.status).toBe(200);
    const counted = aging.body.currencies.reduce((n: number, c: any) => n + c.total_unknown_count, 0);
    expect(counted + aging.body.unknown_currency_count).toBe(1);
    expect(aging.body.currencies.every((c: any) => c.total_outstanding === 0)).toBe(true);
  });
});

describe("GET /v1/reports/aging", () => {
  it("buckets what is due per currency as of a date, and never adds currencies up", async () => {
    const m = await createMerchant();
    const specs: Array<[string, string | null, number, number, number]> = [
      // currency, due, total, paid, extra payment beyond the total
      ["INR", "2026-06-30", 1000, 0, 0], // current (due after as_of)
      ["INR", "2026-06-01", 2000, 500, 0], // 1_30 (29 days)
      ["INR", "2026-05-01", 3000, 0, 0], // 31_60 (60 days)
      ["INR", "2026-03-31", 4000, 0, 0], // 61_90 (91 days → over_90)
      ["INR", null, 5000, 0, 0], // current: no due date
      ["USD", "2026-01-01", 700, 0, 0], // over_90
      ["USD", "2026-01-01", 100, 150, 0], // overpaid: credit 50
    ];
    const versions: Record<string, number> = {};
    for (const [currency, due, total, paid] of specs) {
      const inv = await createInvoice(m.key, { currency, due_date: due, total });
      track(m.id, inv.id);
      versions[inv.id] = 1;
      if (paid) {
        const body = paid > total ? { amount: paid, allow_overpayment: true } : { amount: paid };
        expect((await pay(m.key, inv.id, body)).status).toBe(201);
        versions[inv.id] = 2;
      }
    }
    await indexedAt(m.key, versions);
    const res = await call("GET", "/v1/reports/aging?as_of=2026-06-30", { key: m.key });
    expect(res.status).toBe(200);
    const [inr, usd] = res.body.currencies;
    expect(res.body.as_of).toBe("2026-06-30");
    expect(inr).toMatchObject({
      currency: "INR",
      buckets: {
        current: { amount_due: 6000, count: 2 },
        "1_30": { amount_due: 1500, count: 1 },
        "31_60": { amount_due: 3000, count: 1 },
        "61_90": { amount_due: 0, count: 0 },
        over_90: { amount_due: 4000, count: 1 },
      },
      total_outstanding: 14500,
      outstanding_count: 5,
      total_credit_balance: 0,
    });
    expect(usd).toMatchObject({
      currency: "USD",
      buckets: { over_90: { amount_due: 700, count: 1 } },
      total_outstanding: 700,
      total_credit_balance: 50,
    });
    const today = await call("GET", "/v1/reports/aging", { key: m.key });
    expect(today.body.as_of).toBe(new Date().toISOString().slice(0, 10));
    for (const bad of ["2026-02-30", "today", "2026-6-1"]) {
      const r = await call("GET", `/v1/reports/aging?as_of=${bad}`, { key: m.key });
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe("validation_failed");
    }
  });
});

describe("GET /v1/exports/invoices.csv", () => {
  it("streams RFC 4180 CSV with the filters, formatted amounts and formulas neutralised", async () => {
    const m = await createMerchant();
    const evil = await createInvoice(m.key, {
      number: "EV-1",
      total: 123456,
      customer: { name: '=HYPERLINK("http://x","a, b")', email: null },
    });
    const plain = await createInvoice(m.key, { number: "PL-1", currency: "KWD", total: 12345 });
    const voided = await createInvoice(m.key, { number: "VO-1" });
    for (const id of [evil.id, plain.id, voided.id]) track(m.id, id);
    expect((await call("POST", `/v1/invoices/${voided.id}/void`, { key: m.key })).status).toBe(200);
    await indexedAt(m.key, { [evil.id]: 1, [plain.id]: 1, [voided.id]: 2 });
    const res = await call("GET", "/v1/exports/invoices.csv?status=open&sort=due_date", { key: m.key });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const lines = res.text.split("\r\n");
    expect(lines.at(-1)).toBe("");
    expect(lines).toHaveLength(4);
    const header = lines[0]!.split(",");
    expect(header.slice(0, 6)).toEqual(["id", "number", "status", "currency", "total", "total_formatted"]);
    const evilRow = lines.find((l) => l.startsWith(`${evil.id},`))!;
    expect(evilRow).toContain(`,123456,1234.56,0,0.00,123456,1234.56,`);
    expect(evilRow).toContain(`,"'=HYPERLINK(""http://x"",""a, b"")",`);
    expect(lines.find((l) => l.startsWith(`${plain.id},`))).toContain(",12345,12.345,");
    expect(res.text).not.toContain(voided.id);
    const bad = await call("GET", "/v1/exports/invoices.csv?status=late", { key: m.key });
    expect(bad.status).toBe(422);
  });
});

describe("POST /admin/merchants/{merchantId}/index/verify", () => {
  it("compares the index with each invoice's own state and repairs what drifted", async () => {
    const m = await createMerchant();
    const a = await createInvoice(m.key, { number: "DR-1" });
    const b = await createInvoice(m.key, { number: "DR-2" });
    const c = await createInvoice(m.key, { number: "DR-3" });
    for (const id of [a.id, b.id, c.id]) track(m.id, id);
    expect((await pay(m.key, a.id, { amount: 100 })).status).toBe(201);
    await indexedAt(m.key, { [a.id]: 2, [b.id]: 1, [c.id]: 1 });
    // Drift: a wrong amount, a lost row, and a row for an invoice that never existed.
    await runInDurableObject(env.MERCHANT_INDEX.getByName(m.id), (_index, state) => {
      state.storage.sql.exec(
        "UPDATE invoices SET amount_paid = 999, amount_due = 1 WHERE invoice_id = ?",
        a.id,
      );
      state.storage.sql.exec("DELETE FROM invoices WHERE invoice_id = ?", b.id);
      state.storage.sql.exec(
        "INSERT INTO invoices SELECT 'ghost-1', 'ghost-1', number, number_lc, currency, total, amount_paid, amount_due, amount_key, credit_balance, status, due_date, due_key, customer_name, customer_email, email_lc, anomalies_count, provider_mismatch, sources, created_at, updated_at, voided_at, version, indexed_at, reminders_failed, reminder_failed_at FROM invoices WHERE invoice_id = ?",
        c.id,
      );
    });
    const report = await call("POST", `/admin/merchants/${m.id}/index/verify`, {
      key: ADMIN,
      body: { invoice_ids: [b.id] },
    });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ checked: 4, in_step: 1, removed: ["ghost-1"], next_cursor: null });
    const byId = Object.fromEntries(report.body.repaired.map((r: any) => [r.id, r]));
    expect(byId[a.id].fields).toEqual(["amountPaid", "amountDue"]);
    expect(byId[b.id]).toMatchObject({ index_version: null, version: 1, fields: ["missing"] });
    const items = await listAll(m.key, "");
    expect(items.map((i) => i.id).sort()).toEqual([a.id, b.id, c.id].sort());
    expect(items.find((i) => i.id === a.id)).toMatchObject({
      amount_paid: 100,
      amount_due: 99900,
      version: 2,
    });
    const again = await call("POST", `/admin/merchants/${m.id}/index/verify`, { key: ADMIN });
    expect(again.body).toMatchObject({ checked: 3, in_step: 3, repaired: [], removed: [] });
    const paged = await call("POST", `/admin/merchants/${m.id}/index/verify`, {
      key: ADMIN,
      body: { limit: 2 },
    });
    expect(paged.body.checked).toBe(2);
    const rest = await call("POST", `/admin/merchants/${m.id}/index/verify`, {
      key: ADMIN,
      body: { cursor: paged.body.next_cursor },
    });
    expect(rest.body).toMatchObject({ checked: 1, next_cursor: null });
  });
});

describe("the portfolio in /openapi.json", () => {
  it("documents the listing, aging, export and repair routes with their filters", async () => {
    const doc = await call("GET", "/openapi.json");
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        "/v1/invoices",
        "/v1/reports/aging",
        "/v1/exports/invoices.csv",
        "/admin/merchants/{merchantId}/index/verify",
      ]),
    );
    const params = doc.body.paths["/v1/invoices"].get.parameters.map((p: any) => p.name);
    expect(params).toEqual(
      expect.arrayContaining([
        "status",
        "currency",
        "due_before",
        "due_after",
        "updated_after",
        "customer_email",
      ]),
    );
    expect(params).toEqual(
      expect.arrayContaining([
        "source",
        "has_anomalies",
        "provider_mismatch",
        "reminders_failed",
        "q",
        "sort",
      ]),
    );
    expect(params).toEqual(expect.arrayContaining(["limit", "cursor"]));
    expect(doc.body.components.schemas.PortfolioInvoice.required).toEqual(
      expect.arrayContaining(["version", "indexed_at", "days_overdue"]),
    );
  });
});
