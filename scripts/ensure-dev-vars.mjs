// `npm run dev` must work on a fresh clone, and .dev.vars (secrets) is never committed. An existing
// .dev.vars gets any setting the example has gained since (SESSION_SECRET for the dashboard), values untouched.
import { appendFileSync, copyFileSync, existsSync, readFileSync } from "node:fs";

const names = (text) => new Set([...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("Created .dev.vars from .dev.vars.example (ADMIN_TOKEN=dev-admin-token-change-me)");
} else {
  const have = names(readFileSync(".dev.vars", "utf8"));
  const missing = readFileSync(".dev.vars.example", "utf8")
    .split("\n")
    .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line) && !have.has(line.split("=")[0]));
  if (missing.length) {
    appendFileSync(".dev.vars", `\n${missing.join("\n")}\n`);
    console.log(
      `Added to .dev.vars from .dev.vars.example: ${missing.map((l) => l.split("=")[0]).join(", ")}`,
    );
  }
}
