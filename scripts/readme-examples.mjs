// `npm run readme:examples`: runs every README example marked `<!-- readme-example -->` in order, as a new
// user would after the quick start, against a fresh `wrangler dev` (a free port, a throwaway --persist-to
// directory, the admin token `.dev.vars.example` sets), and compares each answer with the one the README
// shows under it: the status when shown, and every `"field": value` shown (a string ending in `...` is a
// prefix). All blocks run in one bash, so variables such as KEY carry from one example to the next.
// Exit code 1 when an example fails or answers differently.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startWrangler } from "../bench/lib/wrangler.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MARKER = "<!-- readme-example -->";
const ADMIN_TOKEN = /^ADMIN_TOKEN=(.*)$/m.exec(
  readFileSync(path.join(ROOT, ".dev.vars.example"), "utf8"),
)?.[1];

/** The marked ```sh blocks, each cut into steps: commands, then the answer shown under them (if any). */
export function extractSteps(readme) {
  const steps = [];
  const lines = readme.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== MARKER) continue;
    const fence = lines[i + 1]?.trim();
    if (fence !== "```sh")
      throw new Error(`README.md:${i + 2}: ${MARKER} must be followed by a \`\`\`sh block`);
    const start = i + 2;
    let end = start;
    while (end < lines.length && lines[end].trim() !== "```") end++;
    let commands = [];
    let answer = [];
    const flush = (line) => {
      if (commands.some((c) => c.trim()))
        steps.push({ line, commands: commands.join("\n"), answer: answer.join(" ") });
      commands = [];
      answer = [];
    };
    for (let j = start; j < end; j++) {
      const text = lines[j];
      if (text.startsWith("#")) answer.push(text.replace(/^#\s?/, ""));
      else {
        if (answer.length > 0) flush(j + 1 - commands.length - answer.length);
        commands.push(text);
      }
    }
    flush(end - commands.length - answer.length + 1);
    i = end;
  }
  return steps;
}

const FIELD = /"([A-Za-z_][A-Za-z0-9_]*)"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null)/g;

/** What the README shows: an optional leading status, then its scalar fields. */
export function parseAnswer(text) {
  const status = /^\s*(\d{3})\b/.exec(text)?.[1];
  const fields = [...text.matchAll(FIELD)].map(([, key, value]) => ({ key, value: JSON.parse(value) }));
  return { status: status ? Number(status) : null, fields };
}

function pairsOf(value, out = []) {
  if (Array.isArray(value)) for (const v of value) pairsOf(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.push([k, v]);
      pairsOf(v, out);
    }
  }
  return out;
}

/** Differences between the answer shown and the one received; empty when they agree. */
export function compare(expected, status, body) {
  const problems = [];
  if (expected.status !== null && expected.status !== status) {
    problems.push(`status ${status}, README shows ${expected.status}`);
  }
  let json;
  try {
    json = JSON.parse(body);
  } catch {
    if (expected.fields.length > 0) problems.push(`answer is not JSON: ${body.slice(0, 200)}`);
    return problems;
  }
  const pairs = pairsOf(json);
  for (const { key, value } of expected.fields) {
    const ok = pairs.some(
      ([k, v]) =>
        k === key &&
        (typeof value === "string" && value.endsWith("...")
          ? String(v).startsWith(value.slice(0, -3))
          : v === value),
    );
    if (!ok) {
      const got = pairs.filter(([k]) => k === key).map(([, v]) => JSON.stringify(v));
      problems.push(`"${key}": README shows ${JSON.stringify(value)}, got ${got.join(" / ") || "nothing"}`);
    }
  }
  return problems;
}

/** One bash for every step; curl writing to a file (not a pipe) appends the status after the body. */
function startShell(dir) {
  const shell = spawn("bash", ["--noprofile", "--norc"], { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
  shell.stdin.write(
    `curl() { if [ -p /dev/stdout ]; then command curl "$@"; else command curl -w '\\n@@STATUS %{http_code}\\n' "$@"; fi; }\n`,
  );
  let buffer = "";
  let waiting = null;
  shell.stdout.on("data", (d) => {
    buffer += d.toString();
    const m = /@@DONE (\d+)\n/.exec(buffer);
    if (m && waiting) {
      buffer = "";
      const resolve = waiting;
      waiting = null;
      resolve(Number(m[1]));
    }
  });
  let n = 0;
  return {
    run(commands) {
      const out = path.join(dir, `out.${++n}`);
      return new Promise((resolve) => {
        waiting = (code) => resolve({ code, output: readFileSync(out, "utf8") });
        shell.stdin.write(`{\n${commands}\n} > ${out} 2> ${out}.err; echo "@@DONE $?"\n`);
      });
    },
    stop: () => shell.kill(),
  };
}

async function main() {
  const steps = extractSteps(readFileSync(path.join(ROOT, "README.md"), "utf8"));
  const server = await startWrangler({ cwd: ROOT, vars: { ADMIN_TOKEN, LOG_LEVEL: "silent" } });
  const dir = mkdtempSync(path.join(os.tmpdir(), "readme-examples-"));
  const shell = startShell(dir);
  let failed = 0;
  try {
    for (const step of steps) {
      const commands = step.commands.replaceAll("localhost:8787", `127.0.0.1:${server.port}`);
      const { code, output } = await shell.run(commands);
      const answers = output.split(/\n?@@STATUS (\d{3})\n/);
      const status = answers.length >= 3 ? Number(answers.at(-2)) : null;
      const body = answers.length >= 3 ? answers.at(-3) : output;
      const problems = code === 0 ? [] : [`exited with ${code}`];
      if (step.answer) problems.push(...compare(parseAnswer(step.answer), status, body.trim()));
      const label = `README.md:${step.line} ${step.commands.trim().split("\n").at(-1).trim().slice(0, 70)}`;
      if (problems.length === 0) console.log(`ok    ${label}`);
      else {
        failed++;
        console.log(
          `FAIL  ${label}\n${problems.map((p) => `        ${p}`).join("\n")}\n        answer: ${body.trim().slice(0, 400)}`,
        );
      }
    }
  } finally {
    shell.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`${steps.length - failed} of ${steps.length} README examples answered as shown`);
  if (failed > 0) process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
