/**
 * The committed SDKs (sdk/python, sdk/go, sdk/nodejs) are what scripts/gen-sdks.sh writes from
 * the committed schema.json now: they are regenerated into a temporary directory (the generator
 * is built once, cached) and compared file by file with sdk/ as the checkout has it (tracked
 * files and new ones, not what .gitignore leaves out: node_modules, bin, build output). A
 * difference fails naming the first files that differ; `npm run sdks` fixes it.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/pulumi-cli";
import { describeWithSdkTool, mustSucceed, runGenSdks, SDK_DIR } from "../helpers/sdk-toolchains";

jest.setTimeout(20 * 60_000);

const LANGUAGES = ["python", "go", "nodejs"];

/** Every file under `dir`, relative, "/"-separated. */
function filesUnder(dir: string, base = dir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p, base) : [path.relative(base, p).split(path.sep).join("/")];
  });
}

/** What sdk/'s .gitignore files leave out (build output of the SDKs' own tooling), for a copy that is no git checkout. */
const IGNORED = /(^|\/)(node_modules|bin|__pycache__|\.mypy_cache|dist|build|[^/]+\.egg-info)\/|\.pyc$/;

/**
 * The files of sdk/ in the checkout: tracked (even if deleted: then they differ) and untracked but
 * not ignored. In a copy of the tree that is no git checkout (CI's Node 24 run copies those files),
 * the files on disk, less what sdk/'s .gitignore files leave out.
 */
function checkoutFiles(): string[] {
  let out: string;
  try {
    out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", "sdk"], { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    if (!/not a git repository/.test(String((e as { stderr?: unknown }).stderr ?? e))) throw e;
    return filesUnder(SDK_DIR).filter((f) => !IGNORED.test(f)).sort();
  }
  return [...new Set(out.split("\0").filter(Boolean).map((f) => path.posix.relative("sdk", f)))].sort();
}

describeWithSdkTool("the committed SDKs", { cmd: "go", args: ["version"] }, () => {
  let out: string;
  beforeAll(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "rackspace-sdks-"));
  });
  afterAll(() => {
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  test("are what scripts/gen-sdks.sh writes from schema.json now (else: npm run sdks)", async () => {
    mustSucceed("scripts/gen-sdks.sh", await runGenSdks(["-out", out]));
    const generated = LANGUAGES.flatMap((l) => filesUnder(path.join(out, l), out)).sort();
    expect(generated.length).toBeGreaterThan(40);
    const committed = checkoutFiles();
    const differs: string[] = [];
    for (const f of [...new Set([...generated, ...committed])].sort()) {
      const a = path.join(out, f);
      const b = path.join(SDK_DIR, f);
      if (!fs.existsSync(a)) differs.push(`sdk/${f}: not generated any more`);
      else if (!fs.existsSync(b)) differs.push(`sdk/${f}: generated, missing from the checkout`);
      else if (!fs.readFileSync(a).equals(fs.readFileSync(b))) differs.push(`sdk/${f}: content differs`);
    }
    const shown = differs.slice(0, 10).concat(differs.length > 10 ? [`… and ${differs.length - 10} more`] : []);
    expect({ stale: shown, fix: differs.length > 0 ? "npm run sdks, then commit sdk/" : "" }).toEqual({ stale: [], fix: "" });
  });
}, { cli: false });
