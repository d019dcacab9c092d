// `npm run screenshots`: takes the README's two dashboard pictures again (the browser test that signs in as the
// quick start's acme and saves the overview and INV-1001 into test/browser/screenshots/, git-ignored) and copies
// them into docs/, where the README shows them. `npm test` never writes into docs/, so CI's tracked files stay
// as committed; run this by hand when the pages change, and commit the two images.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SHOTS = path.join(ROOT, "test/browser/screenshots");
const PICTURES = [
  ["readme-overview.png", "docs/dashboard-overview.png"],
  ["readme-invoice.png", "docs/dashboard-invoice.png"],
];

const started = Date.now();
const run = spawnSync(
  process.execPath,
  [
    path.join(ROOT, "node_modules/vitest/vitest.mjs"),
    "run",
    "--project",
    "browser",
    "test/browser/dashboard/readme-screenshots.test.ts",
  ],
  { cwd: ROOT, stdio: "inherit" },
);
if (run.status !== 0) process.exit(run.status ?? 1);

mkdirSync(path.join(ROOT, "docs"), { recursive: true });
for (const [from, to] of PICTURES) {
  const source = path.join(SHOTS, from);
  // Only a picture this run wrote: never one left over from an older run.
  if (!existsSync(source) || statSync(source).mtimeMs < started) {
    console.error(`${from} was not written by this run`);
    process.exit(1);
  }
  copyFileSync(source, path.join(ROOT, to));
  console.log(`${to} <- test/browser/screenshots/${from}`);
}
