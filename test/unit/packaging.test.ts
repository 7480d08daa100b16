/**
 * What `npm pack` ships: dist/, README.md with every file it links to (CHANGELOG.md, docs/,
 * examples/ci-change-record/), LICENSE, package.json and the plugin's schema.json and entry
 * script, with the entry points the exports map names (the provider stub loads ./provider/impl
 * by name); and every relative link of a shipped Markdown file resolves inside the tarball.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
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

  it("contains only dist/, README.md and what it links to, LICENSE, package.json, the plugin's schema.json and its entry script", () => {
    const top = ["README.md", "LICENSE", "package.json", "schema.json", "pulumi-resource-rackspace", "CHANGELOG.md"];
    const outside = files.filter((f) => !/^(dist|docs|examples\/ci-change-record)\//.test(f) && !top.includes(f));
    expect(outside).toEqual([]);
    for (const f of top) expect(files).toContain(f);
  });

  /** The relative links of a Markdown text (not URLs, not anchors in the same file), without their anchor. */
  const relativeLinks = (markdown: string): string[] =>
    [...markdown.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
      .map((m) => m[1])
      .filter((t) => !/^([a-z][a-z0-9+.-]*:|#)/i.test(t))
      .map((t) => t.replace(/#.*$/, ""));

  /** Whether `target` (a path relative to the package root) is a shipped file, or a folder holding one. */
  const shipped = (target: string): boolean => {
    const p = path.posix.normalize(target).replace(/\/$/, "");
    return files.includes(p) || files.some((f) => f.startsWith(`${p}/`));
  };

  it("every relative link in README.md resolves to a file in the tarball", () => {
    const links = relativeLinks(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"));
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((l) => !shipped(l))).toEqual([]);
  });

  it("so does every relative link in the other Markdown files it ships (docs/, the example's README)", () => {
    const broken: string[] = [];
    for (const md of files.filter((f) => f.endsWith(".md") && f !== "README.md")) {
      for (const l of relativeLinks(fs.readFileSync(path.join(ROOT, md), "utf8"))) {
        if (!shipped(path.posix.join(path.posix.dirname(md), l))) broken.push(`${md} → ${l}`);
      }
    }
    expect(broken).toEqual([]);
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

  it("typesVersions gives each subpath export its declarations for moduleResolution node (which reads no exports map)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require(path.join(ROOT, "package.json")) as { exports: Record<string, { types: string } | string>; typesVersions: Record<string, Record<string, string[]>> };
    const subpaths = Object.entries(pkg.exports).filter(([k, v]) => k !== "." && typeof v !== "string") as [string, { types: string }][];
    expect(Object.keys(pkg.typesVersions)).toEqual(["*"]);
    expect(pkg.typesVersions["*"]).toEqual(Object.fromEntries(subpaths.map(([k, v]) => [k.replace(/^\.\//, ""), [v.types]])));
  });

  it("ships no test, source, script, bench, demo state, or example but the one the README links to", () => {
    expect(files.filter((f) => /(^|\/)(test|src|bench|\.demo|\.ci|coverage|scripts|node_modules)\//.test(f) || f.endsWith(".test.js") || f.endsWith(".tgz") || f.endsWith(".tar.gz"))).toEqual([]);
    expect(files.filter((f) => f.startsWith("examples/") && !f.startsWith("examples/ci-change-record/"))).toEqual([]);
  });
});

/**
 * What the package says it supports, and that CI tests it: Node >= 20 (CI's own Node) and
 * Node 24 with the newest @pulumi/pulumi (scripts/ci-node24.sh, run from .ci/run); the
 * peer range spans the lowest tested @pulumi/pulumi (the devDependency, 3.248.0) to < 4.
 */
describe("supported versions", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pkg = require(path.join(ROOT, "package.json")) as {
    engines?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    devDependencies: Record<string, string>;
  };

  it("declares engines.node >=20 and @pulumi/pulumi >=3.248.0 <4 as the peer range, tested at its low end", () => {
    expect(pkg.engines?.node).toBe(">=20");
    expect(pkg.peerDependencies?.["@pulumi/pulumi"]).toBe(">=3.248.0 <4");
    expect(pkg.devDependencies["@pulumi/pulumi"]).toBe("3.248.0");
  });

  it(".ci/run runs scripts/ci-node24.sh after the main tests and folds its exit status into its own", () => {
    const ci = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
    const script = path.join(ROOT, "scripts", "ci-node24.sh");
    expect(fs.existsSync(script)).toBe(true);
    expect(fs.statSync(script).mode & 0o111).not.toBe(0);
    const lines = ci.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
    const main = lines.findIndex((l) => /^npm test\b/.test(l));
    const node24 = lines.findIndex((l) => l.includes("scripts/ci-node24.sh"));
    expect(main).toBeGreaterThanOrEqual(0);
    expect(node24).toBeGreaterThan(main);
    // Its failure is recorded (not fatal under set -e), then folded into the status CI exits with.
    const recorded = /\|\|\s*(\w+)=\$\?/.exec(lines[node24]);
    expect(recorded).not.toBeNull();
    expect(lines.slice(node24 + 1).some((l) => l.includes(`status=$${recorded![1]}`))).toBe(true);
    expect(lines[lines.length - 1]).toBe('exit "$status"');
    const script24 = fs.readFileSync(script, "utf8");
    expect(script24).toMatch(/node@24/);
    expect(script24).toMatch(/@pulumi\/pulumi@latest/);
    expect(script24).toMatch(/test\/unit test\/integration/);
    // dist/ is built in the copy before the suites (npm ci builds nothing: no install-time script).
    const build = script24.indexOf("\nnpm run build\n");
    expect(build).toBeGreaterThan(script24.indexOf("\nnpm ci "));
    expect(build).toBeLessThan(script24.indexOf("node node_modules/jest/bin/jest.js"));
  });
});

/**
 * Installing the package runs none of its scripts: npm 11 warns about (and may refuse) an
 * install-time script nobody approved, and `prepare` ran tsc, a devDependency a user does not
 * have. The build runs at `prepack` (before `npm pack` and `npm publish`); the commands that
 * need dist/ build it themselves.
 */
describe("scripts", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pkg = require(path.join(ROOT, "package.json")) as { scripts: Record<string, string> };

  it("has no install-time script; prepack builds", () => {
    const installTime = ["preinstall", "install", "postinstall", "preprepare", "prepare", "postprepare"];
    expect(Object.keys(pkg.scripts).filter((s) => installTime.includes(s))).toEqual([]);
    expect(pkg.scripts.prepack).toBe("npm run build");
  });

  it("the commands that run built code build first: test, demo, soak, bench, sim, schema", () => {
    for (const s of ["test", "demo", "soak", "bench", "sim", "schema"]) expect([s, pkg.scripts[s]]).toEqual([s, expect.stringMatching(/^npm run build && /)]);
  });
});
