/**
 * What a user gets from the registry: `npm pack` this repository (after the build), then,
 * in a fresh project made from examples/quickstart/, `npm install` that TARBALL (an
 * extracted copy in node_modules, not a `file:` link to the repository) with
 * @pulumi/pulumi at the lowest supported version, and run `pulumi up` / `pulumi destroy`
 * through the real Pulumi CLI against an in-process simulator.
 *
 * This catches what the in-repository suites cannot: a file the provider host loads at
 * run time but `files` leaves out, an exports-map entry pointing nowhere, a dependency
 * declared as a devDependency, declarations that do not type-check in a user's project.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Simulator } from "../../src/simulator";
import { CliResult, describeWithPulumiCli, ensureBuilt, PulumiProject, REPO_ROOT, runProcess, uniqueStack } from "../helpers/pulumi-cli";
import { envWithoutRackspace, startSim } from "../helpers/sim";

jest.setTimeout(300_000);

const WINDOW_MS = 1000;
const PKG = "pulumi-rackspace-ticketing";
const R1 = "https://resources.api.rackspace.com/resources/dedicated:0001";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const repoPkg = require(path.join(REPO_ROOT, "package.json")) as { version: string; devDependencies: Record<string, string> };

/** Fails with the command's output unless it exited 0. */
function expectOk(what: string, r: CliResult): void {
  expect({ what, code: r.code, output: r.code === 0 ? "" : r.output }).toEqual({ what, code: 0, output: "" });
}

/** Every path under `dir` (relative, "/"-separated), directories included. */
function walk(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    out.push(path.relative(base, p).split(path.sep).join("/"));
    if (e.isDirectory()) out.push(...walk(p, base));
  }
  return out;
}

describeWithPulumiCli("e2e: the packed tarball, installed in a fresh project from examples/quickstart", () => {
  let sim: Simulator;
  let work = "";
  let tarball = "";
  let dir = "";
  let p: PulumiProject | undefined;
  let ticketId = "";
  const env = envWithoutRackspace();

  beforeAll(async () => {
    ensureBuilt();
    sim = await startSim({ windowMs: WINDOW_MS });
    work = fs.mkdtempSync(path.join(os.tmpdir(), "rackspace-packed-"));

    // 1. npm pack (dist/ is built above; --ignore-scripts: no second build from `prepack`).
    const packDir = path.join(work, "pack");
    fs.mkdirSync(packDir);
    const pack = await runProcess("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", packDir], { cwd: REPO_ROOT, env, timeoutMs: 120_000 });
    expectOk("npm pack", pack);
    const filename = (JSON.parse(pack.stdout) as { filename: string }[])[0].filename;
    tarball = path.join(packDir, path.basename(filename));
    expect(fs.existsSync(tarball)).toBe(true);

    // 2. A fresh project: the quick start's program and tsconfig (without its `paths`
    //    pointing into this repository), a Pulumi.yaml and a package.json of its own.
    dir = path.join(work, "project");
    fs.mkdirSync(dir);
    const qs = path.join(REPO_ROOT, "examples", "quickstart");
    fs.copyFileSync(path.join(qs, "index.ts"), path.join(dir, "index.ts"));
    const tsconfig = fs.readFileSync(path.join(qs, "tsconfig.json"), "utf8").replace(/,\s*"paths"\s*:\s*\{[^}]*\}/, "");
    expect(tsconfig).not.toContain("../..");
    fs.writeFileSync(path.join(dir, "tsconfig.json"), tsconfig);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: packed-quickstart\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n");
    fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name: "packed-quickstart", private: true, main: "index.ts" }, null, 2)}\n`);

    // 3. Install the tarball and the program's other dependencies (@pulumi/pulumi at the
    //    lowest version the peer range allows, the one the examples pin).
    const install = await runProcess(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--prefer-offline",
        tarball,
        `@pulumi/pulumi@${repoPkg.devDependencies["@pulumi/pulumi"]}`,
        `typescript@${repoPkg.devDependencies.typescript}`,
        `@types/node@${repoPkg.devDependencies["@types/node"]}`,
      ],
      { cwd: dir, env, timeoutMs: 280_000 },
    );
    expectOk("npm install <tarball>", install);
  }, 300_000);

  afterAll(async () => {
    try {
      await p?.dispose();
    } finally {
      await sim?.close();
      if (work) fs.rmSync(work, { recursive: true, force: true });
    }
  });

  test("the package is installed from the tarball as a plain copy holding dist/, the README's linked files, and no src/ or test/", () => {
    const installed = path.join(dir, "node_modules", PKG);
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(pkg.dependencies[PKG]).toMatch(/^file:.*\.tgz$/);
    const lock = JSON.parse(fs.readFileSync(path.join(dir, "package-lock.json"), "utf8")) as { packages: Record<string, { resolved?: string; link?: boolean; version?: string }> };
    expect(lock.packages[`node_modules/${PKG}`]).toMatchObject({ version: repoPkg.version, resolved: expect.stringMatching(/\.tgz$/) });
    expect(lock.packages[`node_modules/${PKG}`].link).toBeUndefined();

    const files = walk(installed);
    expect(files.filter((f) => /^(src|test|scripts|coverage|bench|\.demo)(\/|$)/.test(f) || f.endsWith(".test.js"))).toEqual([]);
    expect(files.filter((f) => !f.includes("/")).sort()).toEqual(["CHANGELOG.md", "LICENSE", "README.md", "dist", "docs", "examples", "package.json", "pulumi-resource-rackspace", "schema.json"]);
    expect(files.filter((f) => /^examples\/[^/]+$/.test(f))).toEqual(["examples/ci-change-record"]);
    for (const f of ["dist/index.js", "dist/index.d.ts", "dist/simulator/index.js", "dist/faces/dynamic/impl.js", "dist/faces/plugin/main.js", "docs/api/README.md", "schema.json", "pulumi-resource-rackspace"]) expect(files).toContain(f);
    expect(fs.existsSync(path.join(dir, "node_modules", ".bin", "rackspace-ticketing-sim"))).toBe(true);
  });

  test("the program type-checks against the shipped declarations, and both public entry points load", async () => {
    const tsc = await runProcess(process.execPath, [path.join(dir, "node_modules", "typescript", "bin", "tsc"), "-p", ".", "--noEmit", "--noCheck", "false"], { cwd: dir, env, timeoutMs: 120_000 });
    expectOk("tsc --noEmit", tsc);
    const load = await runProcess(
      process.execPath,
      ["-e", `const m = require(${JSON.stringify(PKG)}); const s = require(${JSON.stringify(`${PKG}/simulator`)}); console.log(typeof m.RackspaceTicket, typeof s.startSimulator, require.resolve(${JSON.stringify(PKG)}))`],
      { cwd: dir, env, timeoutMs: 60_000 },
    );
    expectOk("require the package", load);
    expect(load.stdout.trim()).toBe(`function function ${fs.realpathSync(path.join(dir, "node_modules", PKG, "dist", "index.js"))}`);
  });

  test("pulumi up opens the quick start's ticket in the simulator", async () => {
    p = await PulumiProject.create({ dir, stack: uniqueStack("packed"), timeoutMs: 240_000 });
    await p.configureForSimulator(sim, WINDOW_MS);
    const up = await p.up();
    expectOk("pulumi up", up);
    const outputs = await p.outputs();
    ticketId = outputs.ticketId as string;
    expect(ticketId).toEqual(expect.any(String));
    expect(sim.getTicket(ticketId)).toMatchObject({ ticketId, subject: "Deploy web tier v2", status: "Pending Rackspace", resources: [R1] });
    expect(sim.tickets().map((t) => t.ticketId)).toEqual([ticketId]);
    expect(outputs).toMatchObject({ ticketId, status: "Pending Rackspace", resources: [R1] });
  });

  test("pulumi destroy closes it", async () => {
    expect(ticketId).not.toBe("");
    const destroy = await p!.destroy();
    expectOk("pulumi destroy", destroy);
    expect(sim.getTicket(ticketId)?.status).toBe("Closed");
    expect(await p!.resources()).toEqual([]);
  });
});
