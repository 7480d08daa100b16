/** Guarantee: what every step shares: applying an edit to the model and the program, running an `up` with the Racker answering its gate waits, judging its outcome (rules 1 and 3), killing a run, destroying. */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Fault } from "../../src/simulator";
import { CliResult } from "../helpers/pulumi-cli";
import { commentByHand, openTicketByHand } from "../helpers/sim";
import { ACCOUNT_ID, adoptedDecl, applyEdit, Edit, gatedTickets, Model } from "./model";
import { checkConverged, checkDestroyed, checkInvariants, checkNoCommentTwice, violate } from "./oracle";
import { checkGatesMet } from "./oracle-gate";
import { specOf } from "./program";
import { APPROVING, postReply, RackerRun, REPLIES } from "./racker";
import { killTree } from "../helpers/process-tree";
import { errorLines, TIMEOUT_MS, World } from "./world";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A hang longer than the provider's timeout: the answer is lost, the request is applied later. */
export const LONG_HANG_MS = TIMEOUT_MS + 2000;

/** How long the server would hold the request the CLI is killed during (the kill closes the connection first: the server abandons the request, nothing is applied). */
export const KILL_HANG_MS = 3000;

/** Applies an edit to the model and the program (opening the ticket to adopt by hand first); returns the hand-opened ticket's id for an adopt. */
export async function edit(m: Model, w: World, e: Edit): Promise<string | undefined> {
  let adoptId: string | undefined;
  if (e.kind === "adopt") {
    const d = adoptedDecl(m, e);
    adoptId = await openTicketByHand(w.sim, { accountId: ACCOUNT_ID, subject: d.subject, category: "Change", subcategory: "General", severity: d.severity, comment: { text: d.description } });
    w.ledger.handOpened.add(adoptId);
  }
  const { detail } = applyEdit(m, e, adoptId);
  w.program.write(specOf(m));
  w.note(`program ${detail}`);
  return adoptId;
}

/** Ends every "Rackspace closed it" excuse: the state was refreshed. */
export function refreshed(m: Model): void {
  for (const note of Object.values(m.rackerClosed)) note.excused = false;
}

export const outputOf = (r: CliResult) => errorLines(r.output).join(" | ") || r.output.trim().split("\n").slice(-5).join(" | ");

/** What the Racker answers to the gate waits of a command: REPLIES[reply], or an approving reply (varied by step). */
export function rackerFor(m: Model, w: World, reply?: number): RackerRun {
  return { names: gatedTickets(m).map((t) => t.name), reply: reply ?? APPROVING[w.step % APPROVING.length] };
}

/** Whether the last command's gate waits got a reply that does not approve (its `up` may fail). */
export function answeredNo(w: World): boolean {
  return [...(w.lastFacts?.answered.values() ?? [])].some((a) => a.meaning !== "approve");
}

/** Posts REPLIES[reply] on the open ticket of every gated declared resource (and `extra`), before a command begins. */
export async function replyBefore(m: Model, w: World, reply: number, extra: string[] = []): Promise<void> {
  const { records } = await w.state();
  const ids = gatedTickets(m).flatMap((t) => records.filter((r) => r.live && r.name === t.name && r.unconfirmedMarker === undefined).map((r) => r.id));
  for (const id of [...ids, ...extra]) {
    const t = w.sim.getTicket(id);
    if (!t || t.status === "Closed") continue;
    postReply(w, id, reply, "before the `pulumi up` began");
    w.note(`Racker replies ${JSON.stringify(REPLIES[reply].text)} on ${id} before the up`);
  }
}

/** `pulumi up` with the Racker answering its gate waits. */
export function up(m: Model, w: World, label = "up --yes --skip-preview", reply?: number, extra: string[] = []): Promise<CliResult> {
  return w.cli(label, (p, o) => p.up(extra, o), { racker: rackerFor(m, w, reply) });
}

/** Waits (bounded) until every held request since `since` has been answered or abandoned. */
export async function settleHangs(w: World, since: number, consumedHangs: number): Promise<void> {
  const t0 = Date.now();
  while (w.sim.requests({ since }).filter((e) => e.fault === "hang").length < consumedHangs && Date.now() - t0 < 15_000) await sleep(100);
}

/** Disarms the faults; returns how many uses of the armed one were consumed. */
export function disarm(w: World, armed: Fault | undefined): number {
  if (!armed) return 0;
  const left = w.sim.faults().reduce((n, f) => n + f.remaining, 0);
  w.sim.clearFaults();
  const used = (armed.count ?? 1) - left;
  w.note(used > 0 ? `fault consumed ${used}×` : "fault not reached");
  return used;
}

/** The URNs the unconfirmed-create guidance names in a command's output (`pulumi state delete '<urn>'`). */
export function urnsNamed(output: string): string[] {
  return [...output.matchAll(/pulumi state delete '([^']+)'/g)].map((x) => x[1]);
}

/** Open tickets carrying the marker that no record of the state holds by id (what the user looks for on the account). */
export function ticketsWithMarker(w: World, marker: string, heldIds: ReadonlySet<string>): string[] {
  return w.sim
    .tickets()
    .filter((t) => t.status !== "Closed" && (t.comments[0]?.text ?? "").includes(marker) && !heldIds.has(t.ticketId))
    .map((t) => t.ticketId);
}

/**
 * The user follows the guidance of an unconfirmed create (README "Failure behaviour"): for each
 * unconfirmed record whose marker no open ticket carries, runs the `pulumi state delete '<urn>'`
 * a failed command printed for it. (Where a ticket carries it, the list shows it once it works,
 * and refresh or up takes it: nothing to do here.) Returns how many records it removed.
 */
export async function stateDeleteUnconfirmed(w: World, named: ReadonlySet<string>, what: string): Promise<number> {
  const { records } = await w.state();
  const ids = new Set(records.map((r) => r.id));
  let removed = 0;
  for (const rec of records.filter((r) => r.unconfirmedMarker !== undefined)) {
    const marker = rec.unconfirmedMarker as string;
    const found = ticketsWithMarker(w, marker, ids);
    w.note(`unconfirmed record ${rec.id} (${rec.live ? "live" : "pending deletion"}); open tickets with its marker: ${JSON.stringify(found)}`);
    if (found.length > 0) continue;
    const where = `resource ${rec.name}, ticket ${rec.id}`;
    if (!named.has(rec.urn)) violate("1", "unconfirmed-failure-names-state-delete", `${what}: ${where}: no failed command printed the \`pulumi state delete '${rec.urn}'\` to run (it named ${JSON.stringify([...named])})`);
    let r = await w.cli(`state delete '${rec.urn}'`, (p, o) => p.run(["state", "delete", rec.urn, "--yes"], o));
    if (r.code !== 0 && /ambiguously/.test(r.output)) r = await removeById(w, rec.id);
    if (r.code !== 0) violate("1", "the-guidance-state-delete-works", `${what}: ${where}: no ticket carries marker ${marker}, so the user runs what the message says, \`pulumi state delete '${rec.urn}'\`: it exited ${r.code}: ${outputOf(r)}`);
    removed++;
  }
  return removed;
}

/**
 * The same message's next step when a replaced ticket shares the URN and the CLI has no terminal
 * to ask which: remove the resource with the record's id from \`pulumi stack export --file\` and
 * load the file back with \`pulumi stack import --file\`.
 */
async function removeById(w: World, id: string): Promise<CliResult> {
  w.note(`the URN is ambiguous (a replaced ticket shares it): removing id ${id} through stack export and import, as the message says`);
  const file = path.join(w.program.dir, "state.json");
  const exported = await w.cli("stack export --file state.json", (p, o) => p.run(["stack", "export", "--file", file], o));
  if (exported.code !== 0) return exported;
  const doc = JSON.parse(fs.readFileSync(file, "utf8")) as { deployment: { resources?: Array<{ id?: string }> } };
  const before = doc.deployment.resources?.length ?? 0;
  doc.deployment.resources = (doc.deployment.resources ?? []).filter((x) => x.id !== id);
  if (doc.deployment.resources.length !== before - 1) violate("1", "the-guidance-state-delete-works", `the state holds ${before - doc.deployment.resources.length} resources with id ${id}, not one`);
  fs.writeFileSync(file, JSON.stringify(doc));
  try {
    return await w.cli("stack import --file state.json", (p, o) => p.run(["stack", "import", "--file", file], o));
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** Rule 1 after a successful up: no duplicate, orphan or comment twice; exactly the declared tickets; every gate met. */
export async function converged(m: Model, w: World, what: string): Promise<void> {
  await checkInvariants(m, w, what);
  await checkConverged(m, w, what);
  await checkGatesMet(m, w, what);
}

/**
 * Rule 3: after a failed command the stack is not wedged, and running the pipeline again
 * converges (rule 1), once the user has done what the failure said: for a create whose answer
 * was lost and whose ticket does not exist, the `pulumi state delete` its message names.
 */
export async function recover(m: Model, w: World, failed: string, output = ""): Promise<void> {
  w.sim.clearFaults();
  checkNoCommentTwice(w, `${failed} (failed)`);
  const refresh = await w.cli("refresh --yes", (p, o) => p.refresh([], o));
  if (refresh.code !== 0) violate("3", "refresh-after-failure-succeeds", `after ${failed} failed, \`pulumi refresh --yes\` exited ${refresh.code}: ${outputOf(refresh)}`);
  refreshed(m);
  await stateDeleteUnconfirmed(w, new Set(urnsNamed(output)), `after ${failed} failed and a refresh`);
  await answerRejections(w, output);
  const preview = await w.cli("preview", (p, o) => p.preview([], o));
  if (preview.code !== 0) violate("3", "preview-after-failure-succeeds", `after ${failed} failed and a refresh, \`pulumi preview\` exited ${preview.code}: ${outputOf(preview)}`);
  const rerun = await up(m, w, "up (rerun)");
  if (rerun.code !== 0) violate("3", "rerun-up-succeeds", `after ${failed} failed, a refresh and a preview, the rerun \`pulumi up\` (no fault) exited ${rerun.code}: ${outputOf(rerun)}`);
  await converged(m, w, "the rerun up");
}

/**
 * What a rejected gate's message says to do before running `up` again: answer the Racker on the
 * ticket (a rejection stands until then, and the next wait counts only replies after the answer).
 * The user does, on every ticket the failure names as rejected.
 */
async function answerRejections(w: World, output: string): Promise<void> {
  const rejected = new Set([...output.matchAll(/\(ticket ([^)\s]+)\): Rackspace rejected the change/g)].map((x) => x[1]));
  if (rejected.size > 0 && !/Answer the Racker on the ticket/.test(output)) violate("3", "rejection-says-what-to-do", `a rejected gate's failure does not say how to go on: ${output.slice(0, 300)}`);
  for (const id of rejected) {
    if (w.sim.getTicket(id)?.status === "Closed") continue;
    const text = `Rollback plan added (answer ${w.tick()}).`;
    w.ledger.handComments.add(text);
    await commentByHand(w.sim, id, text);
    w.note(`the user answers the Racker's rejection on ${id}, as the message says`);
  }
}

/**
 * The outcome of an `up`: success must satisfy rule 1; failure is allowed only with a fault
 * armed or a gate wait answered with a reply that does not approve, and is followed by rule 3.
 */
export async function afterUp(m: Model, w: World, r: CliResult, what: string, faulted: boolean): Promise<void> {
  if (r.code === 0) return converged(m, w, what);
  if (!faulted && !answeredNo(w)) violate("1", "up-without-fault-succeeds", `${what} (no fault armed, every gate wait answered "approved") exited ${r.timedOut ? "by timeout" : r.code}: ${outputOf(r)}`);
  await recover(m, w, what, r.output);
}

/**
 * Runs an `up` and kills the CLI, its language host and provider host while the server holds a
 * create or a comment, as a CI runner dies; then `pulumi cancel`. Returns the up's result, and
 * whether it was killed (an up that ended first was not).
 */
export async function killMidRun(m: Model, w: World, during: "createTicket" | "addComment", label: string): Promise<{ r: CliResult; killed: boolean }> {
  const since = w.lastSeq();
  const fault: Fault = { operation: during, kind: "hang", ms: KILL_HANG_MS, count: 1 };
  w.sim.injectFault(fault);
  let pid: number | undefined;
  let tag: string | undefined;
  let finished = false;
  let killed = false;
  const running = w.cli(
    "up --yes --skip-preview (to be killed)",
    (p, o) =>
      p.up([], {
        ...o,
        onSpawn: (x, t) => {
          pid = x;
          tag = t;
        },
      }),
    { racker: rackerFor(m, w) },
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
    return { r, killed };
  }
  w.note(`killed the CLI, its language host and provider host while ${during} was held (${label})`);
  const cancel = await w.cli("cancel --yes", (p, o) => p.run(["cancel", "--yes"], o));
  const { pendingOperations } = await w.state();
  w.note(`cancel exit ${cancel.code}; pending operations: ${JSON.stringify(pendingOperations)}`);
  return { r, killed };
}

/** `pulumi destroy`, which must succeed (rule 4); the program then declares nothing. */
export async function destroyStep(m: Model, w: World, what: string): Promise<void> {
  const r = await w.cli("destroy --yes", (p, o) => p.destroy([], o), { checkWrites: false });
  if (r.code !== 0) violate("4", "destroy-succeeds", `${what}: \`pulumi destroy --yes\` exited ${r.code}: ${outputOf(r)}`);
  forgetAll(m, w);
  await checkDestroyed(w, what);
  await checkInvariants(m, w, what);
}

/** The program declares nothing any more (after a destroy). */
export function forgetAll(m: Model, w: World): void {
  m.tickets = [];
  m.rackerClosed = {};
  w.program.write(specOf(m));
}
