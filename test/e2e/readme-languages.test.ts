/**
 * The README's Languages section, checked as written. Its fenced blocks (and the running details
 * of docs/languages.md) are extracted by section and language, with only the marked placeholders
 * replaced (`/path/to/pulumi-rackspace-ticketing`: this checkout; `my-user`: the simulator's
 * user; the environment variables the programs read), and:
 *
 *   - TypeScript: the dynamic-resource program compiles against the built package, and again
 *     with each of the other two import blocks in place of its import (the plugin's classes; the
 *     generated SDK, installed from sdk/nodejs as a user installs it), under the tsconfig
 *     `pulumi new typescript` writes;
 *   - Python: the program is `__main__.py` of a project whose Pulumi.yaml is docs/languages.md's,
 *     and docs/languages.md's Automation API script runs `preview` on it against the simulator;
 *   - Go: the program and docs/languages.md's Automation API `main.go` are built together in a
 *     copy of test/fixtures/sdk-go's module (same go.sum and flags: Go's build cache is shared);
 *   - YAML: the project previews against the simulator with Pulumi's YAML host.
 *
 * A block the tests do not check, or a language section missing one of the two programs (the
 * change ticket with its approval gate, the change record with a note per deployment), fails.
 * A wrong property name in any example (`wait_for` → `waitfor`) fails its check.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CONFIG_KEYS } from "../../src/config/keys";
import type { Simulator } from "../../src/simulator";
import { describeWithPulumiCli, DEMO_API_KEY, ensureBuilt, PulumiProject, REPO_ROOT, runProcess } from "../helpers/pulumi-cli";
import { describeWithSdkTool, ensurePythonVenv, GO_FIXTURE, installPythonSdk, mustSucceed, PULUMI_PYTHON_VERSION, SDK_DIR } from "../helpers/sdk-toolchains";
import { expectOk, FAST_LIMITS, FAST_WINDOW_MS, startFastSimulator } from "../helpers/spec-program";
import { YamlProgram, yamlStack } from "../helpers/yaml-program";

jest.setTimeout(1_500_000);

interface Block {
  /** The info string's first word (`ts`, `python`, …; "" for a bare fence). */
  lang: string;
  code: string;
  /** The `###` (or `##`) heading the block sits under. */
  heading: string;
}

/** The text of `## <title>` up to the next `## ` heading. */
function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`no "## ${title}" section`);
  const end = markdown.indexOf("\n## ", start + 4);
  return markdown.slice(start + 1, end < 0 ? undefined : end + 1);
}

/** The fenced blocks of a Markdown text, with the heading each sits under. */
function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let heading = "";
  let open: { lang: string; lines: string[] } | undefined;
  for (const line of markdown.split("\n")) {
    if (open) {
      if (line.startsWith("```")) {
        blocks.push({ lang: open.lang, code: `${open.lines.join("\n")}\n`, heading });
        open = undefined;
      } else open.lines.push(line);
    } else if (line.startsWith("```")) open = { lang: line.slice(3).trim().split(/\s+/)[0] ?? "", lines: [] };
    else if (/^#{2,3} /.test(line)) heading = line.replace(/^#+ /, "");
  }
  if (open) throw new Error("a fenced block is not closed");
  return blocks;
}

/** GitHub's anchor of a heading. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .trim()
    .replace(/\s/g, "-");

const CHECKOUT_PLACEHOLDER = "/path/to/pulumi-rackspace-ticketing";
/** The values a run gives the environment variables the programs read (GITHUB_* in CI). */
const RUN_ENV = { GITHUB_SHA: "0123abc", GITHUB_RUN_ID: "4242" };

/** `code` with the marked placeholders replaced: the checkout's path, and the user name when given. */
function substitute(code: string, opts: { username?: string } = {}): string {
  let out = code.split(CHECKOUT_PLACEHOLDER).join(REPO_ROOT);
  if (opts.username) out = out.split('"my-user"').join(JSON.stringify(opts.username));
  expect(out).not.toContain("/path/to/");
  return out;
}

const README = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
const DOC = fs.readFileSync(path.join(REPO_ROOT, "docs", "languages.md"), "utf8");
const LANGUAGES = section(README, "Languages");
const BLOCKS = fencedBlocks(LANGUAGES);
const DOC_BLOCKS = fencedBlocks(DOC);

const only = (blocks: Block[], heading: string, lang: string): Block[] => blocks.filter((b) => b.heading === heading && b.lang === lang);
/** The one block of that language under that heading. */
function one(blocks: Block[], heading: string, lang: string): string {
  const found = only(blocks, heading, lang);
  expect({ heading, lang, count: found.length }).toEqual({ heading, lang, count: 1 });
  return found[0].code;
}

const TS = only(BLOCKS, "TypeScript and JavaScript", "ts").map((b) => b.code);
/** The import the other two TypeScript blocks stand in for. */
const DYNAMIC_IMPORT = /^import \{[^}]*\} from "pulumi-rackspace-ticketing";\n/m;

/** What each language's examples must say: the approval gate, what depends on it, the note, the closing comment, the description left alone. */
const BOTH_PROGRAMS: Record<string, { lang: string; must: RegExp[] }> = {
  "TypeScript and JavaScript": { lang: "ts", must: [/waitFor: \{ approval:/, /dependsOn: \[change\]/, /note: `Deployed /, /closingComment: "/, /ignoreChanges: \["description"\]/] },
  Python: { lang: "python", must: [/wait_for=rackspace\.ticketing\.WaitForArgs\(approval=/, /depends_on=\[change\]/, /note=f"Deployed /, /closing_comment="/, /ignore_changes=\["description"\]/] },
  Go: { lang: "go", must: [/WaitFor: &ticketing\.WaitForArgs\{/, /pulumi\.DependsOn\(\[\]pulumi\.Resource\{change\}\)/, /Note: +pulumi\.String\(fmt\.Sprintf\("Deployed /, /ClosingComment: +pulumi\.StringPtr\(/, /pulumi\.IgnoreChanges\(\[\]string\{"description"\}\)/] },
  YAML: { lang: "yaml", must: [/waitFor: \{ approval:/, /dependsOn: \[ "\$\{change\}" \]/, /note: Deployed \$\{deployment\}\./, /closingComment: /, /ignoreChanges: \[ description \]/] },
};

describe("README Languages: what the section shows", () => {
  it("follows the plugin's section, with one section per language in order", () => {
    const tops = [...README.matchAll(/^## (.*)$/gm)].map((m) => m[1]);
    expect(tops[tops.indexOf("Languages") - 1]).toMatch(/^The provider plugin/);
    expect([...LANGUAGES.matchAll(/^### (.*)$/gm)].map((m) => m[1])).toEqual(Object.keys(BOTH_PROGRAMS));
  });

  it("holds only blocks the checks below run: three TypeScript forms, one Python, one Go and one YAML program", () => {
    expect(BLOCKS.map((b) => `${b.heading}: ${b.lang}`)).toEqual([
      "TypeScript and JavaScript: ts",
      "TypeScript and JavaScript: ts",
      "TypeScript and JavaScript: ts",
      "Python: python",
      "Go: go",
      "YAML: yaml",
    ]);
    // The second and third TypeScript blocks are imports standing in for the first one's.
    expect(TS[0]).toMatch(DYNAMIC_IMPORT);
    for (const alt of TS.slice(1)) expect(alt).toMatch(/^import /);
  });

  it.each(Object.entries(BOTH_PROGRAMS))("%s: the change ticket with its approval gate and the change record kept by CI", (heading, { lang, must }) => {
    const code = heading === "TypeScript and JavaScript" ? TS[0] : one(BLOCKS, heading, lang);
    expect(must.filter((re) => !re.test(code)).map(String)).toEqual([]);
  });

  it("says where to install each language from, and its links lead to headings that exist", () => {
    const table = LANGUAGES.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| language"));
    expect(table.map((r) => r.split(" | ")[0].slice(2))).toEqual(["TypeScript / JavaScript", "Python", "Go", "YAML"]);
    for (const row of table) expect(row).toMatch(/\]\(docs\/install\.md#/);
    const docs: Record<string, string> = { "README.md": README };
    const anchors = (file: string) => {
      docs[file] ??= fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
      return [...docs[file].matchAll(/^#+ (.*)$/gm)].map((m) => slug(m[1]));
    };
    const links = [...LANGUAGES.matchAll(/\]\((docs\/[^)#]+)#([^)]+)\)/g), ...[...DOC.matchAll(/\]\(\.\.\/(README\.md)#([^)]+)\)/g)]];
    expect(links.length).toBeGreaterThanOrEqual(5);
    expect(links.filter(([, file, anchor]) => !anchors(file).includes(anchor)).map(([l]) => l)).toEqual([]);
  });

  it("docs/languages.md keeps the running details only: no second copy of a program", () => {
    expect(DOC).toContain("(../README.md#languages)");
    for (const copy of [/new RackspaceTicket\(/, /new (rackspace\.ticketing\.)?Ticket\(/, /rackspace\.ticketing\.Ticket\(/, /ticketing\.NewTicket\(/, /type: rackspace:ticketing:/]) expect(DOC).not.toMatch(copy);
    expect(DOC_BLOCKS.map((b) => `${b.heading}: ${b.lang || "(bare)"}`)).toEqual([
      "The plugin, for every language but the dynamic resource: yaml",
      "The plugin, for every language but the dynamic resource: sh",
      "The generated SDK: sh",
      "Python: sh",
      "Python: yaml",
      "Python: python",
      "Go: (bare)",
      "Go: go",
    ]);
  });

  it("docs/languages.md's config keys, Python pin and go.mod lines are the ones the tests use", () => {
    const keys = new Set<string>(CONFIG_KEYS.map((k) => k.key));
    const config = one(DOC_BLOCKS, "The plugin, for every language but the dynamic resource", "sh");
    const set = [...config.matchAll(/^pulumi config set (?:--secret )?(\S+) /gm)].map((m) => m[1]);
    expect(set.length).toBeGreaterThan(0);
    expect(set.filter((k) => !keys.has(k))).toEqual([]);
    expect(one(DOC_BLOCKS, "Python", "sh")).toContain(`pip install pulumi==${PULUMI_PYTHON_VERSION} ${CHECKOUT_PLACEHOLDER}/sdk/python`);
    const goMod = one(DOC_BLOCKS, "Go", "");
    const sdkModule = /^module (\S+)$/m.exec(fs.readFileSync(path.join(SDK_DIR, "go", "go.mod"), "utf8"))?.[1];
    expect(goMod).toContain(`replace ${sdkModule} => ${CHECKOUT_PLACEHOLDER}/sdk/go\n`);
    // The direct requirements are test/fixtures/sdk-go's, whose go.sum the Go check builds with.
    const requires = (mod: string) => /^require \(\n([^)]*)\)/m.exec(mod)?.[1].trim().split("\n").map((l) => l.trim());
    expect(requires(goMod)).toEqual(requires(fs.readFileSync(path.join(GO_FIXTURE, "go.mod"), "utf8")));
    // docs/install.md, where the table sends Go users, names the same module.
    const install = fs.readFileSync(path.join(REPO_ROOT, "docs", "install.md"), "utf8");
    const named = [...install.matchAll(/(?:^(?:require|replace) |-(?:require|replace)=|go get )(github\.com\/pulumi-rackspace-ticketing\/[^\s@=]+)/gm)].map((m) => m[1]);
    expect(named.length).toBeGreaterThanOrEqual(5);
    expect(named.filter((m) => m !== sdkModule)).toEqual([]);
  });

  it("Change management's TypeScript fragments say what the checked program says", () => {
    const fragments = fencedBlocks(section(README, "Change management")).filter((b) => b.lang === "ts" && /new RackspaceTicket\(/.test(b.code));
    expect(fragments).toHaveLength(2);
    const program = new Set(TS[0].split("\n").map((l) => l.trim()));
    // Only the gate's illustration of what the change touches is not in the program.
    const illustrative = [/^resources: \[dbServer\.url\],$/, /^new aws\.route53\.Record\(/];
    const lines = fragments.flatMap((b) => b.code.split("\n").map((l) => l.trim())).filter((l) => l && !illustrative.some((re) => re.test(l)));
    expect(lines.filter((l) => !program.has(l))).toEqual([]);
  });
});

/** The environment without RACKSPACE_* variables (npm, tsc). */
function plainEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("RACKSPACE_")) out[k] = v;
  return out;
}

describe("README Languages: the TypeScript forms compile", () => {
  let work = "";
  let sdkProject = "";
  let sdkInstall: Promise<void>;
  const tsc = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");

  /** A project in `dir` compiling these files under `pulumi new typescript`'s tsconfig (no output). */
  function writeProject(dir: string, files: Record<string, string>): void {
    const config = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "test", "fixtures", "user-types", "tsconfig.pulumi-new.json"), "utf8")) as { compilerOptions: Record<string, unknown>; files: string[] };
    config.compilerOptions.noEmit = true;
    config.files = Object.keys(files);
    fs.writeFileSync(path.join(dir, "tsconfig.json"), `${JSON.stringify(config, null, 2)}\n`);
    for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
  }

  async function compile(dir: string): Promise<string[]> {
    const r = await runProcess(process.execPath, [tsc, "-p", "tsconfig.json", "--pretty", "false"], { cwd: dir, env: plainEnv(), timeoutMs: 240_000 });
    const errors = r.stdout.split("\n").filter((l) => /error TS\d+/.test(l));
    if (r.code !== 0 && errors.length === 0) errors.push(r.output);
    return errors;
  }

  beforeAll(() => {
    ensureBuilt();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "rackspace-readme-ts-"));
    // The generated SDK as a user installs it (its postinstall compiles it with its own @pulumi/pulumi).
    sdkProject = path.join(work, "sdk");
    fs.mkdirSync(sdkProject);
    fs.writeFileSync(path.join(sdkProject, "package.json"), `${JSON.stringify({ name: "readme-sdk", private: true }, null, 2)}\n`);
    sdkInstall = runProcess("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--install-links", path.join(SDK_DIR, "nodejs")], { cwd: sdkProject, env: plainEnv(), timeoutMs: 300_000 }).then((r) => {
      mustSucceed("npm install --install-links sdk/nodejs", r);
    });
    sdkInstall.catch(() => undefined);
  });
  afterAll(async () => {
    await sdkInstall?.catch(() => undefined);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test("the dynamic resource's program, and the same program with the plugin's classes, against the built package", async () => {
    const dir = path.join(work, "package");
    fs.mkdirSync(path.join(dir, "node_modules", "@pulumi"), { recursive: true });
    fs.mkdirSync(path.join(dir, "node_modules", "@types"), { recursive: true });
    fs.symlinkSync(REPO_ROOT, path.join(dir, "node_modules", "pulumi-rackspace-ticketing"), "dir");
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi"), path.join(dir, "node_modules", "@pulumi", "pulumi"), "dir");
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules", "@types", "node"), path.join(dir, "node_modules", "@types", "node"), "dir");
    writeProject(dir, { "dynamic.ts": TS[0], "plugin.ts": TS[0].replace(DYNAMIC_IMPORT, TS[1]) });
    expect(await compile(dir)).toEqual([]);
  });

  test("the same program with the generated SDK (sdk/nodejs, installed with npm --install-links)", async () => {
    await sdkInstall;
    writeProject(sdkProject, { "sdk.ts": TS[0].replace(DYNAMIC_IMPORT, TS[2]) });
    expect(await compile(sdkProject)).toEqual([]);
  });
});

describeWithSdkTool("README Languages: the Python program, previewed by docs/languages.md's Automation API script", { cmd: "python3", args: ["-m", "venv", "--help"] }, () => {
  let sim: Simulator;
  let work = "";
  let python = "";
  let site = "";
  let project: PulumiProject | undefined;

  beforeAll(async () => {
    ensureBuilt();
    sim = await startFastSimulator();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "rackspace-readme-python-"));
    python = await ensurePythonVenv();
    site = await installPythonSdk(python, work);
  }, 900_000);
  afterAll(async () => {
    try {
      await project?.dispose();
    } finally {
      await sim?.close();
      if (work) fs.rmSync(work, { recursive: true, force: true });
    }
  });

  test("the two tickets and the comment are planned with their gate, note and closing comment; nothing is sent", async () => {
    const dir = path.join(work, "project");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), substitute(one(DOC_BLOCKS, "Python", "yaml")));
    fs.writeFileSync(path.join(dir, "__main__.py"), one(BLOCKS, "Python", "python"));
    fs.writeFileSync(path.join(dir, "main.py"), substitute(one(DOC_BLOCKS, "Python", "python"), { username: "demo" }));
    // The script names its stack `dev`; its backend is this test's own.
    project = await PulumiProject.create({ dir, stack: "dev", timeoutMs: 300_000 });
    await project.configureForSimulator(sim, FAST_WINDOW_MS);
    await project.configSetAll(Object.fromEntries(Object.entries({ Create: FAST_LIMITS.create, Patch: FAST_LIMITS.patch, Comment: FAST_LIMITS.comment, Read: FAST_LIMITS.read }).map(([k, v]) => [`rackspace:rateLimit${k}`, String(v)])));
    const writesBefore = sim.writeCalls().length;

    const preview = await project.runProgram(python, ["main.py", "preview"], { env: { PYTHONPATH: site, RACKSPACE_API_KEY: DEMO_API_KEY, ...RUN_ENV } });
    expectOk(preview);
    for (const urn of ["rackspace:ticketing:Ticket::db-failover", "rackspace:ticketing:TicketComment::cutover", "rackspace:ticketing:Ticket::change-record"]) expect(preview.stdout).toContain(urn);
    expect(preview.stdout).toMatch(/waitFor\s*: \{[^}]*approval\s*: "approved"/);
    expect(preview.stdout).toMatch(new RegExp(`note\\s*: "Deployed ${RUN_ENV.GITHUB_SHA} by ${RUN_ENV.GITHUB_RUN_ID}\\."`));
    expect(preview.stdout).toMatch(/closingComment\s*: "Environment destroyed; closing its change record\."/);
    expect(sim.writeCalls().length).toBe(writesBefore);
  });
});

describeWithSdkTool(
  "README Languages: the Go program builds with docs/languages.md's Automation API main.go",
  { cmd: "go", args: ["version"] },
  () => {
    let work = "";
    afterAll(() => {
      if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    test("in a copy of test/fixtures/sdk-go's module (its go.sum, -mod=readonly, the same flags as the SDK's e2e build)", async () => {
      work = fs.mkdtempSync(path.join(os.tmpdir(), "rackspace-readme-go-"));
      const mod = fs.readFileSync(path.join(GO_FIXTURE, "go.mod"), "utf8").replace(/=> \.\.\/\.\.\/\.\.\/sdk\/go$/m, `=> ${path.join(SDK_DIR, "go")}`);
      expect(mod).toContain(`=> ${path.join(SDK_DIR, "go")}`);
      fs.writeFileSync(path.join(work, "go.mod"), mod);
      fs.copyFileSync(path.join(GO_FIXTURE, "go.sum"), path.join(work, "go.sum"));
      fs.writeFileSync(path.join(work, "program.go"), one(BLOCKS, "Go", "go"));
      fs.writeFileSync(path.join(work, "main.go"), substitute(one(DOC_BLOCKS, "Go", "go")));
      const env = { ...process.env, GOFLAGS: "-mod=readonly -buildvcs=false" };
      const r = await runProcess("go", ["build", "-trimpath", "-o", path.join(work, "readme-program"), "."], { cwd: work, env, timeoutMs: 20 * 60_000 });
      expect({ code: r.code, output: r.code === 0 ? "" : r.output }).toEqual({ code: 0, output: "" });
    });
  },
  { cli: false },
);

describeWithPulumiCli("README Languages: the YAML project, previewed with Pulumi's YAML host", () => {
  let sim: Simulator;
  let program: YamlProgram | undefined;
  let project: PulumiProject | undefined;

  beforeAll(async () => {
    ensureBuilt();
    sim = await startFastSimulator();
  });
  afterAll(async () => {
    try {
      await project?.dispose();
    } finally {
      program?.dispose();
      await sim?.close();
    }
  });

  test("the two tickets and the comment are planned with their gate, note and closing comment; nothing is sent", async () => {
    program = new YamlProgram("change-tickets");
    fs.writeFileSync(path.join(program.dir, "Pulumi.yaml"), substitute(one(BLOCKS, "YAML", "yaml")));
    project = await yamlStack(program, sim, "readme-yaml");
    await project.configSet("deployment", "build 42 by run 7");
    const writesBefore = sim.writeCalls().length;

    const preview = await project.preview(["--diff"]);
    expectOk(preview);
    for (const urn of ["rackspace:ticketing:Ticket::change", "rackspace:ticketing:TicketComment::cutover", "rackspace:ticketing:Ticket::record"]) expect(preview.output).toContain(urn);
    expect(preview.output).toMatch(/waitFor\s*: \{[^}]*approval\s*: "approved"/);
    expect(preview.output).toMatch(/note\s*: "Deployed build 42 by run 7\."/);
    expect(preview.output).toMatch(/closingComment\s*: "Environment destroyed; closing its change record\."/);
    expect(sim.writeCalls().length).toBe(writesBefore);
  });
});
