/**
 * The Markdown API reference in docs/api/ (TypeDoc + typedoc-plugin-markdown, configured
 * in typedoc.json from the package's three public entry points and nothing else:
 * `pulumi-rackspace-ticketing` (src/index.ts), `…/plugin` (src/faces/plugin/classes.ts) and
 * `…/simulator` (src/simulator/index.ts)):
 * generating it succeeds with warnings treated as errors (an exported signature naming a
 * type the package does not export, a broken {@link}), and the committed copy is exactly
 * what a fresh generation gives, so it cannot go stale.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runProcess } from "../helpers/pulumi-cli";

const ROOT = path.resolve(__dirname, "..", "..");
const DOCS = path.join(ROOT, "docs", "api");
const TYPEDOC = path.join(ROOT, "node_modules", "typedoc", "bin", "typedoc");

/** Relative paths of every file under `dir`, sorted ("/"-separated). */
function files(dir: string, base = dir): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p, base));
    else out.push(path.relative(base, p).split(path.sep).join("/"));
  }
  return out.sort();
}

describe("API docs (typedoc.json → docs/api/)", () => {
  let out = "";
  let result: Awaited<ReturnType<typeof runProcess>>;

  beforeAll(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "rackspace-api-docs-"));
    result = await runProcess(process.execPath, [TYPEDOC, "--out", out], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" }, timeoutMs: 170_000 });
  }, 180_000);

  afterAll(() => {
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  it("typedoc.json documents the package's public entry points into docs/api/, warnings as errors", () => {
    const cfg = JSON.parse(fs.readFileSync(path.join(ROOT, "typedoc.json"), "utf8")) as Record<string, unknown>;
    expect(cfg).toMatchObject({
      entryPoints: ["src/index.ts", "src/faces/plugin/classes.ts", "src/simulator/index.ts"],
      plugin: ["typedoc-plugin-markdown"],
      out: "docs/api",
      treatWarningsAsErrors: true,
      validation: { notExported: true, invalidLink: true },
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require(path.join(ROOT, "package.json")) as { scripts: Record<string, string>; exports: Record<string, unknown> };
    expect(pkg.scripts.docs).toBe("typedoc");
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining([".", "./plugin", "./simulator"]));
    // Every type the public declarations name is documented: none is marked as left out on purpose.
    expect(cfg.intentionallyNotExported).toEqual([]);
  });

  it("generates without errors or warnings", () => {
    expect({ code: result.code, output: result.code === 0 ? "" : result.output }).toEqual({ code: 0, output: "" });
    expect(result.output).not.toMatch(/\[warning\]|\[error\]/);
    expect(files(out)).toEqual(expect.arrayContaining(["README.md", "index/README.md", "index/classes/RackspaceTicket.md", "plugin/classes/Ticket.md", "simulator/README.md", "simulator/functions/startSimulator.md"]));
  });

  it("the committed docs/api/ is what a fresh generation gives (else: run npm run docs)", () => {
    expect(result.code).toBe(0);
    const fresh = files(out);
    const committed = files(DOCS);
    const missing = fresh.filter((f) => !committed.includes(f));
    const extra = committed.filter((f) => !fresh.includes(f));
    const changed = fresh.filter((f) => committed.includes(f) && fs.readFileSync(path.join(out, f), "utf8") !== fs.readFileSync(path.join(DOCS, f), "utf8"));
    const stale = { missing, extra, changed };
    if (missing.length + extra.length + changed.length > 0) {
      throw new Error(`docs/api/ is stale: run npm run docs and commit the result.\n${JSON.stringify(stale, null, 2)}`);
    }
    expect(stale).toEqual({ missing: [], extra: [], changed: [] });
  });
});
