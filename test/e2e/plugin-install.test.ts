/**
 * The plugin as users install any Pulumi provider serves a YAML program and a Python program
 * with no path setting anywhere: scripts/plugin-tarball.sh builds
 * pulumi-resource-rackspace-v<version>-<os>-<arch>.tar.gz, `pulumi plugin install resource
 * rackspace <version> --file <tarball>` installs it into a fresh PULUMI_HOME (the CLI binary stays
 * where it is), and then
 * - a YAML program whose Pulumi.yaml says nothing of where the plugin is (no `plugins.providers`)
 *   runs `up` and `destroy` against the simulator through it;
 * - a Python program of the generated SDK (sdk/python, pip-installed; through the Automation API
 *   with an inline program, test/fixtures/sdk-python/automation.py, its work dir's Pulumi.yaml
 *   without `plugins`) opens a ticket with a comment and a secret description, and closes it on
 *   `destroy`. The SDK asks for the plugin at the package's version, the one installed.
 * Before the install both programs fail for want of the plugin (none is on PATH either, NODE_PATH
 * is empty), so what ran is what was installed, with nothing else on disk but `node`. The Python
 * stack is under the secret scan (the API key, the description).
 *
 * One tarball build and one install serve both halves; the Python venv is the cached one of the
 * SDK tests (test/helpers/sdk-toolchains.ts). Without python3 the Python half is skipped (a
 * failure in CI), the YAML half still runs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Simulator } from "../../src/simulator";
import { AutomationStack } from "../helpers/automation-stack";
import { describeWithPulumiCli, ensureBuilt, PulumiProject, REPO_ROOT, runProcess } from "../helpers/pulumi-cli";
import { describeWithSdkTool, ensurePythonVenv, installPythonSdk, PYTHON_FIXTURE } from "../helpers/sdk-toolchains";
import { expectOk, startFastSimulator } from "../helpers/spec-program";
import { YamlProgram, yamlStack } from "../helpers/yaml-program";

jest.setTimeout(600_000);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version: VERSION } = require(path.join(REPO_ROOT, "package.json")) as { version: string };
const TICKET = "rackspace:ticketing:Ticket";
const OS = ({ linux: "linux", darwin: "darwin" } as Record<string, string>)[process.platform] ?? process.platform;
const ARCH = ({ x64: "amd64", arm64: "arm64" } as Record<string, string>)[process.arch] ?? process.arch;
const PYTHON3 = { cmd: "python3", args: ["-m", "venv", "--help"] };

/** The directories of a PATH holding a pulumi-resource-rackspace (the engine looks on PATH too). */
const pluginsOnPath = (PATH: string | undefined) => (PATH ?? "").split(path.delimiter).filter((d) => d && fs.existsSync(path.join(d, "pulumi-resource-rackspace")));

describeWithPulumiCli("e2e: the plugin tarball, installed with pulumi plugin install", () => {
  let sim: Simulator;
  let work = "";
  let tarball = "";
  let home = "";
  let program: YamlProgram | undefined;
  let project: PulumiProject | undefined;
  let python: Promise<AutomationStack> | undefined;

  /** The CLI's environment for this stack: the fresh PULUMI_HOME, no NODE_PATH. */
  const env = () => ({ PULUMI_HOME: home, NODE_PATH: "" });

  /**
   * The Python program's stack, made on first use (the cached venv, the SDK pip-installed into
   * the work dir): its Pulumi.yaml has no `plugins`, and it runs with env() like the YAML stack.
   */
  const pythonStack = (): Promise<AutomationStack> =>
    (python ??= (async () => {
      const py = await ensurePythonVenv();
      const site = await installPythonSdk(py, work);
      return new AutomationStack((op, spec) => ({ cmd: py, args: [PYTHON_FIXTURE, op, spec], env: { PYTHONPATH: site, ...env() } }), "rt-e2e-plugin-install-python", "plugin-install-python", sim, { pluginPath: null });
    })());

  beforeAll(async () => {
    ensureBuilt();
    sim = await startFastSimulator();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "rackspace-plugin-install-"));
    home = path.join(work, "pulumi-home");
    fs.mkdirSync(home);
    const built = await runProcess("bash", [path.join(REPO_ROOT, "scripts", "plugin-tarball.sh"), "--no-build", "--out", work], { cwd: REPO_ROOT, env: { ...process.env } as Record<string, string>, timeoutMs: 280_000 });
    expectOk(built);
    tarball = built.stdout.trim().split("\n").pop() ?? "";
    program = new YamlProgram("rt-e2e-plugin-install", null);
    project = await yamlStack(program, sim, "plugin-install");
  }, 600_000);

  afterAll(async () => {
    // A stack that could not be made failed the test that asked for it; a dispose that finds a secret fails here.
    const pyStack = await python?.catch(() => undefined);
    try {
      await pyStack?.dispose();
    } finally {
      try {
        await project?.dispose();
      } finally {
        program?.dispose();
        await sim?.close();
        if (work) fs.rmSync(work, { recursive: true, force: true });
      }
    }
  });

  test("scripts/plugin-tarball.sh names the tarball as Pulumi does, with the entry, dist/, the schema and the production dependencies at its top", async () => {
    expect(path.basename(tarball)).toBe(`pulumi-resource-rackspace-v${VERSION}-${OS}-${ARCH}.tar.gz`);
    const tar = (flags: string) => runProcess("tar", [flags, tarball], { cwd: work, env: { ...process.env } as Record<string, string>, timeoutMs: 60_000 });
    const list = await tar("-tzf");
    expectOk(list);
    const names = list.stdout.split("\n").filter(Boolean);
    expect([...new Set(names.map((n) => n.replace(/\/.*$/, "")))].sort()).toEqual(["LICENSE", "README.md", "dist", "node_modules", "package.json", "pulumi-resource-rackspace", "schema.json"]);
    const long = await tar("-tzvf");
    // Plain files and folders only (no links), the entry executable.
    expect(long.stdout.split("\n").filter((l) => l && !/^[-d]/.test(l))).toEqual([]);
    expect(long.stdout.split("\n").find((l) => / pulumi-resource-rackspace$/.test(l))).toMatch(/^-rwx/);
    for (const f of ["dist/faces/plugin/main.js", "node_modules/@pulumi/pulumi/proto/provider_grpc_pb.js", "node_modules/@grpc/grpc-js/package.json", "node_modules/zod/package.json", "node_modules/axios/package.json", "node_modules/p-retry/package.json"]) {
      expect([f, names.includes(f)]).toEqual([f, true]);
    }
    // No devDependency came along.
    expect(names.filter((n) => /^node_modules\/(jest|typescript|ts-jest|eslint|typedoc|fast-check)\//.test(n))).toEqual([]);
  });

  test("before the install, the program cannot find the plugin (no path in Pulumi.yaml, none on PATH)", async () => {
    // The engine also looks on PATH (the YAML language host is found there): no rackspace plugin may be.
    expect(pluginsOnPath(project!.env.PATH)).toEqual([]);
    program!.write({ t: { type: TICKET, properties: { accountId: "hybrid:100001", subject: "Plugin install (not yet)", category: "Change", subcategory: "General" } } });
    const preview = await project!.preview([], { env: env() });
    expect(preview.code).not.toBe(0);
    expect(preview.output).toMatch(/no resource plugin 'pulumi-resource-rackspace' found/);
    expect(sim.tickets()).toEqual([]);
  });

  describeWithSdkTool(
    "a Python program before the install",
    PYTHON3,
    () => {
      test("before the install, a Python program of the SDK cannot find the plugin either (no plugins in Pulumi.yaml, none on PATH)", async () => {
        const stack = await pythonStack();
        expect(pluginsOnPath(stack.env.PATH)).toEqual([]);
        stack.declare({ subject: "Python plugin install (not yet)", description: `Not opened: no plugin yet (secret ${process.pid}).`, secretDescription: true, comments: ["Never posted."] });
        const up = await stack.run("up");
        expect(up.code).not.toBe(0);
        expect(up.output).toMatch(/no resource plugin 'pulumi-resource-rackspace' found/);
        expect(JSON.parse(fs.readFileSync(path.join(stack.workDir, "Pulumi.yaml"), "utf8"))).toEqual({ name: "rt-e2e-plugin-install-python", runtime: "python" });
        expect(sim.tickets()).toEqual([]);
      });
    },
    { cli: false },
  );

  test("pulumi plugin install resource rackspace <version> --file <tarball> puts it in PULUMI_HOME/plugins", async () => {
    expectOk(await project!.run(["plugin", "install", "resource", "rackspace", VERSION, "--file", tarball], { stack: false, env: env() }));
    const dir = path.join(home, "plugins", `resource-rackspace-v${VERSION}`);
    expect(fs.statSync(path.join(dir, "pulumi-resource-rackspace")).mode & 0o111).not.toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"))).toMatchObject({ name: "pulumi-rackspace-ticketing", version: VERSION });
    const ls = await project!.run(["plugin", "ls", "--json"], { stack: false, env: env() });
    expectOk(ls);
    expect(JSON.parse(ls.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ name: "rackspace", kind: "resource", version: VERSION })]));
  });

  test("a YAML program with no plugin path: up opens the ticket through the installed plugin, destroy closes it", async () => {
    const subject = `Installed plugin ${process.pid}`;
    program!.write(
      { t: { type: TICKET, properties: { accountId: "hybrid:100001", subject, category: "Change", subcategory: "General", description: "Opened by the installed plugin.", comments: ["First step."] } } },
      { ticketId: "${t.ticketId}", status: "${t.status}" },
    );
    expect(fs.readFileSync(path.join(program!.dir, "Pulumi.yaml"), "utf8")).not.toMatch(/plugins|"path"/);
    expectOk(await project!.up([], { env: env() }));
    const outputs = await project!.run(["stack", "output", "--json"], { env: env() });
    expectOk(outputs);
    const { ticketId, status } = JSON.parse(outputs.stdout) as { ticketId: string; status: string };
    expect(status).toBe("Pending Rackspace");
    expect(sim.getTicket(ticketId)).toMatchObject({ subject, status: "Pending Rackspace" });
    expect(sim.getTicket(ticketId)?.comments.map((c) => c.text).slice(1)).toEqual(["First step."]);
    expectOk(await project!.destroy([], { env: env() }));
    expect(sim.getTicket(ticketId)?.status).toBe("Closed");
    expect(await project!.resources(TICKET)).toEqual([]);
  });

  describeWithSdkTool(
    "a Python program after the install",
    PYTHON3,
    () => {
      test("a Python program of the SDK with no plugin path: up opens the ticket (a comment, a secret description) through the installed plugin, destroy closes it", async () => {
        const stack = await pythonStack();
        const subject = `Installed plugin from Python ${process.pid}`;
        const description = `Opened from Python by the installed plugin (secret ${process.pid}).`;
        stack.declare({ subject, description, secretDescription: true, comments: ["First step from Python."] });
        const up = await stack.run("up");
        expectOk(up);
        const ticketId = up.outputs.ticketId as string;
        expect(ticketId).toMatch(/^\d{6}-/);
        expect(up.outputs.status).toBe("Pending Rackspace");
        expect(sim.getTicket(ticketId)).toMatchObject({ subject, status: "Pending Rackspace" });
        expect(sim.getTicket(ticketId)?.comments[0].text).toContain(description);
        expect(sim.getTicket(ticketId)?.comments.map((c) => c.text).slice(1)).toEqual(["First step from Python."]);
        expect(sim.requests({ operation: "addComment", ticketId })).toHaveLength(1);
        expect(JSON.parse(fs.readFileSync(path.join(stack.workDir, "Pulumi.yaml"), "utf8"))).toEqual({ name: "rt-e2e-plugin-install-python", runtime: "python" });
        expectOk(await stack.run("destroy"));
        expect(sim.getTicket(ticketId)?.status).toBe("Closed");
      });
    },
    { cli: false },
  );
});
