// GET /dashboard/settings: what is configured, never a secret: every value under a secret-named key goes through
// the admin API's own redact() and shows only as "•••• (set)".
import type { Context } from "hono";
import { REDACTED, redact } from "../../merchants/config";
import { frameOf, viewerOf } from "../context";
import { Page, Section } from "../layout";
import { respond } from "../respond";
import { Head } from "../table-head";
import type { DashEnv } from "../types";

const SET = "•••• (set)";

/** A configuration value as text: secrets already redacted, lists joined, objects as key: value pairs. */
function show(value: unknown): string {
  if (value === REDACTED) return SET;
  if (value === null || value === undefined) return "—";
  if (Array.isArray(value)) return value.length === 0 ? "—" : value.map(show).join(", ");
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${show(v)}`)
      .join("; ");
  }
  return String(value);
}

function Settings({ entries }: { entries: Record<string, unknown> }) {
  return (
    <dl class="balance">
      {Object.entries(entries).map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{show(v)}</dd>
        </>
      ))}
    </dl>
  );
}

interface MerchantEndpoint {
  id?: unknown;
  url?: unknown;
  events?: unknown;
  secret?: unknown;
}

export async function settingsPage(c: Context<DashEnv>) {
  const merchant = c.get("merchant")!;
  const v = viewerOf(c);
  const frame = await frameOf(c, "Settings", "Settings");
  const providers = redact(merchant.providers as Record<string, unknown>);
  const notifications = redact(merchant.notifications as unknown as Record<string, unknown>);
  // Merchant events (issue 9) add `webhooks` to the configuration; shown when present.
  const webhooks = redact((merchant as { webhooks?: MerchantEndpoint[] }).webhooks ?? []);
  return respond(
    c,
    <Page {...frame}>
      <h1>Settings</h1>
      <p>
        Settings are changed by an administrator through the admin API (
        <code>PATCH /admin/merchants/{"{id}"}</code>); secrets are never shown.
      </p>
      <Section id="providers" title="Providers">
        {Object.keys(providers).length === 0 ? (
          <p class="empty">No provider is configured.</p>
        ) : (
          Object.entries(providers).map(([name, config]) => (
            <>
              <h3>{name}</h3>
              <Settings entries={(config ?? {}) as Record<string, unknown>} />
            </>
          ))
        )}
      </Section>
      <Section id="notifications" title="Notification endpoint">
        <Settings entries={notifications} />
      </Section>
      <Section id="merchant-events" title="Merchant-event endpoints">
        {webhooks.length === 0 ? (
          <p class="empty">No merchant-event endpoint is configured.</p>
        ) : (
          <table>
            <Head cols={["Id", "URL", "Events", "Secret"]} />
            <tbody>
              {webhooks.map((w) => (
                <tr>
                  <td>{show(w.id)}</td>
                  <td>{show(w.url)}</td>
                  <td>{show(w.events)}</td>
                  <td>{w.secret ? SET : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section id="cadence" title="Reminder cadence">
        <p>
          {merchant.notifications.enabled
            ? `Reminders are sent ${merchant.notifications.cadence_days.map((d) => (d < 0 ? `${-d} day(s) before` : d === 0 ? "on" : `${d} day(s) after`)).join(", ")} the due date, and after each partial payment.`
            : "Reminders are switched off."}
        </p>
      </Section>
      <Section id="timezone" title="Time zone">
        <p>{`Times on these pages are shown in ${v.timeZone}.`}</p>
      </Section>
    </Page>,
  );
}
