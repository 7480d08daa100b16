/** Guarantee: every step applies its change to the model and the real system, runs its CLI commands, and checks the oracle rules that apply after it. */
import type { Fault, SimOperation } from "../../src/simulator";
import { describeEdit, Edit, Model, picked, pickName } from "./model";
import { checkInvariants, violate } from "./oracle";
import { afterUp, destroyStep, disarm, edit, killMidRun, LONG_HANG_MS, outputOf, recover, refreshed, replyBefore, settleHangs, up } from "./harness";
import { postReply, REPLIES } from "./racker";
import { AdoptClosedSpec, adoptClosedStep, describeScenario, FailedReplaceSpec, failedReplaceStep, KillGetFailsSpec, killGetFailsStep, LostCreateSpec, lostCreateStep } from "./scenarios";
import type { World } from "./world";

export type FaultName = "429" | "429+Retry-After" | "500" | "502" | "503" | "504" | "hang" | "drop-before" | "drop-after" | "400";
export const FAULT_NAMES: readonly FaultName[] = ["429", "429+Retry-After", "500", "502", "503", "504", "hang", "drop-before", "drop-after", "400"];

export interface FaultSpec {
  name: FaultName;
  operation: SimOperation;
}

/**
 * What the Racker answers to the up's gate waits (REPLIES indexes): `during` each wait it sees,
 * and `before`, on every gated ticket (and a gated ticket to adopt), before the up begins.
 */
export interface GateAnswer {
  during: number;
  before?: number;
}

/** The steps of a run, as data (fast-check generates, prints and shrinks them). */
export type StepSpec =
  | { kind: "up"; edit: Edit; fault?: FaultSpec; gate?: GateAnswer }
  | { kind: "kill"; edit: Edit; during: "createTicket" | "addComment" } // edit: add or replace (create), comment (addComment)
  | { kind: "racker"; pick: number; action: "reply" | "status" | "close"; status: string; reply?: number }
  | { kind: "refresh" }
  | { kind: "upRefresh" }
  | { kind: "destroy" }
  | LostCreateSpec
  | FailedReplaceSpec
  | AdoptClosedSpec
  | KillGetFailsSpec;

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

const gateWords = (g: GateAnswer | undefined) => (g ? `, Racker ${g.before !== undefined ? `${JSON.stringify(REPLIES[g.before].text)} before, ` : ""}${JSON.stringify(REPLIES[g.during].text)} while it waits` : "");

export function describeStep(s: StepSpec): string {
  switch (s.kind) {
    case "up":
      return s.fault ? `FaultyUp(${s.fault.name} on ${faultOf(s.fault).operation}, ${describeEdit(s.edit)}${gateWords(s.gate)})` : `Up(${describeEdit(s.edit)}${gateWords(s.gate)})`;
    case "kill":
      return `KillMidRun(${s.during}, ${describeEdit(s.edit)})`;
    case "racker":
      return `Racker(${pickName(s.pick)}, ${s.action === "reply" ? `reply${s.reply !== undefined ? ` ${JSON.stringify(REPLIES[s.reply].text)}` : ""}` : s.action === "close" ? "Closed" : s.status})`;
    case "refresh":
      return "Refresh";
    case "upRefresh":
      return "UpRefresh";
    case "destroy":
      return "Destroy";
    default:
      return describeScenario(s);
  }
}

async function upStep(m: Model, w: World, s: Extract<StepSpec, { kind: "up" }>): Promise<void> {
  const adoptId = await edit(m, w, s.edit);
  if (s.gate?.before !== undefined) await replyBefore(m, w, s.gate.before, adoptId && m.tickets.find((t) => t.adoptTicketId === adoptId)?.gated ? [adoptId] : []);
  const since = w.lastSeq();
  const fault = s.fault ? faultOf(s.fault) : undefined;
  if (fault) {
    w.sim.injectFault(fault);
    w.note(`armed ${JSON.stringify(fault)}`);
  }
  const r = await up(m, w, undefined, s.gate?.during);
  const used = disarm(w, fault);
  await settleHangs(w, since, fault?.kind === "hang" ? used : 0);
  await afterUp(m, w, r, `\`pulumi up\` of ${describeStep(s)}`, fault !== undefined);
}

/** The CLI, its language host and provider host killed while the server holds a create or a comment, as a CI runner dies; then rule 3. */
async function killStep(m: Model, w: World, s: Extract<StepSpec, { kind: "kill" }>): Promise<void> {
  await edit(m, w, s.edit);
  const { r, killed } = await killMidRun(m, w, s.during, describeStep(s));
  if (!killed) return afterUp(m, w, r, `\`pulumi up\` of ${describeStep(s)}`, true);
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
  if (s.action !== "status") {
    const reply = postReply(w, rec.id, s.reply ?? `Racker note on ${decl.name} (${s.action})`, "by a Racker between commands");
    w.note(`Racker comments ${JSON.stringify(reply.text)} on ${decl.name}'s ticket ${rec.id}`);
  }
  if (status) {
    w.sim.actAsRacker(rec.id, { status });
    w.note(`Racker sets status ${status} on ${decl.name}'s ticket ${rec.id}`);
  }
  if (status === "Closed") {
    w.ledger.rackerClosedAt.set(rec.id, w.lastSeq());
    m.rackerClosed[decl.name] = { excused: true };
  }
  await checkInvariants(m, w, describeStep(s));
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
      const r = await up(m, w, "up --refresh --yes --skip-preview", undefined, ["--refresh"]);
      if (r.code === 0) refreshed(m);
      return afterUp(m, w, r, "`pulumi up --refresh`", false);
    }
    case "destroy":
      return destroyStep(m, w, "Destroy");
    case "lostCreate":
      return lostCreateStep(m, w, s);
    case "failedReplace":
      return failedReplaceStep(m, w, s);
    case "adoptClosed":
      return adoptClosedStep(m, w, s);
    case "killGetFails":
      return killGetFailsStep(m, w, s);
  }
}

/** Rule 4, at the end of every run. */
export async function finalDestroy(m: Model, w: World): Promise<void> {
  w.step += 1;
  w.note("final destroy");
  await destroyStep(m, w, "the final destroy");
}
