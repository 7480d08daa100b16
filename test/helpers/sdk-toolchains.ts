/**
 * What the tests of the generated SDKs need besides the Pulumi CLI, made once and cached under
 * ~/.cache/pulumi-rackspace-ticketing (XDG_CACHE_HOME): scripts/gen-sdks.sh (the generator,
 * built by the script itself), a Python venv with the pinned `pulumi` and the SDK's declared
 * dependencies, and the Go program of test/fixtures/sdk-go (built with the Go module cache,
 * -mod=readonly against its committed go.sum). The SDKs themselves are built from this checkout
 * on every run, the way a user builds them: `pip install` of sdk/python, `go build` through a
 * `replace` directive to sdk/go.
 *
 * A missing tool (python3, go) is a skip with a warning, or a failure with
 * RACKSPACE_REQUIRE_PULUMI_CLI=1 (CI), as for the CLI itself.
 */
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describeWithPulumiCli, REPO_ROOT } from "./pulumi-cli";
import { CliResult, runProcess } from "./run-process";

/** The newest stable `pulumi` on PyPI (3.273 exists only as alphas, 3.274 not at all). */
export const PULUMI_PYTHON_VERSION = "3.272.0";
export const CACHE_ROOT = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pulumi-rackspace-ticketing");
export const SDK_DIR = path.join(REPO_ROOT, "sdk");
export const GO_FIXTURE = path.join(REPO_ROOT, "test", "fixtures", "sdk-go");
export const PYTHON_FIXTURE = path.join(REPO_ROOT, "test", "fixtures", "sdk-python", "automation.py");

/** Why `cmd --version` cannot run here (undefined when it can). */
function toolProblem(cmd: string, args: string[]): string | undefined {
  try {
    execFileSync(cmd, args, { stdio: "ignore", timeout: 30_000 });
    return undefined;
  } catch (e) {
    return `\`${cmd} ${args.join(" ")}\` failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/**
 * `describe`, skipped (or failed in CI) without the given tool; with `cli`, it needs the Pulumi
 * CLI too (`describeWithPulumiCli`).
 */
export function describeWithSdkTool(name: string, tool: { cmd: string; args: string[] }, body: () => void, opts: { cli?: boolean } = { cli: true }): void {
  const problem = toolProblem(tool.cmd, tool.args);
  if (!problem) return opts.cli === false ? describe(name, body) : describeWithPulumiCli(name, body);
  if (process.env.RACKSPACE_REQUIRE_PULUMI_CLI === "1") {
    describe(name, () => {
      test(`${tool.cmd} is available (RACKSPACE_REQUIRE_PULUMI_CLI=1)`, () => {
        throw new Error(`${tool.cmd} is required: ${problem}`);
      });
    });
    return;
  }
  console.warn(`Skipping "${name}": ${problem}. Set RACKSPACE_REQUIRE_PULUMI_CLI=1 to make this a failure.`);
  describe.skip(name, body);
}

/** Throws with the command's output unless it exited 0. */
export function mustSucceed(what: string, r: CliResult): CliResult {
  if (r.code !== 0) throw new Error(`${what} ${r.timedOut ? "timed out" : `exited with ${r.code}`}:\n${r.output.slice(-6000)}`);
  return r;
}

const hash = (...parts: string[]) => crypto.createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 16);

/** Runs scripts/gen-sdks.sh with these arguments (it builds the generator once, cached). */
export function runGenSdks(args: string[]): Promise<CliResult> {
  return runProcess("bash", [path.join(REPO_ROOT, "scripts", "gen-sdks.sh"), ...args], { cwd: REPO_ROOT, env: process.env, timeoutMs: 15 * 60_000 });
}

/** What builds the SDK without build isolation: setuptools with its own bdist_wheel (70.1 on; the venv's own 65 needs `wheel`). */
const BUILD_REQUIREMENT = "setuptools>=70.1";

/** The dependencies sdk/python/pyproject.toml declares (a TOML array of strings is JSON). */
function pythonSdkDependencies(): string[] {
  const toml = fs.readFileSync(path.join(SDK_DIR, "python", "pyproject.toml"), "utf8");
  const m = /^\s*dependencies\s*=\s*(\[.*\])\s*$/m.exec(toml);
  if (!m) throw new Error("sdk/python/pyproject.toml declares no dependencies line");
  return JSON.parse(m[1]) as string[];
}

/**
 * The python of a venv holding pulumi==PULUMI_PYTHON_VERSION, setuptools (to build the SDK
 * without build isolation: BUILD_REQUIREMENT) and the SDK's other dependencies; made once per Python version and
 * dependency list (under a lock: concurrent test files wait for one another).
 */
export async function ensurePythonVenv(): Promise<string> {
  const pythonVersion = execFileSync("python3", ["--version"], { encoding: "utf8" }).trim();
  const deps = pythonSdkDependencies().filter((d) => !/^pulumi[<>=!~ ]/.test(d));
  const venv = path.join(CACHE_ROOT, `sdk-python-venv-${hash(pythonVersion, PULUMI_PYTHON_VERSION, BUILD_REQUIREMENT, ...deps)}`);
  const python = path.join(venv, "bin", "python");
  if (fs.existsSync(path.join(venv, ".complete"))) return python;
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  const script = [
    "set -euo pipefail",
    `exec 9>"${CACHE_ROOT}/.sdk-python-venv.lock"`,
    "flock 9",
    `V="${venv}"`,
    'if [ ! -f "$V/.complete" ]; then',
    '  rm -rf "$V"',
    '  python3 -m venv "$V"',
    `  "$V/bin/python" -m pip install --quiet --disable-pip-version-check "pulumi==${PULUMI_PYTHON_VERSION}" "${BUILD_REQUIREMENT}" ${deps.map((d) => `'${d.replace(/'/g, "'\\''")}'`).join(" ")}`,
    '  touch "$V/.complete"',
    "fi",
  ].join("\n");
  mustSucceed("making the Python venv", await runProcess("bash", ["-c", script], { cwd: REPO_ROOT, env: process.env, timeoutMs: 15 * 60_000 }));
  return python;
}

/**
 * `pip install`s sdk/python (copied first: setuptools builds in the source tree) into
 * `<into>/site`, offline, and returns that directory for PYTHONPATH.
 */
export async function installPythonSdk(python: string, into: string): Promise<string> {
  const src = path.join(into, "sdk-python");
  fs.cpSync(path.join(SDK_DIR, "python"), src, { recursive: true });
  const site = path.join(into, "site");
  const args = ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-index", "--no-deps", "--no-build-isolation", "--target", site, src];
  mustSucceed("pip install sdk/python", await runProcess(python, args, { cwd: into, env: process.env, timeoutMs: 5 * 60_000 }));
  return site;
}

/**
 * Builds test/fixtures/sdk-go (the generated Go SDK through its `replace` directive) into
 * `<into>/sdk-go-program`: go.mod and go.sum are never edited (-mod=readonly); the first build
 * takes minutes on 2 cores, later ones reuse Go's build cache.
 */
export async function buildGoProgram(into: string): Promise<string> {
  const out = path.join(into, "sdk-go-program");
  const env = { ...process.env, GOFLAGS: "-mod=readonly -buildvcs=false" };
  mustSucceed("go build test/fixtures/sdk-go", await runProcess("go", ["build", "-trimpath", "-o", out, "."], { cwd: GO_FIXTURE, env, timeoutMs: 20 * 60_000 }));
  return out;
}
