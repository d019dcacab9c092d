// Hostile input against the merchant-event routes: endpoint and delivery ids, status filters, limits and
// cursors that are not ours are 422 in our error shape; no or wrong credentials 401; nothing changes.
import { describe } from "vitest";
import { authCases, jsonBodyCases, type Route } from "./bodies";
import { admin, bearer, type Case, newIds, runCases, useWorld } from "./world";

const ids = newIds();
const world = useWorld(ids);

const EP = "we_AAAAAAAAAAAAAAAAAAAA";
const DELIVERY = `evt_${"0".repeat(32)}`;
const deliveriesPath = `/v1/webhook-endpoints/${EP}/deliveries`;

const resend: Route = {
  label: "POST event resend",
  method: "POST",
  path: `${deliveriesPath}/${DELIVERY}/resend`,
  base: {},
  auth: bearer,
  shape: "api",
  body: "none",
  schemaStatus: 422,
  limit: 64 * 1024,
};

const badQueries: Array<[string, string]> = [
  ["unknown status", "status=lost"],
  ["status in upper case", "status=FAILED"],
  ["two statuses", "status=failed,sent"],
  ["limit 0", "limit=0"],
  ["limit 201", "limit=201"],
  ["limit 1e2", "limit=1e2"],
  ["garbage cursor", "cursor=garbage"],
  ["cursor over 512 characters", `cursor=${"a".repeat(513)}`],
];

const badIds: Array<[string, string]> = [
  ["endpoint id without prefix", "/v1/webhook-endpoints/AAAAAAAAAAAAAAAAAAAA/deliveries"],
  ["endpoint id too short", "/v1/webhook-endpoints/we_abc/deliveries"],
  ["endpoint id with SQL", "/v1/webhook-endpoints/we_AAAAAAAAAA'%20OR%201=1/deliveries"],
  ["delivery id in upper case", `${deliveriesPath}/evt_${"A".repeat(32)}/resend`],
  ["delivery id of a provider delivery", `${deliveriesPath}/whd_3fKq9r8GKYqrTwjUPD8I/resend`],
];

const cases: Case[] = [
  ...badQueries.map(
    ([name, q]): Case => ({
      name: `GET event deliveries: ${name}`,
      method: "GET",
      path: `${deliveriesPath}?${q}`,
      auth: bearer,
      status: 422,
    }),
  ),
  {
    name: "GET event deliveries: a lines cursor",
    method: "GET",
    path: (w) => `${deliveriesPath}?cursor=${w.cursors.lines}`,
    auth: bearer,
    status: 422,
  },
  ...badIds.map(
    ([name, path]): Case => ({
      name: `event routes: ${name}`,
      method: path.endsWith("/resend") ? "POST" : "GET",
      path,
      auth: bearer,
      status: 422,
    }),
  ),
  {
    name: "GET webhook-endpoints: no credentials",
    method: "GET",
    path: "/v1/webhook-endpoints",
    status: 401,
  },
  {
    name: "GET webhook-endpoints: the admin token is not an API key",
    method: "GET",
    path: "/v1/webhook-endpoints",
    auth: admin,
    status: 401,
  },
  {
    name: "GET event deliveries: unknown endpoint",
    method: "GET",
    path: deliveriesPath,
    auth: bearer,
    status: 404,
  },
  ...jsonBodyCases(resend),
  ...authCases(resend),
];

describe("hostile input: merchant-event routes", () => {
  runCases(cases, world);
});
