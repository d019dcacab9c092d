// Plain HTTP calls to the Worker for setup and verification (the load itself goes through autocannon).

/** `api` answers { status, body (parsed JSON when possible), text }; `must` throws unless the status is expected. */
export function createClient(origin, adminToken) {
  async function api(method, urlPath, { body, key, admin, headers = {} } = {}) {
    const h = { ...headers };
    if (admin) h.authorization = `Bearer ${adminToken}`;
    if (key) h.authorization = `Bearer ${key}`;
    if (body !== undefined && typeof body !== "string") h["content-type"] = "application/json";
    const res = await fetch(`${origin}${urlPath}`, {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {}
    return { status: res.status, body: parsed, text };
  }

  async function must(method, urlPath, opts, ...expected) {
    const r = await api(method, urlPath, opts);
    if (!expected.includes(r.status))
      throw new Error(`${method} ${urlPath}: ${r.status} ${r.text.slice(0, 300)} (expected ${expected})`);
    return r.body;
  }

  return { api, must };
}

/** Runs `fn` over `items`, at most `width` at a time. */
export async function inParallel(items, width, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}
