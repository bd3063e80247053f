// @vitest-environment node
// The committed lock must list every platform's optional packages: a fresh machine whose
// registry lists them refuses an incomplete lock at `npm ci` (it happened; see issue #10).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { missingOptional, realDifferences, type Lock } from "../../scripts/lock-check.mjs";

const committed: Lock = JSON.parse(readFileSync(new URL("../../package-lock.json", import.meta.url), "utf8"));

describe("ui/package-lock.json", () => {
  it("lists every optional package that a locked package names", () => {
    expect(missingOptional(committed)).toEqual([]);
  });

  it("the check finds an optional package left out of a lock", () => {
    const packages = { ...committed.packages };
    delete packages["node_modules/@rollup/rollup-darwin-arm64"];
    expect(missingOptional({ packages })).toEqual(["node_modules/rollup → @rollup/rollup-darwin-arm64"]);
  });

  it("a lock that only gains optional packages is not out of date; any other change is", () => {
    const packages = { ...committed.packages };
    delete packages["node_modules/@rollup/rollup-darwin-arm64"];
    expect(realDifferences({ packages }, committed)).toEqual([]);
    const bumped = {
      packages: { ...committed.packages, "node_modules/vue": { ...committed.packages?.["node_modules/vue"], version: "0.0.1" } },
    };
    expect(realDifferences(committed, bumped)).toEqual(["changed node_modules/vue"]);
    expect(realDifferences(bumped, { packages: {} })).not.toEqual([]);
  });
});
