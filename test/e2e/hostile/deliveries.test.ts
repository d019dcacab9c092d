// Hostile input against the delivery log (/v1/webhook-deliveries): every refusal is a 4xx in our error
// shape, changes no ledger, and adds nothing to the log.
import { beforeAll, describe, expect, it } from "vitest";
import { call } from "../../helpers";
import { authCases, jsonBodyCases } from "./bodies";
import { admin, bearer, type Case, newIds, runCases, useWorld } from "./world";

const ids = newIds();
const world = useWorld(ids);

const BASE = "/v1/webhook-deliveries";
const UNKNOWN = `whd_${"A".repeat(20)}`;
const RLO = "\u202E";

const retry = {
  label: "POST retry",
  method: "POST",
  path: `${BASE}/${UNKNOWN}/retry`,
  base: {},
  auth: bearer,
  shape: "api" as const,
  body: "none" as const,
  schemaStatus: 422,
  limit: 64 * 1024,
};

const badIds: Array<[string, string, number]> = [
  ["id without its prefix", "A".repeat(20), 422],
  ["id too long", `whd_${"A".repeat(21)}`, 422],
  ["id with NUL", `whd_${"A".repeat(19)}%00`, 422],
  ["id with RTL override", `whd_${"A".repeat(19)}${encodeURIComponent(RLO)}`, 422],
  ["id with a dot", `whd_${"A".repeat(19)}.`, 422],
  ["unknown id", UNKNOWN, 404],
];
const pathCases: Case[] = badIds.flatMap(([name, id, status]) => [
  { name: `GET delivery: ${name}`, method: "GET", path: `${BASE}/${id}`, auth: bearer, status },
  { name: `POST retry: ${name}`, method: "POST", path: `${BASE}/${id}/retry`, auth: bearer, status },
]);

const queries: Array<[string, string]> = [
  ["unknown outcome", "outcome=lost"],
  ["outcome in capitals", "outcome=REFUSED"],
  ["unknown provider", "provider=paypal"],
  ["provider __proto__", "provider=__proto__"],
  ["since not a date", "since=yesterday"],
  ["since without a time", "since=2026-11-01"],
  ["since month 13", "since=2026-13-01T00:00:00Z"],
  ["since as epoch seconds", "since=1760000000"],
  ["garbage cursor", "cursor=garbage"],
  ["cursor with symbols", "cursor=%21%21"],
  ["cursor over 512 characters", `cursor=${"a".repeat(513)}`],
  ["the log's raw cursor", `cursor=${btoa("seq:1").replace(/=+$/, "")}`],
  ["limit 0", "limit=0"],
  ["limit 201", "limit=201"],
  ["limit 1e2", "limit=1e2"],
  ["limit 05", "limit=05"],
];
const queryCases: Case[] = [
  ...queries.map(([name, q]) => ({
    name: `GET deliveries: ${name}`,
    method: "GET",
    path: `${BASE}?${q}`,
    auth: bearer,
    status: 422,
  })),
  {
    name: "GET deliveries: an invoice list's cursor",
    method: "GET",
    path: (w) => `${BASE}?cursor=${w.cursors.lines}`,
    auth: bearer,
    status: 422,
  },
  {
    name: "GET deliveries: the admin token is not an API key",
    method: "GET",
    path: BASE,
    auth: admin,
    status: 401,
  },
];

/** The log as the merchant sees it before and after every hostile request. */
const logOf = async () => (await call("GET", `${BASE}?limit=200`, { key: world().key })).body;
let before: unknown;
beforeAll(async () => {
  before = await logOf();
});

describe("hostile input: delivery log", () => {
  runCases(
    [
      ...jsonBodyCases(retry),
      ...authCases({ ...retry, base: {} }),
      // A GET carries no body.
      ...authCases({ label: "GET deliveries", method: "GET", path: BASE, shape: "api", base: {} }).map(
        ({ raw: _raw, ...c }) => c,
      ),
      ...pathCases,
      ...queryCases,
    ],
    world,
  );
  it("added nothing to the log", async () => {
    expect(await logOf()).toEqual(before);
  });
});
