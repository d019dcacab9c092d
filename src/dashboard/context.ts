// What every signed-in page needs from the request: the merchant, the reader's locale and time zone, the
// frame's props (merchant name, sign-out token, flash) and a CSRF token for each form it renders.
import type { Context } from "hono";
import { csrfToken } from "./csrf";
import { flashOf } from "./flash";
import { localeOf } from "./format";
import type { Frame } from "./layout";
import type { DashEnv } from "./types";

export interface Viewer {
  merchantId: string;
  locale: string;
  timeZone: string;
}

export function viewerOf(c: Context<DashEnv>): Viewer {
  const merchant = c.get("merchant")!;
  return {
    merchantId: merchant.id,
    locale: localeOf(c.req.header("accept-language")),
    timeZone: merchant.timezone ?? "UTC",
  };
}

/** The CSRF token of the form that posts to `path`, for this session. */
export const tokenFor = (c: Context<DashEnv>, path: string) =>
  csrfToken(c.get("sessionSecret")!, c.get("session")!.sid, path);

export async function frameOf(
  c: Context<DashEnv>,
  title: string,
  current?: Frame["current"],
): Promise<Omit<Frame, "children">> {
  return {
    title,
    ...(current ? { current } : {}),
    merchantName: c.get("merchant")!.name,
    signOutToken: await tokenFor(c, "/dashboard/sign-out"),
    flash: flashOf((name) => c.req.query(name)),
  };
}
