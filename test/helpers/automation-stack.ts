/**
 * A stack driven by a program of the generated SDKs through Pulumi's Automation API (the Python
 * script of test/fixtures/sdk-python, the Go program of test/fixtures/sdk-go): one process per
 * operation (`up`, `preview`, `destroy`), told what to declare by a spec.json beside it, with
 * the stack config of an e2e stack (the simulator's URLs, the fast window and limits, the demo
 * API key as a secret). Like every e2e stack it is watched by the secret scan from its making
 * to its disposal: its file backend, its stack config file and everything its processes printed
 * are searched for the values it was given as secrets. What the processes print is recorded for
 * scripts/security-scan.js too; each process runs through runProcess (no process left behind).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cliEnv, DEMO_API_KEY, findPulumiCli, pulumiCliProblem, recordTranscript, REPO_ROOT, runProcess } from "./pulumi-cli";
import type { CliResult } from "./run-process";
import { describeFindings, Finding, PrintedOutput, ScannedStack, scanStack, SecretRegistry, unwatch, watch } from "./secret-scan";
import { FAST_LIMITS, FAST_WINDOW_MS } from "./spec-program";

/** The ticket the program declares (account hybrid:100001, category Change, subcategory General). */
export interface DeclaredTicket {
  subject: string;
  description: string;
  comments?: string[];
  note?: string;
  closingComment?: string;
  /** The program passes the description as a secret (Python: pulumi.Output.secret). */
  secretDescription?: boolean;
  /** Python: the WaitForArgs keywords (snake_case). */
  waitFor?: Record<string, string>;
}

export interface AutomationStackOptions {
  /**
   * Where the work dir's Pulumi.yaml points `plugins.providers` for `rackspace` (this repository
   * by default); `null` writes no `plugins` at all, so the engine finds the plugin the way it finds
   * any installed one (`pulumi plugin install`). Only the Python fixture reads it: the Go one
   * always names the repository.
   */
  pluginPath?: string | null;
}

/** How to run one operation: the command and its arguments, given the operation and the spec's path. */
export type Launcher = (op: string, specPath: string) => { cmd: string; args: string[]; env?: Record<string, string> };

export interface OpResult extends CliResult {
  /** The stack's outputs (`RESULT <json>`, the program's last line), after `up`. */
  outputs: Record<string, unknown>;
}

let made = 0;

export class AutomationStack implements ScannedStack {
  readonly stack: string;
  readonly secrets = new SecretRegistry();
  readonly backendDir: string;
  /** The workspace's directory: Pulumi.yaml (naming the plugin, unless `pluginPath` is null) and the stack's config file. */
  readonly workDir: string;
  /** The environment every operation starts from (the launcher's `env` is laid over it). */
  readonly env: Record<string, string>;
  private readonly pluginPath: string | null;
  private readonly specDir: string;
  private readonly printed: PrintedOutput[] = [];
  private ticket: DeclaredTicket | undefined;
  private disposed = false;

  constructor(
    private readonly launcher: Launcher,
    private readonly project: string,
    purpose: string,
    private readonly sim: { ticketingUrl: string; identityUrl: string; resourcesUrl?: string },
    opts: AutomationStackOptions = {},
  ) {
    const bin = findPulumiCli();
    if (!bin) throw new Error(`no Pulumi CLI: ${pulumiCliProblem()}`);
    this.stack = `e2e-${purpose}-${process.pid}-${++made}`;
    this.pluginPath = opts.pluginPath === undefined ? REPO_ROOT : opts.pluginPath;
    this.backendDir = fs.mkdtempSync(path.join(os.tmpdir(), "rackspace-e2e-state-"));
    this.workDir = fs.mkdtempSync(path.join(os.tmpdir(), "rackspace-e2e-auto-"));
    this.specDir = fs.mkdtempSync(path.join(os.tmpdir(), "rackspace-e2e-spec-"));
    this.env = cliEnv(bin, this.backendDir);
    this.secrets.add("rackspace:apiKey", DEMO_API_KEY);
    watch(this);
  }

  /** What the next operations declare; a secret description is registered with the scan. */
  declare(ticket: DeclaredTicket): void {
    if (ticket.secretDescription) this.secrets.add("change.description", ticket.description);
    this.ticket = ticket;
  }

  /** Runs one operation (`up`, `preview`, `destroy`) in a process of its own; never throws for a failed one. */
  async run(op: string, timeoutMs = 240_000): Promise<OpResult> {
    if (!this.ticket) throw new Error("declare() a ticket first");
    const specPath = path.join(this.specDir, "spec.json");
    const config: Record<string, string> = {
      "rackspace:username": "demo",
      "rackspace:ticketingUrl": this.sim.ticketingUrl,
      "rackspace:identityUrl": this.sim.identityUrl,
      ...(this.sim.resourcesUrl ? { "rackspace:resourcesUrl": this.sim.resourcesUrl } : {}),
      "rackspace:rateWindowMs": String(FAST_WINDOW_MS),
      "rackspace:rateLimitCreate": String(FAST_LIMITS.create),
      "rackspace:rateLimitPatch": String(FAST_LIMITS.patch),
      "rackspace:rateLimitComment": String(FAST_LIMITS.comment),
      "rackspace:rateLimitRead": String(FAST_LIMITS.read),
    };
    const spec = { project: this.project, stack: this.stack, workDir: this.workDir, repoRoot: REPO_ROOT, pluginPath: this.pluginPath, config, secretConfig: { "rackspace:apiKey": DEMO_API_KEY }, ticket: this.ticket };
    fs.writeFileSync(specPath, `${JSON.stringify(spec, null, 2)}\n`);
    const { cmd, args, env } = this.launcher(op, specPath);
    const r = await runProcess(cmd, args, { cwd: this.specDir, env: { ...this.env, ...env }, timeoutMs });
    const shown = `${path.basename(cmd)} ${op}`;
    recordTranscript(this.stack, shown, r.stdout, r.stderr);
    this.printed.push({ command: shown, text: `${r.stdout}\n${r.stderr}` });
    const last = r.stdout.split("\n").reverse().find((l) => l.startsWith("RESULT "));
    return { ...r, outputs: last ? (JSON.parse(last.slice("RESULT ".length)) as Record<string, unknown>) : {} };
  }

  extraFiles(): string[] {
    return [path.join(this.workDir, `Pulumi.${this.stack}.yaml`)];
  }

  takeOutput(): PrintedOutput[] {
    return this.printed.splice(0);
  }

  /** Scans the stack, removes it (`pulumi stack rm`, nothing it managed is touched) and its directories; fails on a finding. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const findings: Finding[] = [];
    try {
      findings.push(...scanStack(this));
      if (fs.existsSync(path.join(this.workDir, "Pulumi.yaml"))) {
        const rm = await runProcess("pulumi", ["stack", "rm", "--yes", "--force", "--non-interactive", "--stack", this.stack], { cwd: this.workDir, env: this.env, timeoutMs: 60_000 });
        this.printed.push({ command: "pulumi stack rm", text: rm.output });
      }
      findings.push(...scanStack(this));
    } finally {
      unwatch(this);
      for (const d of [this.backendDir, this.workDir, this.specDir]) fs.rmSync(d, { recursive: true, force: true });
    }
    if (findings.length > 0) throw new Error(describeFindings(this.stack, "when it was disposed", findings));
  }
}
