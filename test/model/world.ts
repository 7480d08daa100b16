/** Guarantee: one run's real system (simulator, stack, program of the run's face) and a ledger of what the harness observed, every CLI command traced. */
import { startSimulator, Simulator } from "../../src/simulator";
import { CliResult, PulumiProject, RunOptions } from "../helpers/pulumi-cli";
import { Face, FACE_SPECS, FaceSpec } from "./face";
import { ModelProgram } from "./program";
import { RackerRun, ReplyRecord, WaitWatcher } from "./racker";

export const WINDOW_MS = 1000;
/** The provider's per-request timeout: a hang longer than this is a lost answer. */
export const TIMEOUT_MS = 4000;
const SIM_LIMITS = { create: 5, patch: 10, comment: 10, read: 100, attachment: 20 };

/** What a record's outputs say of the approval gate (`approval`). */
export interface ApprovalRecord {
  met: boolean;
  how: string;
  commentId: string;
  status: string;
  baseline?: { entries: number; status: string };
}

/** One ticket as the stack's state records it. */
export interface StateRecord {
  name: string;
  urn: string;
  /** The ticket's id, or `unconfirmed-<marker>` for a create whose answer was lost (see `unconfirmedMarker`). */
  id: string;
  /** For an unconfirmed create: the marker its ticket (if any) carries at the end of its description. */
  unconfirmedMarker?: string;
  approval?: ApprovalRecord;
  /** Neither pending deletion nor deleted-before-replace: the resource's current ticket. */
  live: boolean;
  retainOnDelete: boolean;
  /** The status the state last recorded. */
  status?: string;
}

export interface StackState {
  records: StateRecord[];
  pendingOperations: string[];
}

/** What the harness saw happen, by ticket id (ids come from the real system; the expectations from the model). */
export interface Ledger {
  /** Tickets the harness opened by hand (for adoptTicketId). */
  handOpened: Set<string>;
  /** Hand-opened tickets the state has recorded (adopted). */
  adopted: Set<string>;
  /** Tickets whose record had retainOnDelete when it left the state: they stay open. */
  retained: Set<string>;
  /** Tickets Rackspace closed, with the last request-log seq before the close. */
  rackerClosedAt: Map<string, number>;
  /** Request-log ranges of commands whose writes must spare closed tickets (every command but destroy). */
  checkedRanges: Array<{ from: number; to: number; label: string }>;
  /** Every Racker reply the harness posted (racker.ts), in order. */
  replies: ReplyRecord[];
  /**
   * Per ticket, the harness clock from which Racker replies count for its gate (the last wait's
   * baseline as the harness knows it: exact, or earlier where the rule depends on writes the
   * provider planned but did not need to send; see oracle-gate.ts).
   */
  countsFrom: Map<string, number>;
  /** Comments the user posted by hand on a ticket (an answer to a rejection): not the stack's, not declared. */
  handComments: Set<string>;
}

/** What one CLI command did, for the checks that follow every command (oracle-gate.ts). */
export interface CommandFacts {
  label: string;
  /** The harness clock when the command began (replies posted before it have a smaller clock). */
  start: number;
  /** Its request-log range (seq > from, ≤ to). */
  from: number;
  to: number;
  before: StackState;
  after: StackState;
  result: CliResult;
  /** The replies the harness posted to gate waits during the command, by ticket. */
  answered: ReadonlyMap<string, ReplyRecord>;
}

type Props = Record<string, unknown>;

/** The type tokens of the other face: a run's state never holds one (its program declares through one face only). */
const FOREIGN_TYPES: Readonly<Record<Face, readonly string[]>> = {
  dynamic: [FACE_SPECS.plugin.ticketType, FACE_SPECS.plugin.commentType],
  plugin: [FACE_SPECS.dynamic.ticketType, FACE_SPECS.dynamic.commentType],
};

export class World {
  readonly trace: string[] = [];
  readonly ledger: Ledger = { handOpened: new Set(), adopted: new Set(), retained: new Set(), rackerClosedAt: new Map(), checkedRanges: [], replies: [], countsFrom: new Map(), handComments: new Set() };
  step = 0;
  /** The harness clock: one tick per command begun and per Racker reply posted, so the two can be ordered. */
  private clock = 0;
  /** Called after every CLI command with what it did (the runner installs the gate checks). */
  afterCommand?: (facts: CommandFacts) => Promise<void> | void;
  /** What the last CLI command did. */
  lastFacts?: CommandFacts;

  private constructor(
    readonly sim: Simulator,
    readonly program: ModelProgram,
    readonly project: PulumiProject,
  ) {}

  /** The face the run is played with. */
  get face(): Face {
    return this.program.face;
  }

  /** The face's type tokens (what the state records, what URNs name). */
  get types(): FaceSpec {
    return FACE_SPECS[this.program.face];
  }

  /** A fresh simulator, program (of `face`) and stack, configured the way a user points a stack at an account. */
  static async start(stackName: string, face: Face): Promise<World> {
    const sim = await startSimulator({ port: 0, windowMs: WINDOW_MS, limits: SIM_LIMITS });
    const program = new ModelProgram(face);
    try {
      const project = await PulumiProject.create({ dir: program.dir, stack: stackName, timeoutMs: 120_000 });
      await project.configSetAll({
        "rackspace:username": "demo",
        "rackspace:ticketingUrl": sim.ticketingUrl,
        "rackspace:identityUrl": sim.identityUrl,
        "rackspace:resourcesUrl": sim.resourcesUrl,
        "rackspace:rateWindowMs": String(WINDOW_MS),
        "rackspace:rateLimitCreate": String(SIM_LIMITS.create),
        "rackspace:rateLimitPatch": String(SIM_LIMITS.patch),
        "rackspace:rateLimitComment": String(SIM_LIMITS.comment),
        "rackspace:rateLimitRead": String(SIM_LIMITS.read),
        "rackspace:timeoutMs": String(TIMEOUT_MS),
        "rackspace:retryBudgetMs": "20000",
      });
      await project.configSet("rackspace:apiKey", "demo-api-key", { secret: true });
      return new World(sim, program, project);
    } catch (e) {
      program.dispose();
      await sim.close();
      throw e;
    }
  }

  note(line: string): void {
    this.trace.push(`  [${this.step}] ${line}`);
  }

  tick(): number {
    return ++this.clock;
  }

  lastSeq(): number {
    return this.sim.requests().reduce((m, e) => Math.max(m, e.seq), 0);
  }

  /**
   * Runs one CLI command, tracing its exit code and time, recording its request-log range,
   * and updating the ledger: tickets that left the state with retainOnDelete are retained,
   * hand-opened tickets the state records are adopted. With `racker`, the harness answers every
   * gate wait it sees during the command (racker.ts).
   */
  async cli(label: string, run: (p: PulumiProject, opts: RunOptions) => Promise<CliResult>, opts: RunOptions & { checkWrites?: boolean; racker?: RackerRun } = {}): Promise<CliResult> {
    const before = await this.state();
    const from = this.lastSeq();
    const start = this.tick();
    const t0 = Date.now();
    const watcher = opts.racker ? new WaitWatcher(this, opts.racker, from, label) : undefined;
    watcher?.start();
    let r: CliResult;
    try {
      r = await run(this.project, opts);
    } finally {
      watcher?.stop();
    }
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    this.note(`$ pulumi ${label} → ${r.timedOut ? "timed out" : r.code === null ? "killed" : `exit ${r.code}`} (${secs} s)`);
    if (r.code !== 0) for (const l of errorLines(r.output)) this.note(`    | ${l}`);
    if (opts.checkWrites !== false) this.ledger.checkedRanges.push({ from, to: Number.MAX_SAFE_INTEGER, label });
    const after = await this.state();
    const range = this.ledger.checkedRanges[this.ledger.checkedRanges.length - 1];
    if (opts.checkWrites !== false && range) range.to = this.lastSeq();
    const still = new Set(after.records.map((x) => x.id));
    for (const rec of before.records) {
      if (!rec.retainOnDelete || still.has(rec.id)) continue;
      this.ledger.retained.add(rec.id);
      // An unconfirmed record stands for the ticket that carries its marker, if any: retained with it.
      const marker = rec.unconfirmedMarker;
      if (marker) for (const t of this.sim.tickets()) if ((t.comments[0]?.text ?? "").includes(marker) && !still.has(t.ticketId)) this.ledger.retained.add(t.ticketId);
    }
    for (const rec of after.records) if (this.ledger.handOpened.has(rec.id)) this.ledger.adopted.add(rec.id);
    for (const a of watcher?.answered.values() ?? []) this.note(`Racker answered the wait on ${a.ticketId}: ${JSON.stringify(a.text)}`);
    const facts: CommandFacts = { label, start, from, to: this.lastSeq(), before, after, result: r, answered: watcher?.answered ?? new Map() };
    this.lastFacts = facts;
    await this.afterCommand?.(facts);
    return r;
  }

  /** The stack's tickets (resources of the face's ticket type) as `pulumi stack export` shows them. */
  async state(): Promise<StackState> {
    const { state } = await this.project.exportState();
    const all = state.deployment.resources ?? [];
    const foreign = all.filter((r) => FOREIGN_TYPES[this.face].includes(r.type));
    if (foreign.length > 0) throw new Error(`harness: the ${this.face} face's stack records resources of the other face: ${foreign.map((r) => r.urn).join(", ")}`);
    const resources = all.filter((r) => r.type === this.types.ticketType && typeof r.id === "string" && r.id !== "");
    const records = resources.map((r): StateRecord => {
      const outs = (r.outputs ?? {}) as Props;
      const unconfirmed = outs.unconfirmed as { marker?: unknown } | undefined;
      const approval = outs.approval as ApprovalRecord | undefined;
      return {
        name: r.urn.split("::").pop() ?? "",
        urn: r.urn,
        id: r.id as string,
        ...(typeof unconfirmed?.marker === "string" ? { unconfirmedMarker: unconfirmed.marker } : {}),
        ...(approval && typeof approval === "object" ? { approval } : {}),
        live: r.delete !== true && r.pendingReplacement !== true,
        retainOnDelete: r.retainOnDelete === true,
        status: typeof outs.status === "string" ? outs.status : undefined,
      };
    });
    const pending = ((state.deployment as { pending_operations?: Array<{ type: string; resource?: { urn?: string } }> }).pending_operations ?? []).map(
      (o) => `${o.type} ${o.resource?.urn?.split("::").pop() ?? "?"}`,
    );
    return { records, pendingOperations: pending };
  }

  /** The live record of a declared resource, if the state has one. */
  async recordOf(name: string): Promise<StateRecord | undefined> {
    return (await this.state()).records.find((r) => r.live && r.name === name);
  }

  async dispose(): Promise<void> {
    try {
      await this.project.dispose();
    } finally {
      this.program.dispose();
      await this.sim.close();
    }
  }
}

/** The lines of a failed command's output worth showing in a trace (errors, not progress). */
export function errorLines(output: string): string[] {
  const lines = output
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /error|failed|cannot|Rackspace has closed|interrupted/i.test(l) && !/^\s*$/.test(l));
  return [...new Set(lines)].slice(0, 6).map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l));
}
