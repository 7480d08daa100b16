/**
 * The package's declarations compile in a user's project: `npm pack` this repository, install
 * the tarball into a fresh directory with @pulumi/pulumi (the peer range's floor), typescript
 * and @types/node, and compile test/fixtures/user-types/index.ts (RackspaceTicket with every
 * input, RackspaceTicketComment, the lookups, the errors, the plugin's classes, the simulator)
 * under each of its tsconfigs: what `pulumi new typescript` writes now and wrote until March
 * 2026, `strict`, and `strict` with `exactOptionalPropertyTypes`. None skips the check of the
 * declarations (`skipLibCheck`), so what the public types reach is compiled too: no zod, axios
 * or ioredis declaration may be among it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensureBuilt, REPO_ROOT } from "../helpers/provider-host";
import { CliResult, runProcess } from "../helpers/run-process";

jest.setTimeout(300_000);

const FIXTURE = path.join(REPO_ROOT, "test", "fixtures", "user-types");
const CONFIGS = ["tsconfig.pulumi-new.json", "tsconfig.pulumi-new-2024.json", "tsconfig.strict.json", "tsconfig.strict-exact.json"];
// eslint-disable-next-line @typescript-eslint/no-require-imports
const repoPkg = require(path.join(REPO_ROOT, "package.json")) as { devDependencies: Record<string, string> };

/** The environment without RACKSPACE_* variables. */
function env(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("RACKSPACE_")) out[k] = v;
  return out;
}

function expectOk(what: string, r: CliResult): void {
  expect({ what, code: r.code, output: r.code === 0 ? "" : r.output }).toEqual({ what, code: 0, output: "" });
}

describe("e2e: a user's program compiles against the packed package's declarations", () => {
  let work = "";
  let dir = "";
  let install: CliResult;

  beforeAll(async () => {
    ensureBuilt();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "rackspace-user-types-"));
    const pack = await runProcess("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], { cwd: REPO_ROOT, env: env(), timeoutMs: 120_000 });
    expectOk("npm pack", pack);
    const tarball = path.join(work, path.basename((JSON.parse(pack.stdout) as { filename: string }[])[0].filename));
    dir = path.join(work, "project");
    fs.mkdirSync(dir);
    for (const f of ["index.ts", ...CONFIGS]) fs.copyFileSync(path.join(FIXTURE, f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name: "user-types", private: true, main: "index.ts" }, null, 2)}\n`);
    install = await runProcess(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball, `@pulumi/pulumi@${repoPkg.devDependencies["@pulumi/pulumi"]}`, `typescript@${repoPkg.devDependencies.typescript}`, `@types/node@${repoPkg.devDependencies["@types/node"]}`],
      { cwd: dir, env: env(), timeoutMs: 280_000 },
    );
  }, 300_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test("the install runs none of the package's scripts (npm 11 warns of unapproved install scripts)", () => {
    expectOk("npm install <tarball>", install);
    expect(install.output).not.toMatch(/pulumi-rackspace-ticketing@\S+ \(/);
  });

  test.each(CONFIGS)("%s: 0 errors, and no zod, axios or ioredis declaration in the program", async (config) => {
    expectOk("npm install <tarball>", install);
    const tsc = await runProcess(process.execPath, [path.join(dir, "node_modules", "typescript", "bin", "tsc"), "-p", config, "--noEmit", "--pretty", "false", "--listFiles"], { cwd: dir, env: env(), timeoutMs: 180_000 });
    const lines = tsc.stdout.split("\n");
    const errors = lines.filter((l) => /error TS\d+/.test(l));
    expect({ config, errors }).toEqual({ config, errors: [] });
    expect(tsc.code).toBe(0);
    const files = lines.filter((l) => l.startsWith("/")).map((f) => path.relative(path.join(dir, "node_modules"), f).split(path.sep).join("/"));
    expect(files.filter((f) => /^(zod|axios|ioredis|p-retry)\//.test(f))).toEqual([]);
    // The package's declarations the program reaches: its entry points and the modules of public types only.
    expect(files.filter((f) => f.startsWith("pulumi-rackspace-ticketing/")).filter((f) => !/^pulumi-rackspace-ticketing\/dist\/(index|core\/public-types|lookups\/public-types|faces\/args|faces\/dynamic\/(ticket|comment)|faces\/plugin\/classes|core\/errors|core\/ticket\/partial-failure|config\/keys|api\/(errors|retry-words)|simulator\/(index|seed|attachment-names|resources|types\/\w+))\.d\.ts$/.test(f))).toEqual([]);
  });
});
