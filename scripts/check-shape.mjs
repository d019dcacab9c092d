// The shape rules for src/ that no other tool checks: no file over 400 lines, and no import cycle
// (type-only imports included: a cycle of types is still two modules that cannot be read apart).
// Usage: node scripts/check-shape.mjs  (exits 1 and says where, when a rule is broken)
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "..", "src");
const MAX_LINES = 400;

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (path.endsWith(".ts") || path.endsWith(".tsx")) files.push(path);
  }
};
walk(ROOT);

const problems = [];
const graph = new Map();
for (const file of files) {
  const text = readFileSync(file, "utf8");
  const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  if (lines > MAX_LINES) problems.push(`${relative(ROOT, file)} has ${lines} lines (at most ${MAX_LINES})`);
  const deps = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
    const target = resolve(dirname(file), m[1]);
    // An import names a module without its extension: the .ts or the .tsx (JSX pages) beside it.
    deps.push(
      /\.tsx?$/.test(target) ? target : existsSync(`${target}.tsx`) ? `${target}.tsx` : `${target}.ts`,
    );
  }
  graph.set(
    file,
    deps.filter((d) => files.includes(d)),
  );
}

// Depth-first search; a back edge to a module still on the stack closes a cycle.
const state = new Map();
const stack = [];
const visit = (file) => {
  state.set(file, "open");
  stack.push(file);
  for (const dep of graph.get(file)) {
    if (state.get(dep) === "open") {
      const cycle = [...stack.slice(stack.indexOf(dep)), dep].map((f) => relative(ROOT, f));
      problems.push(`import cycle: ${cycle.join(" -> ")}`);
    } else if (!state.has(dep)) visit(dep);
  }
  stack.pop();
  state.set(file, "done");
};
for (const file of files) if (!state.has(file)) visit(file);

if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`src/: ${files.length} files, none over ${MAX_LINES} lines, no import cycle`);
