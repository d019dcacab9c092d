// GET /dashboard/deliveries: the webhook delivery log (GET /v1/webhook-deliveries?order=desc), newest first,
// filterable by outcome and provider, with Retry for refused deliveries whose body is still kept.
import type { Context } from "hono";
import { unwrapCursor, wrapCursor } from "../../api/cursor";
import { deliveryLogFor } from "../../deliveries/log";
import { DELIVERY_OUTCOMES, type DeliveryOutcome } from "../../deliveries/types";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import { PROVIDERS } from "../../providers/registry";
import { frameOf, tokenFor, viewerOf } from "../context";
import { formatInstant } from "../format";
import { Csrf, Page } from "../layout";
import { respond } from "../respond";
import { Select } from "../select";
import { Head } from "../table-head";
import type { DashEnv } from "../types";

const PAGE = 50;

export async function deliveriesPage(c: Context<DashEnv>) {
  const v = viewerOf(c);
  const outcomeParam = c.req.query("outcome") ?? "";
  const providerParam = c.req.query("provider") ?? "";
  // Unknown values are ignored (shown as "Any"), as a hand-edited URL would expect.
  const outcome = (DELIVERY_OUTCOMES as readonly string[]).includes(outcomeParam)
    ? (outcomeParam as DeliveryOutcome)
    : undefined;
  const provider = Object.hasOwn(PROVIDERS, providerParam) ? providerParam : undefined;
  // The same cursor binding as the API's listing (merchant, filters and order), under its own list name.
  // Newest first: after days of traffic, the refusal a merchant is looking for is the latest one.
  const scope = {
    merchantId: v.merchantId,
    invoiceId: `dashboard&outcome=${outcome ?? ""}&provider=${provider ?? ""}&order=desc`,
    list: "deliveries" as const,
  };
  const from = decodeCursor(await unwrapCursor(c.req.query("cursor"), scope));
  const page = await deliveryLogFor(c.env, v.merchantId).list({ outcome, provider }, from, PAGE, "desc");
  const next = await wrapCursor(page.nextSeq === null ? null : encodeCursor(page.nextSeq), scope);
  const retryable = page.items.filter((d) => d.outcome === "refused" && d.bodyKept);
  const tokens = new Map(
    await Promise.all(
      retryable.map(async (d) => [d.id, await tokenFor(c, `/dashboard/deliveries/${d.id}/retry`)] as const),
    ),
  );
  const frame = await frameOf(c, "Webhook deliveries", "Deliveries");
  const filterQs = new URLSearchParams({
    ...(outcome ? { outcome } : {}),
    ...(provider ? { provider } : {}),
  });
  return respond(
    c,
    <Page {...frame}>
      <h1>Webhook deliveries</h1>
      <form method="get" action="/dashboard/deliveries" class="filters" aria-label="Filter deliveries">
        <Select
          id="d-outcome"
          name="outcome"
          label="Outcome"
          options={[["", "Any"], ...DELIVERY_OUTCOMES.map((o) => [o, o] as const)]}
          selected={outcome ?? ""}
        />
        <Select
          id="d-provider"
          name="provider"
          label="Provider"
          options={[["", "Any"], ...Object.keys(PROVIDERS).map((pr) => [pr, pr] as const)]}
          selected={provider ?? ""}
        />
        <div>
          <button type="submit">Apply filters</button>
        </div>
      </form>
      {page.refusedNotKept > 0 && (
        <p>{`${page.refusedNotKept} refused deliveries over the per-minute cap were counted but not kept.`}</p>
      )}
      {page.items.length === 0 ? (
        <p class="empty">No delivery matches.</p>
      ) : (
        <table>
          <caption class="muted">Newest first; refused bodies are kept 7 days for a retry.</caption>
          <Head cols={["Received", "Provider", "Outcome", "Reason", "#Status", "Invoices", "Action"]} />
          <tbody>
            {page.items.map((d) => {
              const token = tokens.get(d.id);
              return (
                <tr>
                  <td>{formatInstant(new Date(d.receivedAt).toISOString(), v.timeZone, v.locale)}</td>
                  <td>{d.provider}</td>
                  <td>{d.retryOf ? `${d.outcome} (retry)` : d.outcome}</td>
                  <td>{d.reason ?? "—"}</td>
                  <td class="num">{d.status}</td>
                  <td>{d.invoiceIds.join(", ") || "—"}</td>
                  <td>
                    {token && (
                      <form method="post" action={`/dashboard/deliveries/${d.id}/retry`} class="inline">
                        <Csrf token={token} />
                        <button type="submit" class="secondary">
                          Retry
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {next && (
        <p>
          <a
            href={`/dashboard/deliveries?${filterQs.toString() ? `${filterQs}&` : ""}cursor=${encodeURIComponent(next)}`}
          >
            Older deliveries
          </a>
        </p>
      )}
    </Page>,
  );
}
