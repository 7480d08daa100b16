/**
 * Drives the real Pulumi CLI for end-to-end tests: find (or build) it with
 * scripts/ensure-pulumi.sh, run `pulumi <args>` offline against a file backend in a
 * temporary directory, and read back stack state and outputs. Every stack made here is
 * watched by the secret scan (secret-scan.ts) from its first command to its disposal, and
 * every command runs through runProcess (run-process.ts), which leaves no process behind.
 *
 * Every command runs asynchronously: the simulator usually lives in the test process
 * and must keep answering while the CLI (and the provider host it starts) talks to it.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "./provider-host";
import { CliResult, runProcess } from "./run-process";
import { describeFindings, Finding, PrintedOutput, ScannedStack, scanStack, SecretRegistry, unwatch, watch } from "./secret-scan";

export { runProcess } from "./run-process";
export type { CliResult } from "./run-process";


/**
 * Everything the CLI printed (engine, provider host, errors) and every state export goes
 * to coverage/e2e-artifacts/, which scripts/security-scan.js checks for credentials and
 * tokens after the tests (npm test runs it).
 */
export const ARTIFACTS_DIR = path.resolve(__dirname, "..", "..", "coverage", "e2e-artifacts");
export function recordTranscript(stack: string, shown: string, stdout: string, stderr: string): void {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  fs.appendFileSync(path.join(ARTIFACTS_DIR, `${stack}.log`), `$ ${shown}\n${stdout}\n${stderr}\n`);
}

/** The command line as messages show it: ours, not output, but a secret we typed in it (`config set --secret K V`) is masked. */
function shownCommand(args: string[]): string {
  const i = args.indexOf("--secret");
  let words = 0;
  return `pulumi ${args.map((a, j) => (i >= 0 && j > i && !a.startsWith("-") && ++words === 2 ? "***" : a)).join(" ")}`;
}

/**
 * A command that prints secrets because the test asked (`--show-secrets`): its output is the
 * test's request, not something Pulumi or the provider would show a user, so it is neither
 * recorded for scripts/security-scan.js nor scanned for secrets.
 */
const reveals = (args: string[]): boolean => args.includes("--show-secrets");

export { ensureBuilt, REPO_ROOT } from "./provider-host";

/** The simulator's demo user's API key (src/simulator/seed.ts), set as a secret on every stack that names no other. */
export const DEMO_API_KEY = "demo-api-key";
/** Stack and config passphrase used by every e2e stack (file backend, throwaway). */
export const PASSPHRASE = "rackspace-ticketing-e2e";
/** The signature key of a secret value in state and Struct encodings. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
/** The type token of a RackspaceTicket in the state. */
export const TICKET_TYPE = "pulumi-nodejs:dynamic/rackspace:Ticket";

let cli: { dir?: string; problem?: string } | undefined;

/**
 * The directory holding `pulumi`, from scripts/ensure-pulumi.sh (run once per process;
 * it may build the CLI with Go, which takes minutes the first time). Undefined when
 * that failed; `pulumiCliProblem()` then says why.
 */
export function findPulumiCli(): string | undefined {
  if (!cli) {
    try {
      const out = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "ensure-pulumi.sh")], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 30 * 60_000,
      });
      const dir = out.trim().split("\n").pop()?.trim();
      if (!dir || !fs.existsSync(path.join(dir, "pulumi"))) cli = { problem: `scripts/ensure-pulumi.sh printed ${JSON.stringify(out.trim())}, which holds no pulumi binary` };
      else cli = { dir };
    } catch (e) {
      const err = e as { stderr?: string; message?: string };
      const detail = (err.stderr ?? "").trim().split("\n").slice(-5).join("\n") || err.message || String(e);
      cli = { problem: `scripts/ensure-pulumi.sh failed: ${detail}` };
    }
  }
  return cli.dir;
}

/** Why `findPulumiCli()` found nothing (undefined when it found the CLI). */
export function pulumiCliProblem(): string | undefined {
  findPulumiCli();
  return cli?.problem;
}

/**
 * `describe` for suites that need the Pulumi CLI. Without it: with
 * RACKSPACE_REQUIRE_PULUMI_CLI=1 (CI) the suite fails with the reason; otherwise it
 * is skipped (reported as skipped, never as passed) with a warning saying why.
 */
export function describeWithPulumiCli(name: string, body: () => void): void {
  const problem = pulumiCliProblem();
  if (!problem) {
    describe(name, body);
    return;
  }
  if (process.env.RACKSPACE_REQUIRE_PULUMI_CLI === "1") {
    describe(name, () => {
      test("the Pulumi CLI is available (RACKSPACE_REQUIRE_PULUMI_CLI=1)", () => {
        throw new Error(`No Pulumi CLI, and RACKSPACE_REQUIRE_PULUMI_CLI=1 requires one: ${problem}`);
      });
    });
    return;
  }
  console.warn(`Skipping "${name}": no Pulumi CLI (${problem}). Set RACKSPACE_REQUIRE_PULUMI_CLI=1 to make this a failure.`);
  describe.skip(name, body);
}

export interface RunOptions {
  /** Default: the project's timeout. */
  timeoutMs?: number;
  /** Add `--stack <stack>` (default true). */
  stack?: boolean;
  /** Extra environment for this call. */
  env?: Record<string, string>;
  /** Told the process id and the run's tag once the command has started (to kill it mid-way: `killTree(pid, { tag })`). */
  onSpawn?: (pid: number, tag: string) => void;
}

export interface PulumiProjectOptions {
  /** The project directory (holds Pulumi.yaml; stack config files are written here). */
  dir: string;
  /** Stack name; unique per test file (stack config files of concurrent runs share `dir`). */
  stack: string;
  /** Directory of the file backend. Default: a fresh temp dir, removed by dispose(). */
  backendDir?: string;
  /** Default timeout of one command. Default 120 s. */
  timeoutMs?: number;
}

/** Pulumi's `stack export` document (the parts tests read). */
export interface StackExport {
  version: number;
  deployment: {
    resources?: StateResource[];
    [k: string]: unknown;
  };
}

export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  custom?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  [k: string]: unknown;
}

/** The process environment for the CLI: offline, file backend, and no RACKSPACE_* variable. */
export function cliEnv(binDir: string, backendDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith("RACKSPACE_")) continue;
    if (["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE", "PULUMI_ACCESS_TOKEN"].includes(k)) continue;
    env[k] = v;
  }
  return {
    ...env,
    PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    // Keep every checkpoint the engine writes during an update (<stack>.json.<time> beside the
    // stack file), not only the last: the secret scan reads them all. History
    // (.pulumi/history) and backups (.pulumi/backups) are written without being asked.
    PULUMI_RETAIN_CHECKPOINTS: "true",
  };
}

/**
 * A stack of a Pulumi project, driven through the CLI. The secret scan watches it from the
 * start: the values it is given as secrets (`configSet(.., { secret: true })`, `secret()`)
 * are looked for after every test, and by `dispose()`, in its backend, its stack config
 * file and everything its commands printed.
 */
export class PulumiProject implements ScannedStack {
  readonly dir: string;
  readonly stack: string;
  readonly backendDir: string;
  readonly env: Record<string, string>;
  /** The values this stack was given as secrets, by label. */
  readonly secrets: SecretRegistry;
  private readonly binDir: string;
  private readonly ownsBackend: boolean;
  private readonly timeoutMs: number;
  /** Output not scanned yet, and the stack config files to scan (shared with runners). */
  private readonly printed: PrintedOutput[];
  private readonly configFiles: string[];
  private readonly runnerOf: PulumiProject | undefined;
  private disposed = false;

  constructor(binDir: string, opts: PulumiProjectOptions, runnerOf?: PulumiProject) {
    this.binDir = binDir;
    this.dir = opts.dir;
    this.stack = opts.stack;
    this.runnerOf = runnerOf;
    this.ownsBackend = runnerOf === undefined && opts.backendDir === undefined;
    this.backendDir = opts.backendDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "rackspace-e2e-state-"));
    fs.mkdirSync(this.backendDir, { recursive: true });
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    this.env = cliEnv(binDir, this.backendDir);
    this.secrets = runnerOf?.secrets ?? new SecretRegistry();
    this.printed = runnerOf?.printed ?? [];
    this.configFiles = runnerOf?.configFiles ?? [];
    this.configFiles.push(this.stackConfigFile);
    if (!runnerOf) watch(this);
  }

  /** A project on the Pulumi CLI found by findPulumiCli() (which must have succeeded), with its stack created. */
  static async create(opts: PulumiProjectOptions): Promise<PulumiProject> {
    const bin = findPulumiCli();
    if (!bin) throw new Error(`no Pulumi CLI: ${pulumiCliProblem()}`);
    const p = new PulumiProject(bin, opts);
    await p.ok(["stack", "init", p.stack], { stack: false });
    return p;
  }

  /**
   * Another checkout of this stack (a fresh CI runner): the program in `dir`, the same stack,
   * backend and secrets. What it prints is scanned with this stack; it needs no dispose.
   */
  runnerIn(dir: string): PulumiProject {
    return new PulumiProject(this.binDir, { dir, stack: this.stack, backendDir: this.backendDir, timeoutMs: this.timeoutMs }, this);
  }

  /** Registers `value` as a secret of this stack (the scan looks for it) and returns it. */
  secret(value: string, label = `secret #${this.secrets.entries().length + 1}`): string {
    return this.secrets.add(label, value);
  }

  /** The stack's config file in the project directory. */
  get stackConfigFile(): string {
    return path.join(this.dir, `Pulumi.${this.stack}.yaml`);
  }

  extraFiles(): string[] {
    return [...this.configFiles];
  }

  takeOutput(): PrintedOutput[] {
    return this.printed.splice(0);
  }

  /** Runs `pulumi <args> --non-interactive --color never [--stack S]` in the project directory. */
  async run(args: string[], opts: RunOptions = {}): Promise<CliResult> {
    const full = [...args, "--non-interactive", "--color", "never", ...(opts.stack === false ? [] : ["--stack", this.stack])];
    const r = await runProcess("pulumi", full, { cwd: this.dir, env: { ...this.env, ...opts.env }, timeoutMs: opts.timeoutMs ?? this.timeoutMs, onSpawn: opts.onSpawn });
    if (!reveals(args)) {
      recordTranscript(this.stack, shownCommand(full), r.stdout, r.stderr);
      this.printed.push({ command: shownCommand(args), text: `${r.stdout}\n${r.stderr}` });
    }
    return r;
  }

  /**
   * Runs another program against this stack in the project directory (an Automation API script:
   * it drives the CLI on PATH itself), with the CLI's environment plus `opts.env`. What it prints
   * is recorded and scanned like the CLI's output. Not checked: inspect `code`.
   */
  async runProgram(cmd: string, args: string[], opts: Omit<RunOptions, "stack"> = {}): Promise<CliResult> {
    const r = await runProcess(cmd, args, { cwd: this.dir, env: { ...this.env, ...opts.env }, timeoutMs: opts.timeoutMs ?? this.timeoutMs, onSpawn: opts.onSpawn });
    const shown = [path.basename(cmd), ...args].join(" ");
    recordTranscript(this.stack, shown, r.stdout, r.stderr);
    this.printed.push({ command: shown, text: `${r.stdout}\n${r.stderr}` });
    return r;
  }

  /**
   * Points the stack at a simulator the way a user configures a real account: stack config
   * only (apiKey as a secret), with the provider's rate window matched to the simulator's.
   * `apiKey`: the demo user's key, when the simulator was started with one of its own.
   */
  async configureForSimulator(sim: { ticketingUrl: string; identityUrl: string; resourcesUrl?: string }, windowMs: number, opts: { apiKey?: string } = {}): Promise<void> {
    await this.configSetAll({
      "rackspace:username": "demo",
      "rackspace:ticketingUrl": sim.ticketingUrl,
      "rackspace:identityUrl": sim.identityUrl,
      ...(sim.resourcesUrl ? { "rackspace:resourcesUrl": sim.resourcesUrl } : {}),
      "rackspace:rateWindowMs": String(windowMs),
    });
    await this.configSet("rackspace:apiKey", opts.apiKey ?? DEMO_API_KEY, { secret: true });
  }

  /** Like run, but throws (with the whole output) unless the command exits 0. */
  async ok(args: string[], opts: RunOptions = {}): Promise<CliResult> {
    const r = await this.run(args, opts);
    if (r.code !== 0) {
      throw new Error(`${shownCommand(args)} (stack ${this.stack}) ${r.timedOut ? "timed out" : `exited with ${r.code}`}:\n${r.stdout}\n${r.stderr}`);
    }
    return r;
  }

  /** Sets one key; a secret one is registered with the scan under the key's name. */
  async configSet(key: string, value: string, opts: { secret?: boolean; path?: boolean } = {}): Promise<void> {
    if (opts.secret) this.secrets.add(key, value);
    await this.ok(["config", "set", ...(opts.secret ? ["--secret"] : []), ...(opts.path ? ["--path"] : []), key, value]);
  }

  /** Sets several plain (non-secret, non-path) keys in one command. */
  async configSetAll(values: Record<string, string>): Promise<void> {
    const args = ["config", "set-all"];
    for (const [k, v] of Object.entries(values)) args.push("--plaintext", `${k}=${v}`);
    await this.ok(args);
  }

  async configRm(key: string, opts: { path?: boolean } = {}): Promise<void> {
    await this.ok(["config", "rm", ...(opts.path ? ["--path"] : []), key]);
  }

  /** `pulumi up --yes --skip-preview` (not checked: inspect `code`). */
  up(extra: string[] = [], opts?: RunOptions): Promise<CliResult> {
    return this.run(["up", "--yes", "--skip-preview", ...extra], opts);
  }

  preview(extra: string[] = [], opts?: RunOptions): Promise<CliResult> {
    return this.run(["preview", ...extra], opts);
  }

  refresh(extra: string[] = [], opts?: RunOptions): Promise<CliResult> {
    return this.run(["refresh", "--yes", ...extra], opts);
  }

  destroy(extra: string[] = [], opts?: RunOptions): Promise<CliResult> {
    return this.run(["destroy", "--yes", ...extra], opts);
  }

  /** `pulumi import --yes <type> <name> <id>`. */
  import(type: string, name: string, id: string, extra: string[] = [], opts?: RunOptions): Promise<CliResult> {
    return this.run(["import", "--yes", type, name, id, ...extra], opts);
  }

  /** `pulumi stack export`, parsed (secrets stay encrypted unless `showSecrets`). */
  async exportState(showSecrets = false): Promise<{ text: string; state: StackExport }> {
    const r = await this.ok(["stack", "export", ...(showSecrets ? ["--show-secrets"] : [])]);
    return { text: r.stdout, state: JSON.parse(r.stdout) as StackExport };
  }

  /** The resources of the given type in the current state. */
  async resources(type: string = TICKET_TYPE): Promise<StateResource[]> {
    const { state } = await this.exportState();
    return (state.deployment.resources ?? []).filter((r) => r.type === type);
  }

  /** `pulumi stack output --json --show-secrets`, parsed. */
  async outputs(): Promise<Record<string, unknown>> {
    const r = await this.ok(["stack", "output", "--json", "--show-secrets"]);
    return JSON.parse(r.stdout || "{}") as Record<string, unknown>;
  }

  /**
   * Scans the stack (backend, config file, output) one last time, removes the stack (without
   * touching what it manages), its config file, and the backend if this object made it; then
   * fails if the scan found a secret. A runner only removes its config file.
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.runnerOf) {
      fs.rmSync(this.stackConfigFile, { force: true });
      return;
    }
    const findings: Finding[] = [];
    try {
      // Before `stack rm`, which removes the history and the backups.
      findings.push(...scanStack(this));
      await this.run(["stack", "rm", "--yes", "--force"], { timeoutMs: 60_000 });
      findings.push(...scanStack(this));
    } finally {
      unwatch(this);
      for (const f of this.configFiles) fs.rmSync(f, { force: true });
      if (this.ownsBackend) fs.rmSync(this.backendDir, { recursive: true, force: true });
    }
    if (findings.length > 0) throw new Error(describeFindings(this.stack, "when it was disposed", findings));
  }
}

/**
 * A plain-JavaScript Pulumi program in a fresh temp dir (removed by the caller with
 * fs.rmSync): Pulumi.yaml (nodejs, no TypeScript), package.json, `index.js`, and
 * node_modules with this package and @pulumi/pulumi symlinked to the repository's, so
 * the program and the provider host load the built package (dist/) by name.
 */
export function makeJsProgram(name: string, indexJs: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rackspace-e2e-prog-"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n`);
  fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name, private: true, main: "index.js" }, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, "index.js"), indexJs);
  fs.mkdirSync(path.join(dir, "node_modules", "@pulumi"), { recursive: true });
  fs.symlinkSync(REPO_ROOT, path.join(dir, "node_modules", "pulumi-rackspace-ticketing"), "dir");
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi"), path.join(dir, "node_modules", "@pulumi", "pulumi"), "dir");
  return dir;
}

/** A stack name unique to this process and purpose (stack config files share the project dir). */
export function uniqueStack(purpose: string): string {
  return `e2e-${purpose}-${process.pid}-${Date.now().toString(36)}`;
}
