import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../lib/types";

/** The app's OpenAPI registry, where routes not built with createRoute describe themselves. */
export type Registry = OpenAPIHono<AppEnv>["openAPIRegistry"];
