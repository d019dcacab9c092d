// A merchant's notification endpoint for the tests, run by Miniflare in Node as the Worker's outbound
// service: every fetch the Worker makes to hooks.receiver.test lands here and is verified with the
// maintained `standardwebhooks` package, not with our own code. Tests script its answers and read what
// it received through control.receiver.test. Any other host passes through to the network.
import { fetch as passThrough, type Request, Response } from "miniflare";
import { Webhook } from "standardwebhooks";

export const RECEIVER_HOST = "hooks.receiver.test";
export const CONTROL_HOST = "control.receiver.test";

/**
 * An HTTP status to answer; a status with a Retry-After (seconds); or a delay (ms) before answering 200,
 * longer than the sender's timeout.
 */
export type Step = number | { status: number; retryAfter: number } | { hangMs: number };

export interface ReceivedDelivery {
  n: number;
  webhookId: string | null;
  webhookTimestamp: string | null;
  verified: boolean;
  verifyError: string | null;
  body: unknown;
  answered: number | "hang";
}

interface Endpoint {
  secret: string;
  script: Step[];
  deliveries: ReceivedDelivery[];
}

const endpoints = new Map<string, Endpoint>();
const json = (value: unknown, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

export async function reminderReceiver(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.hostname === CONTROL_HOST) return control(request, url);
  if (url.hostname === RECEIVER_HOST) return receive(request, url);
  return passThrough(request);
}

async function control(request: Request, url: URL): Promise<Response> {
  const id = /^\/endpoints\/([\w-]+)$/.exec(url.pathname)?.[1];
  if (!id) return json({ error: "no such control route" }, 404);
  if (request.method === "PUT") {
    const { secret, script } = (await request.json()) as { secret: string; script: Step[] };
    endpoints.set(id, { secret, script, deliveries: [] });
    return json({ ok: true });
  }
  const endpoint = endpoints.get(id);
  if (!endpoint) return json({ error: "unknown endpoint" }, 404);
  return json({ deliveries: endpoint.deliveries });
}

async function receive(request: Request, url: URL): Promise<Response> {
  const endpoint = endpoints.get(url.pathname.slice(1));
  const raw = await request.text();
  if (!endpoint || request.method !== "POST") return new Response("unknown endpoint", { status: 404 });
  const headers = Object.fromEntries(request.headers.entries());
  let verified = false;
  let verifyError: string | null = null;
  let body: unknown = null;
  try {
    body = new Webhook(endpoint.secret).verify(raw, headers);
    verified = true;
  } catch (err) {
    verifyError = String(err);
    try {
      body = JSON.parse(raw);
    } catch {}
  }
  const n = endpoint.deliveries.length;
  const step = endpoint.script[Math.min(n, endpoint.script.length - 1)] ?? 200;
  endpoint.deliveries.push({
    n: n + 1,
    webhookId: headers["webhook-id"] ?? null,
    webhookTimestamp: headers["webhook-timestamp"] ?? null,
    verified,
    verifyError,
    body,
    answered: typeof step === "number" ? step : "status" in step ? step.status : "hang",
  });
  if (typeof step === "object" && "hangMs" in step) {
    await new Promise((resolve) => setTimeout(resolve, step.hangMs));
    return new Response("too late", { status: 200 });
  }
  // A receiver that cannot verify the signature refuses the delivery, as a real one would.
  if (!verified) return new Response("bad signature", { status: 401 });
  const status = typeof step === "number" ? step : step.status;
  const retryAfter: Record<string, string> =
    typeof step === "number" ? {} : { "retry-after": String(step.retryAfter) };
  return new Response(status < 300 ? "ok" : "nope", { status, headers: retryAfter });
}
