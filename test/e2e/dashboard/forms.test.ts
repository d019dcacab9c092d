// The dashboard's forms change money: each must be the API's command, refused exactly as the API refuses it,
// recorded once however often it is sent, and refused without a valid CSRF token from this origin.
import { describe, expect } from "vitest";
import {
  call,
  createInvoice,
  createMerchant,
  getInvoice,
  getLines,
  it,
  offByOne,
  track,
  uid,
} from "../../helpers";
import { fetchPage, hiddenOf, signIn, submit, tokenOf } from "../../support/dashboard";
import { deliver, invoiceEvent, razorpayMerchant, refundEvent, text } from "../../support/razorpay";

const page = (id: string) => `/dashboard/invoices/${id}`;
const payAction = (id: string) => `/dashboard/invoices/${id}/payments`;

async function setup(invoice: Record<string, unknown> = {}) {
  const m = await createMerchant();
  const inv = await createInvoice(m.key, invoice);
  track(m.id, inv.id);
  const cookie = await signIn(m.key);
  return { m, inv, cookie };
}

/** Posts the payment form as the page renders it, with its own CSRF token and idempotency key. */
async function pay(cookie: string, id: string, fields: Record<string, string>) {
  const html = (await fetchPage("GET", page(id), { cookie })).text;
  return fetchPage("POST", payAction(id), {
    cookie,
    form: {
      csrf_token: tokenOf(html, payAction(id)),
      idempotency_key: hiddenOf(html, payAction(id), "idempotency_key"),
      method: "cheque",
      ...fields,
    },
  });
}

describe("recording a payment from the dashboard", () => {
  it("records it through the ledger, redirects with a flash, and shows the new balance", async () => {
    const { m, inv, cookie } = await setup({ total: 479030 });
    const res = await pay(cookie, inv.id, { amount: "2000.00", tds: "100", reference: "000123" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${page(inv.id)}?flash=payment_recorded`);
    const [line] = await getLines(m.key, inv.id);
    expect(line).toMatchObject({
      kind: "payment",
      source: "api",
      amount: 200000,
      tds: 10000,
      method: "cheque",
      reference: "000123",
    });
    expect(line.idempotency_key).toMatch(/^dash_/);
    const after = await fetchPage("GET", res.headers.get("location")!, { cookie });
    expect(after.text).toMatch(/<p role="status"[^>]*>Payment recorded\.<\/p>/);
    expect(after.text).toContain("<dt>Amount due</dt><dd>₹2,690.30</dd>");
  });

  it("works for an invoice id with the characters ids may hold (: . - _)", async () => {
    const m = await createMerchant();
    const inv = await createInvoice(m.key, {}, `INV:2026.${Date.now()}-a_b`);
    track(m.id, inv.id);
    const cookie = await signIn(m.key);
    const path = `/dashboard/invoices/${encodeURIComponent(inv.id)}`;
    const html = (await fetchPage("GET", path, { cookie })).text;
    const action = `${path}/payments`;
    const res = await fetchPage("POST", action, {
      cookie,
      form: {
        csrf_token: tokenOf(html, action),
        idempotency_key: hiddenOf(html, action, "idempotency_key"),
        amount: "5",
      },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${path}?flash=payment_recorded`);
    expect((await getLines(m.key, inv.id)).map((l) => l.amount)).toEqual([500]);
  });

  it("records one payment when the same form is submitted twice", async () => {
    const { m, inv, cookie } = await setup();
    const html = (await fetchPage("GET", page(inv.id), { cookie })).text;
    const form = {
      csrf_token: tokenOf(html, payAction(inv.id)),
      idempotency_key: hiddenOf(html, payAction(inv.id), "idempotency_key"),
      amount: "100.50",
      method: "cash",
    };
    const [a, b] = await Promise.all([
      fetchPage("POST", payAction(inv.id), { cookie, form }),
      fetchPage("POST", payAction(inv.id), { cookie, form }),
    ]);
    const c = await fetchPage("POST", payAction(inv.id), { cookie, form });
    for (const r of [a, b, c]) expect(r.status).toBe(303);
    const lines = await getLines(m.key, inv.id);
    expect(lines.map((l) => l.amount)).toEqual([10050]);
    expect((await getInvoice(m.key, inv.id)).amount_paid).toBe(10050);
  });

  it("adds decimal amounts exactly: 0.1 then 0.2 is 0.30, never 0.30000000000000004", async () => {
    const { m, inv, cookie } = await setup({ total: 100 });
    expect((await pay(cookie, inv.id, { amount: "0.1" })).status).toBe(303);
    expect((await pay(cookie, inv.id, { amount: "0.2" })).status).toBe(303);
    expect((await getLines(m.key, inv.id)).map((l) => l.amount)).toEqual([10, 20]);
    expect(await getInvoice(m.key, inv.id)).toMatchObject({ amount_paid: 30, amount_due: 70 });
  });

  it("reads JPY in whole yen (exponent 0) and KWD in fils (exponent 3)", async () => {
    const jpy = await setup({ currency: "JPY", total: 5000 });
    expect((await pay(jpy.cookie, jpy.inv.id, { amount: "1500" })).status).toBe(303);
    expect((await getLines(jpy.m.key, jpy.inv.id)).map((l) => l.amount)).toEqual([1500]);
    const refused = await pay(jpy.cookie, jpy.inv.id, { amount: "1.5" });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/role="alert"[^>]*>Amount: 1\.5 has more decimals than JPY allows \(0\)/);
    const kwd = await setup({ currency: "KWD", total: 50000 });
    expect((await pay(kwd.cookie, kwd.inv.id, { amount: "12.345" })).status).toBe(303);
    expect((await getLines(kwd.m.key, kwd.inv.id)).map((l) => l.amount)).toEqual([12345]);
  });

  it("refuses bad amounts with the reason, the form kept, nothing recorded", async () => {
    const { m, inv, cookie } = await setup();
    for (const [amount, message] of [
      ["10.005", "Amount: 10.005 has more decimals than INR allows (2)"],
      ["-5", "Amount: enter a positive amount such as 1500.50"],
      ["1,500", "Amount: enter a positive amount such as 1500.50"],
      ["1e3", "Amount: enter a positive amount such as 1500.50"],
      ["abc", "Amount: enter a positive amount such as 1500.50"],
    ] as const) {
      const res = await pay(cookie, inv.id, { amount });
      expect(res.status, amount).toBe(422);
      expect(res.text).toContain(message);
      expect(res.text).toContain(`value="${amount}"`);
    }
    expect(await getLines(m.key, inv.id)).toEqual([]);
  });

  it("shows the ledger's refusals with the API's message and status", async () => {
    const { m, inv, cookie } = await setup({ total: 10000 });
    const over = await pay(cookie, inv.id, { amount: "200" });
    expect(over.status).toBe(422);
    const api = await call("POST", `/v1/invoices/${inv.id}/payments`, {
      key: m.key,
      body: { amount: 20000 },
    });
    expect(api.status).toBe(422);
    expect(over.text).toContain(`<p role="alert" class="alert">${api.body.error.message}</p>`);
    expect((await call("POST", `/v1/invoices/${inv.id}/void`, { key: m.key })).status).toBe(200);
    const voided = await pay(cookie, inv.id, { amount: "1" });
    expect(voided.status).toBe(409);
    expect(voided.text).toContain('role="alert"');
    expect(await getLines(m.key, inv.id)).toEqual([]);
  });

  it("reverses a payment, writes off the remainder, pauses and resumes reminders, voids, each once", async () => {
    const { m, inv, cookie } = await setup({ total: 10000 });
    expect((await pay(cookie, inv.id, { amount: "40" })).status).toBe(303);
    const [payment] = await getLines(m.key, inv.id);
    const reverse = `${page(inv.id)}/payments/${payment.id}/reverse`;
    const html = (await fetchPage("GET", page(inv.id), { cookie })).text;
    const form = {
      csrf_token: tokenOf(html, reverse),
      idempotency_key: hiddenOf(html, reverse, "idempotency_key"),
    };
    expect((await fetchPage("POST", reverse, { cookie, form })).headers.get("location")).toContain(
      "flash=payment_reversed",
    );
    // The same form again replays. The page no longer offers the reversal of a payment with nothing left; a
    // stale page's form with a new key is the API's 409.
    expect((await fetchPage("POST", reverse, { cookie, form })).status).toBe(303);
    const reversed = (await fetchPage("GET", page(inv.id), { cookie })).text;
    expect(reversed).not.toContain(`action="${reverse}"`);
    expect(reversed).toContain('<span class="muted">Fully reversed</span>');
    const again = await fetchPage("POST", reverse, {
      cookie,
      form: { csrf_token: form.csrf_token, idempotency_key: "a-fresh-key" },
    });
    expect(again.status).toBe(409);
    expect(again.text).toContain("This payment has already been reversed");
    expect((await getLines(m.key, inv.id)).map((l) => l.kind)).toEqual(["payment", "reversal"]);

    const pause = await submit(cookie, page(inv.id), `${page(inv.id)}/reminders/pause`);
    expect(pause.headers.get("location")).toContain("flash=reminders_paused");
    expect((await getInvoice(m.key, inv.id)).reminders).toBe("paused");
    const paused = await fetchPage("GET", page(inv.id), { cookie });
    expect(paused.text).toContain(">Resume reminders</button>");
    expect((await submit(cookie, page(inv.id), `${page(inv.id)}/reminders/resume`)).status).toBe(303);
    expect((await getInvoice(m.key, inv.id)).reminders).toBe("active");

    const noReason = await submit(cookie, page(inv.id), `${page(inv.id)}/write-offs`, { reason: " " });
    expect(noReason.status).toBe(422);
    const wo = `${page(inv.id)}/write-offs`;
    const woHtml = (await fetchPage("GET", page(inv.id), { cookie })).text;
    const woForm = {
      csrf_token: tokenOf(woHtml, wo),
      idempotency_key: hiddenOf(woHtml, wo, "idempotency_key"),
      reason: "Customer disputes",
    };
    expect((await fetchPage("POST", wo, { cookie, form: woForm })).headers.get("location")).toContain(
      "flash=written_off",
    );
    expect((await fetchPage("POST", wo, { cookie, form: woForm })).status).toBe(303);
    expect(await getInvoice(m.key, inv.id)).toMatchObject({
      written_off: 10000,
      amount_due: 0,
      status: "paid",
    });

    const voided = await submit(cookie, page(inv.id), `${page(inv.id)}/void`);
    expect(voided.headers.get("location")).toContain("flash=voided");
    expect((await getInvoice(m.key, inv.id)).status).toBe("void");
  });
});

describe("reversing from the invoice page", () => {
  it("offers Reverse payment while a payment has something left, whichever source took part of it back", async () => {
    const m = await razorpayMerchant();
    const inv = uid("inv_rev");
    track(m.id, inv);
    const paid = invoiceEvent({
      invoiceId: inv,
      paymentId: "pay_D1",
      amount: 25000,
      at: 1700000000,
      total: 100000,
      amountPaid: 25000,
    });
    expect((await deliver(m.id, text(paid))).status).toBe(200);
    const refund = (refundId: string, amount: number) =>
      deliver(m.id, text(refundEvent({ refundId, paymentId: "pay_D1", amount, invoiceId: inv })));
    expect((await refund("rfnd_D1", 10000)).status).toBe(200);
    const cookie = await signIn(m.key);
    const [payment] = await getLines(m.key, inv);
    // The lines list says what was taken back from each payment; other kinds say null.
    expect((await getLines(m.key, inv)).map((l) => [l.kind, l.reversed_amount])).toEqual([
      ["payment", 10000],
      ["reversal", null],
    ]);
    const reverse = `${page(inv)}/payments/${payment.id}/reverse`;
    const partly = (await fetchPage("GET", page(inv), { cookie })).text;
    expect(partly).toContain(`action="${reverse}"`);
    // The provider refunds the rest: nothing is left to reverse, and the page says so instead of a button.
    expect((await refund("rfnd_D2", 15000)).status).toBe(200);
    expect((await getLines(m.key, inv)).map((l) => l.reversed_amount)).toEqual([25000, null, null]);
    const fully = (await fetchPage("GET", page(inv), { cookie })).text;
    expect(fully).not.toContain(`action="${reverse}"`);
    expect(fully).toMatch(/<td>payment<\/td><td>razorpay<\/td>.*?<span class="muted">Fully reversed<\/span>/);
  });
});

describe("CSRF", () => {
  it("refuses a POST without a token, with another form's or session's token, or from another origin", async () => {
    const { m, inv, cookie } = await setup();
    const html = (await fetchPage("GET", page(inv.id), { cookie })).text;
    const idem = hiddenOf(html, payAction(inv.id), "idempotency_key");
    const good = tokenOf(html, payAction(inv.id));
    const otherSession = await signIn(m.key);
    const otherHtml = (await fetchPage("GET", page(inv.id), { cookie: otherSession })).text;
    const attempts: Array<{ cookie: string; form: Record<string, string>; origin?: string | null }> = [
      { cookie, form: { idempotency_key: idem, amount: "1" } },
      { cookie, form: { csrf_token: "", idempotency_key: idem, amount: "1" } },
      {
        cookie,
        form: { csrf_token: tokenOf(html, `${page(inv.id)}/void`), idempotency_key: idem, amount: "1" },
      },
      {
        cookie,
        form: { csrf_token: tokenOf(otherHtml, payAction(inv.id)), idempotency_key: idem, amount: "1" },
      },
      { cookie, form: { csrf_token: offByOne(good), idempotency_key: idem, amount: "1" } },
      {
        cookie,
        origin: "https://evil.example",
        form: { csrf_token: good, idempotency_key: idem, amount: "1" },
      },
      { cookie, origin: null, form: { csrf_token: good, idempotency_key: idem, amount: "1" } },
    ];
    for (const [i, a] of attempts.entries()) {
      const res = await fetchPage("POST", payAction(inv.id), a);
      expect(res.status, `attempt ${i}`).toBe(403);
      expect(res.text).toContain('role="alert"');
    }
    // Sign-in itself: no token, or a token without its pre-session cookie.
    const noToken = await fetchPage("POST", "/dashboard/sign-in", { form: { api_key: m.key } });
    expect(noToken.status).toBe(403);
    expect(noToken.headers.getSetCookie().some((c) => c.startsWith("il_session="))).toBe(false);
    expect(await getLines(m.key, inv.id)).toEqual([]);
    // A form body over 16 KiB is refused before it is read.
    const huge = await fetchPage("POST", payAction(inv.id), {
      cookie,
      form: { csrf_token: good, idempotency_key: idem, amount: "1", reference: "x".repeat(17 * 1024) },
    });
    expect(huge.status).toBe(413);
    expect(huge.text).toContain('role="alert"');
    // The good token works, so the refusals above were for what each changed.
    const ok = await fetchPage("POST", payAction(inv.id), {
      cookie,
      form: { csrf_token: good, idempotency_key: idem, amount: "1" },
    });
    expect(ok.status).toBe(303);
  });
});
