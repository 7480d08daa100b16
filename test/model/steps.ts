/** Guarantee: every step applies its change to the model and the real system, runs its CLI commands, and checks the oracle rules that apply after it. */
import type { Fault, SimOperation } from "../../src/simulator";
import { CliResult } from "../helpers/pulumi-cli";
import { openTicketByHand } from "../helpers/sim";
import { ACCOUNT_ID, adoptedDecl, applyEdit, describeEdit, Edit, Model, picked, pickName } from "./model";
import { checkConverged, checkDestroyed, checkInvariants, checkNoCommentTwice, violate } from "./oracle";
import { specOf } from "./program";
import { killTree } from "../helpers/process-tree";
import { errorLines, TIMEOUT_MS, World } from "./world";

export type FaultName = "429" | "429+Retry-After" | "500" | "502" | "503" | "504" | "hang" | "drop-before" | "drop-after" | "400";
export const FAULT_NAMES: readonly FaultName[] = ["429", "429+Retry-After", "500", "502", "503", "504", "hang", "drop-before", "drop-after", "400"];

export interface FaultSpec {
  name: FaultName;
  operation: SimOperation;
}

/** The steps of a run, as data (fast-check generates, prints and shrinks them). */
export type StepSpec =
  | { kind: "up"; edit: Edit; fault?: FaultSpec }
  | { kind: "kill"; edit: Edit; during: "createTicket" | "addComment" }  // edit: add or replace (create), comment (addComment)
  | { kind: "racker"; pick: number; action: "reply" | "status" | "close"; status: string }
  | { kind: "refresh" }
  | { kind: "upRefresh" }
  | { kind: "destroy" };

/** How long the server holds the request the CLI is killed during (then applies it anyway). */
const KILL_HANG_MS = 3000;
/** A hang longer than the provider's timeout: the answer is lost, the request is applied later. */
const LONG_HANG_MS = TIMEOUT_MS + 2000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function faultOf(f: FaultSpec): Fault {
  const operation = f.name === "400" ? "addComment" : f.operation;
  switch (f.name) {
    case "429":
      return { operation, kind: "status", status: 429, count: 2 };
    case "429+Retry-After":
      return { operation, kind: "status", status: 429, retryAfter: "1", count: 2 };
    case "hang":
      return { operation, kind: "hang", ms: LONG_HANG_MS, count: 1 };
    case "drop-before":
    case "drop-after":
      return { operation, kind: f.name, count: 1 };
    default:
      return { operation, kind: "status", status: Number(f.name), count: 1 };
  }
}

export function describeStep(s: StepSpec): string {
  switch (s.kind) {
    case "up":
      return s.fault ? `FaultyUp(${s.fault.name} on ${faultOf(s.fault).operation}, ${describeEdit(s.edit)})` : `Up(${describeEdit(s.edit)})`;
    case "kill":
      return `KillMidRun(${s.during}, ${describeEdit(s.edit)})`;
    case "racker":
      return `Racker(${pickName(s.pick)}, ${s.action === "reply" ? "reply" : s.action === "close" ? "Closed" : s.status})`;
    case "refresh":
      return "Refresh";
    case "upRefresh":
      return "UpRefresh";
    case "destroy":
      return "Destroy";
  }
}

/** Applies an edit to the model and the program (opening the ticket to adopt by hand first). */
async function edit(m: Model, w: World, e: Edit): Promise<void> {
  let adoptId: string | undefined;
  if (e.kind === "adopt") {
    const d = adoptedDecl(m, e);
    adoptId = await openTicketByHand(w.sim, { accountId: ACCOUNT_ID, subject: d.subject, category: "Change", subcategory: "General", severity: d.severity, comment: { text: d.description } });
    w.ledger.handOpened.add(adoptId);
  }
  const { detail } = applyEdit(m, e, adoptId);
  w.program.write(specOf(m));
  w.note(`program ${detail}`);
}

/** Ends every "Rackspace closed it" excuse: the state was refreshed. */
function refreshed(m: Model): void {
  for (const note of Object.values(m.rackerClosed)) note.excused = false;
}

const outputOf = (r: CliResult) => errorLines(r.output).join(" | ") || r.output.trim().split("\n").slice(-5).join(" | ");

/** Waits (bounded) until every held request since `since` has been answered or abandoned. */
async function settleHangs(w: World, since: number, consumedHangs: number): Promise<void> {
  const t0 = Date.now();
  while (w.sim.requests({ since }).filter((e) => e.fault === "hang").length < consumedHangs && Date.now() - t0 < 15_000) await sleep(100);
}

/** Disarms the faults; returns how many uses of the armed one were consumed. */
function disarm(w: World, armed: Fault | undefined): number {
  if (!armed) return 0;
  const left = w.sim.faults().reduce((n, f) => n + f.remaining, 0);
  w.sim.clearFaults();
  const used = (armed.count ?? 1) - left;
  w.note(used > 0 ? `fault consumed ${used}×` : "fault not reached");
  return used;
}

/** Rule 3: after a failed command the stack is not wedged, and running the pipeline again converges (rule 1). */
async function recover(m: Model, w: World, failed: string): Promise<void> {
  w.sim.clearFaults();
  checkNoCommentTwice(w, `${failed} (failed)`);
  const refresh = await w.cli("refresh --yes", (p, o) => p.refresh([], o));
  if (refresh.code !== 0) violate("3", "refresh-after-failure-succeeds", `after ${failed} failed, \`pulumi refresh --yes\` exited ${refresh.code}: ${outputOf(refresh)}`);
  refreshed(m);
  const preview = await w.cli("preview", (p, o) => p.preview([], o));
  if (preview.code !== 0) violate("3", "preview-after-failure-succeeds", `after ${failed} failed and a refresh, \`pulumi preview\` exited ${preview.code}: ${outputOf(preview)}`);
  const rerun = await w.cli("up (rerun)", (p, o) => p.up([], o));
  if (rerun.code !== 0) violate("3", "rerun-up-succeeds", `after ${failed} failed, a refresh and a preview, the rerun \`pulumi up\` (no fault) exited ${rerun.code}: ${outputOf(rerun)}`);
  await checkInvariants(m, w, "the rerun up");
  await checkConverged(m, w, "the rerun up");
}

/** The outcome of an `up`: success must satisfy rule 1; failure is allowed only with a fault armed, and is followed by rule 3. */
async function afterUp(m: Model, w: World, r: CliResult, what: string, faulted: boolean): Promise<void> {
  if (r.code === 0) {
    await checkInvariants(m, w, what);
    await checkConverged(m, w, what);
    return;
  }
  if (!faulted) violate("1", "up-without-fault-succeeds", `${what} (no fault armed) exited ${r.timedOut ? "by timeout" : r.code}: ${outputOf(r)}`);
  await recover(m, w, what);
}

async function upStep(m: Model, w: World, s: Extract<StepSpec, { kind: "up" }>): Promise<void> {
  await edit(m, w, s.edit);
  const since = w.lastSeq();
  const fault = s.fault ? faultOf(s.fault) : undefined;
  if (fault) {
    w.sim.injectFault(fault);
    w.note(`armed ${JSON.stringify(fault)}`);
  }
  const r = await w.cli("up --yes --skip-preview", (p, o) => p.up([], o));
  const used = disarm(w, fault);
  await settleHangs(w, since, fault?.kind === "hang" ? used : 0);
  await afterUp(m, w, r, `\`pulumi up\` of ${describeStep(s)}`, fault !== undefined);
}

/** The CLI, its language host and provider host killed while the server holds a create or a comment, as a CI runner dies. */
async function killStep(m: Model, w: World, s: Extract<StepSpec, { kind: "kill" }>): Promise<void> {
  await edit(m, w, s.edit);
  const since = w.lastSeq();
  const fault: Fault = { operation: s.during, kind: "hang", ms: KILL_HANG_MS, count: 1 };
  w.sim.injectFault(fault);
  let pid: number | undefined;
  let tag: string | undefined;
  let finished = false;
  let killed = false;
  const running = w.cli("up --yes --skip-preview (to be killed)", (p, o) =>
    p.up([], {
      ...o,
      onSpawn: (x, t) => {
        pid = x;
        tag = t;
      },
    }),
  );
  void running.then(() => (finished = true));
  while (!finished && w.sim.faults().length > 0) await sleep(25);
  if (!finished && pid !== undefined) {
    await sleep(400); // the request is in flight, held by the server
    if (!finished) {
      // The CLI, its language host and provider host (groups of their own), and all they started.
      await killTree(pid, { tag });
      killed = true;
    }
  }
  const r = await running;
  const used = disarm(w, fault);
  await settleHangs(w, since, used);
  if (!killed) {
    w.note("the up ended before the kill");
    return afterUp(m, w, r, `\`pulumi up\` of ${describeStep(s)}`, true);
  }
  w.note(`killed the CLI, its language host and provider host while ${s.during} was held`);
  const cancel = await w.cli("cancel --yes", (p, o) => p.run(["cancel", "--yes"], o));
  const { pendingOperations } = await w.state();
  w.note(`cancel exit ${cancel.code}; pending operations: ${JSON.stringify(pendingOperations)}`);
  await recover(m, w, `the killed \`pulumi up\` of ${describeStep(s)}`);
}

async function rackerStep(m: Model, w: World, s: Extract<StepSpec, { kind: "racker" }>): Promise<void> {
  const decl = picked(m, s.pick);
  const rec = await w.recordOf(decl.name);
  const ticket = rec ? w.sim.getTicket(rec.id) : undefined;
  if (!rec || !ticket || ticket.status === "Closed") {
    w.note(`Racker: ${decl.name} has no open recorded ticket; nothing done`);
    return;
  }
  const status = s.action === "close" ? "Closed" : s.action === "status" ? s.status : undefined;
  const comment = s.action === "status" ? undefined : `Racker note on ${decl.name} (${s.action})`;
  w.sim.actAsRacker(rec.id, { ...(comment ? { comment } : {}), ...(status ? { status } : {}) });
  w.note(`Racker ${comment ? "comments" : ""}${comment && status ? " and " : ""}${status ? `sets status ${status}` : ""} on ${decl.name}'s ticket ${rec.id}`);
  if (status === "Closed") {
    w.ledger.rackerClosedAt.set(rec.id, w.lastSeq());
    m.rackerClosed[decl.name] = { excused: true };
  }
  await checkInvariants(m, w, describeStep(s));
}

async function destroyStep(m: Model, w: World, what: string): Promise<void> {
  const r = await w.cli("destroy --yes", (p, o) => p.destroy([], o), { checkWrites: false });
  if (r.code !== 0) violate("4", "destroy-succeeds", `${what}: \`pulumi destroy --yes\` exited ${r.code}: ${outputOf(r)}`);
  m.tickets = [];
  m.rackerClosed = {};
  w.program.write(specOf(m));
  await checkDestroyed(w, what);
  await checkInvariants(m, w, what);
}

export async function runStep(m: Model, w: World, s: StepSpec): Promise<void> {
  w.step += 1;
  w.note(`${describeStep(s)}`);
  switch (s.kind) {
    case "up":
      return upStep(m, w, s);
    case "kill":
      return killStep(m, w, s);
    case "racker":
      return rackerStep(m, w, s);
    case "refresh": {
      const r = await w.cli("refresh --yes", (p, o) => p.refresh([], o));
      if (r.code !== 0) violate("3", "refresh-succeeds", `\`pulumi refresh --yes\` (no fault armed) exited ${r.code}: ${outputOf(r)}`);
      refreshed(m);
      return checkInvariants(m, w, "Refresh");
    }
    case "upRefresh": {
      const r = await w.cli("up --refresh --yes --skip-preview", (p, o) => p.up(["--refresh"], o));
      if (r.code === 0) refreshed(m);
      return afterUp(m, w, r, "`pulumi up --refresh`", false);
    }
    case "destroy":
      return destroyStep(m, w, "Destroy");
  }
}

/** Rule 4, at the end of every run. */
export async function finalDestroy(m: Model, w: World): Promise<void> {
  w.step += 1;
  w.note("final destroy");
  await destroyStep(m, w, "the final destroy");
}
