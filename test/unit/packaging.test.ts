/**
 * What `npm pack` ships: only dist/, README.md, LICENSE and package.json, with the entry
 * points the exports map names (the provider stub loads ./provider/impl by name).
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { ensureBuilt } from "../helpers/provider-host";

const ROOT = path.resolve(__dirname, "..", "..");

describe("npm pack", () => {
  let files: string[];
  beforeAll(() => {
    ensureBuilt();
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    files = (JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
  });

  it("contains only dist/, README.md, LICENSE and package.json", () => {
    const outside = files.filter((f) => !f.startsWith("dist/") && !["README.md", "LICENSE", "package.json"].includes(f));
    expect(outside).toEqual([]);
    for (const f of ["README.md", "LICENSE", "package.json"]) expect(files).toContain(f);
  });

  it("has every entry point of the exports map and the simulator's bin, with declarations", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require(path.join(ROOT, "package.json")) as { exports: Record<string, { default: string; types: string } | string>; bin: Record<string, string> };
    for (const [key, target] of Object.entries(pkg.exports)) {
      if (typeof target === "string") continue;
      expect([key, files.includes(target.default.replace(/^\.\//, ""))]).toEqual([key, true]);
      expect([key, files.includes(target.types.replace(/^\.\//, ""))]).toEqual([key, true]);
    }
    for (const bin of Object.values(pkg.bin)) expect(files).toContain(bin);
  });

  it("ships no test, source or demo state", () => {
    expect(files.filter((f) => /(^|\/)(test|src|\.demo|coverage|scripts)\//.test(f) || f.endsWith(".test.js"))).toEqual([]);
  });
});
