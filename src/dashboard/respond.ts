import type { Context } from "hono";
import { html } from "hono/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** A full page: the doctype (standards mode; hono/jsx renders elements only) and the rendered tree. */
export const respond = (c: Context, page: unknown, status: ContentfulStatusCode = 200) =>
  c.html(html`<!doctype html>${page}`, status);
