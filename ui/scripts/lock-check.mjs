// Checks ui/package-lock.json without asking any registry, so set-up never depends on which
// platforms' packages a registry happens to list.
//
//   node scripts/lock-check.mjs complete [LOCK]      every optional package that a locked
//       package names (rollup's, esbuild's, the Tauri CLI's builds for other platforms) has
//       its own entry: `npm ci` refuses a lock without them when the registry lists them.
//   node scripts/lock-check.mjs compare OLD NEW      NEW (what `npm install` would write)
//       differs from OLD only by such optional entries, so OLD is not out of date.
//
// Exit 0 when fine; 1 with one line per problem otherwise.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Where npm would look for `name` required from the package at `from` (nearest first). */
function resolves(packages, from, name) {
  let dir = from;
  for (;;) {
    if (packages[`${dir ? `${dir}/` : ""}node_modules/${name}`]) return true;
    if (!dir) return false;
    const cut = dir.lastIndexOf("/node_modules/");
    dir = cut < 0 ? "" : dir.slice(0, cut);
  }
}

/** Optional packages named by a locked package but missing from the lock. */
export function missingOptional(lock) {
  const packages = lock.packages ?? {};
  const missing = [];
  for (const [path, meta] of Object.entries(packages)) {
    for (const name of Object.keys(meta.optionalDependencies ?? {})) {
      if (!resolves(packages, path, name)) missing.push(`${path || "(root)"} → ${name}`);
    }
  }
  return missing;
}

/** Differences between two locks other than added optional packages (real drift). */
export function realDifferences(oldLock, newLock) {
  const a = oldLock.packages ?? {};
  const b = newLock.packages ?? {};
  const problems = [];
  for (const [path, meta] of Object.entries(b)) {
    const before = a[path];
    if (!before) {
      if (!meta.optional) problems.push(`added ${path}`);
      continue;
    }
    if (JSON.stringify(before) !== JSON.stringify(meta)) problems.push(`changed ${path || "(root)"}`);
  }
  for (const path of Object.keys(a)) if (!b[path]) problems.push(`removed ${path}`);
  return problems;
}

const read = (file) => JSON.parse(readFileSync(file, "utf8"));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [mode, x, y] = process.argv.slice(2);
  let problems;
  if (mode === "complete") problems = missingOptional(read(x ?? "package-lock.json"));
  else if (mode === "compare" && x && y) problems = realDifferences(read(x), read(y));
  else {
    console.error("usage: lock-check.mjs complete [LOCK] | compare OLD NEW");
    process.exit(2);
  }
  for (const p of problems) console.log(p);
  process.exit(problems.length ? 1 : 0);
}
