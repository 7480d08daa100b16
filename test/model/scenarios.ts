/**
 * Guarantee: the stories of issue 19 that span several commands, each played as a user who follows
 * the provider's guidance, with the oracle checked after every command: a create whose answer was
 * lost while the list cannot show it; a replacement whose gate is refused, then reverted; an
 * `adoptTicketId` Rackspace closed; GET /tickets/{id} failing after a killed run.
 */
import type { Fault } from "../../src/simulator";
import type { CliResult } from "../helpers/pulumi-cli";
import { openTicketByHand } from "../helpers/sim";
import { afterUp, converged, edit, forgetAll, killMidRun, LONG_HANG_MS, outputOf, refreshed, settleHangs, stateDeleteUnconfirmed, up, urnsNamed } from "./harness";
import { ACCOUNT_ID, adoptedDecl, applyEdit, describeEdit, Edit, MAX_TICKETS, Model, nameOfSubject, pickGated, pickName, ReplaceField, Severity } from "./model";
import { checkDestroyed, checkInvariants, checkNoCommentTwice, violate } from "./oracle";
import { specOf } from "./program";
import { REPLIES } from "./racker";
import type { World } from "./world";

export type LoseKind = "drop-after" | "drop-before" | "hang" | "500";
export type ThenStep = "up" | "replace" | "refresh" | "destroy";

/** An up whose create loses its answer while the list is empty or broken; `then` runs with the list still so; then the user resolves it as the guidance says. */
export interface LostCreateSpec {
  kind: "lostCreate";
  edit: Edit; // add or replace
  lose: LoseKind;
  list: "empty" | "broken";
  then: ThenStep[];
  /** The replacing field a `replace` in `then` changes. */
  field: ReplaceField;
  /** Once a ticket with the marker exists and the list works: `up` at once, or `refresh` first. */
  resolve: "up" | "refresh";
}
/** A replacement of a gated ticket whose new ticket the Racker refuses (REPLIES[answer] does not approve), then the field reverted. */
export interface FailedReplaceSpec {
  kind: "failedReplace";
  pick: number;
  field: ReplaceField;
  answer: number;
}
/** A hand-opened ticket to adopt, closed by a Racker before the up that adopts it, or after. */
export interface AdoptClosedSpec {
  kind: "adoptClosed";
  when: "before" | "after";
  severity: Severity;
  comments: number;
}
/** A killed run, then an up while GET /tickets/{id} answers 503: it must send nothing; then an up converges. */
export interface KillGetFailsSpec {
  kind: "killGetFails";
  edit: Edit;
  during: "createTicket" | "addComment";
}
export type ScenarioSpec = LostCreateSpec | FailedReplaceSpec | AdoptClosedSpec | KillGetFailsSpec;

export function describeScenario(s: ScenarioSpec): string {
  switch (s.kind) {
    case "lostCreate":
      return `LostCreate(${s.lose} on createTicket, list ${s.list}, ${describeEdit(s.edit)}; then ${s.then.join(", ") || "nothing"}${s.then.includes("replace") ? ` (${s.field})` : ""}; resolve by ${s.resolve})`;
    case "failedReplace":
      return `FailedReplaceThenRevert(${pickName(s.pick)} of the gated, ${s.field}, Racker ${JSON.stringify(REPLIES[s.answer].text)})`;
    case "adoptClosed":
      return `AdoptClosed(closed ${s.when} the adopting up, ${s.severity}, comments=${s.comments})`;
    case "killGetFails":
      return `KillThenGetFails(${s.during}, ${describeEdit(s.edit)})`;
  }
}

const where = (name: string, id: string | undefined) => `resource ${name}, ticket ${id ?? "(none)"}`;
/** POST /tickets the stack sent for a resource since `since`. */
const createsFor = (w: World, name: string, since: number) => w.sim.requests({ operation: "createTicket", since }).filter((e) => nameOfSubject(String((e.body as { subject?: unknown } | undefined)?.subject ?? "")) === name);

function loseFault(k: LoseKind): Fault {
  if (k === "hang") return { operation: "createTicket", kind: "hang", ms: LONG_HANG_MS, count: 1 };
  if (k === "500") return { operation: "createTicket", kind: "status", status: 500, count: 1 };
  return { operation: "createTicket", kind: k, count: 1 };
}
const listFault = (k: LostCreateSpec["list"]): Fault =>
  k === "empty" ? { operation: "listTickets", kind: "status", status: 200, body: { tickets: [] }, count: 100_000 } : { operation: "listTickets", kind: "status", status: 400, count: 100_000 };

export async function lostCreateStep(m: Model, w: World, s: LostCreateSpec): Promise<void> {
  const what = describeScenario(s);
  await edit(m, w, s.edit);
  const name = m.lastTouched as string;
  const since = w.lastSeq();
  w.sim.injectFault(loseFault(s.lose));
  w.sim.injectFault(listFault(s.list));
  w.note(`armed ${s.lose} on createTicket, and GET /tickets ${s.list === "empty" ? "answering an empty list" : "failing (400)"}`);
  const first = await up(m, w);
  const lost = !w.sim.faults().some((f) => f.operation === "createTicket");
  w.sim.clearFaults();
  await settleHangs(w, since, s.lose === "hang" && lost ? 1 : 0);
  if (!lost) {
    w.note("the create was not reached: this is a faulty up like any other");
    return afterUp(m, w, first, `\`pulumi up\` of ${what}`, true);
  }
  w.sim.injectFault(listFault(s.list));
  const unconfirmed = async () => (await w.state()).records.find((r) => r.name === name && r.unconfirmedMarker !== undefined);
  const rec = await unconfirmed();
  if (first.code === 0 || !rec) violate("1", "lost-create-is-recorded-unconfirmed", `after the \`pulumi up\` of ${what}: ${where(name, rec?.id)}: POST /tickets lost its answer and the list could not show the ticket, yet the up ${first.code === 0 ? "succeeded" : "failed"} and the state ${rec ? "records" : "has no"} unconfirmed record: ${outputOf(first)}`);
  const marker = rec.unconfirmedMarker as string;
  const withMarker = () => w.sim.tickets().filter((t) => t.status !== "Closed" && (t.comments[0]?.text ?? "").includes(marker));
  w.note(`the state records ${rec.id}; open tickets with its marker: ${JSON.stringify(withMarker().map((t) => t.ticketId))}`);
  const named = new Set(urnsNamed(first.output));
  const heard = (r: CliResult): CliResult => {
    for (const urn of urnsNamed(r.output)) named.add(urn);
    return r;
  };
  checkNoCommentTwice(w, what);
  await checkInvariants(m, w, `the \`pulumi up\` of ${what}`);
  let declared = true;
  for (const next of s.then) {
    const now = await unconfirmed();
    if (!now) break; // resolved already (a retained record left the state)
    const at = `${what}, then ${next}`;
    const from = w.lastSeq();
    const decl = m.tickets.find((t) => t.name === name);
    if (next === "refresh") {
      const r = await w.cli("refresh --yes", (p, o) => p.refresh([], o));
      if (r.code !== 0) violate("3", "refresh-succeeds", `${at}: \`pulumi refresh --yes\` exited ${r.code}: ${outputOf(r)}`);
      refreshed(m);
      if (!(await unconfirmed())) violate("1", "refresh-keeps-the-unconfirmed-record", `after ${at}: ${where(name, now.id)}: the list cannot show the ticket (marker ${marker}), yet the refresh dropped the record`);
    } else if (next === "destroy") {
      const r = heard(await w.cli("destroy --yes", (p, o) => p.destroy([], o), { checkWrites: false }));
      if (r.code === 0 && !now.retainOnDelete) violate("1", "no-record-dropped-without-proof", `after ${at}: ${where(name, now.id)}: the destroy succeeded though the list cannot show the ticket the unconfirmed record stands for (marker ${marker})`);
      forgetAll(m, w);
      declared = false;
    } else {
      if (next === "replace" && declared && decl) {
        m.lastTouched = name;
        w.note(`program ${applyEdit(m, { kind: "replace", pick: 0, field: s.field }).detail}`);
        w.program.write(specOf(m));
      }
      const r = heard(await up(m, w));
      const posts = createsFor(w, name, from).length;
      // A replace opens the resource's new ticket once: in place of the unconfirmed record when it is
      // live, else of the ticket an earlier replace opened (the unconfirmed record pending deletion is
      // deleted last, after the create). Only delete-before-replace of a live unconfirmed record
      // (not retained) stops before the create: its delete cannot succeed.
      const replaced = next === "replace" && declared;
      const retained = replaced && now.retainOnDelete;
      const want = !replaced ? 0 : now.live && decl?.options.deleteBeforeReplace && !retained ? 0 : 1;
      if (posts !== want) violate("1", replaced ? "a-changed-program-opens-its-ticket" : "no-second-create-without-proof", `after ${at}: ${where(name, now.id)}: the up sent ${posts} POST /tickets for ${name}; expected ${want}${replaced ? " (the changed program's new ticket)" : " (nothing can prove the lost create was not applied)"}`);
      if (r.code === 0 && !retained) violate("1", "no-record-dropped-without-proof", `after ${at}: ${where(name, now.id)}: the up succeeded though the list cannot show the ticket the unconfirmed record stands for (marker ${marker})`);
    }
    checkNoCommentTwice(w, at);
    await checkInvariants(m, w, `${at}`);
  }
  // The user follows the guidance: no ticket carries the marker → `pulumi state delete '<urn>'` as
  // the message says, then up; one does → the list works again, then up (or refresh first).
  if (await unconfirmed()) {
    const removed = await stateDeleteUnconfirmed(w, named, what);
    if (removed === 0) {
      w.sim.clearFaults();
      w.note(`the list works again (open with marker ${marker}: ${JSON.stringify(withMarker().map((t) => t.ticketId))})`);
      if (s.resolve === "refresh") {
        const r = await w.cli("refresh --yes", (p, o) => p.refresh([], o));
        if (r.code !== 0) violate("3", "refresh-succeeds", `${what}: the refresh once the list works exited ${r.code}: ${outputOf(r)}`);
        refreshed(m);
      }
    }
  }
  const r = declared ? await up(m, w, "up (after following the guidance)") : await w.cli("destroy --yes (after following the guidance)", (p, o) => p.destroy([], o), { checkWrites: false });
  w.sim.clearFaults();
  if (r.code !== 0) violate("3", "following-the-guidance-converges", `${what}: after following the guidance, \`pulumi ${declared ? "up" : "destroy"}\` exited ${r.code}: ${outputOf(r)}`);
  if (declared) return converged(m, w, `${what}, resolved`);
  await checkDestroyed(w, `${what}, resolved`);
  await checkInvariants(m, w, `${what}, resolved`);
}

/** The last customer entry on a ticket (a closing comment and "Replaced by ticket …" come last). */
const lastCustomerText = (w: World, id: string) => [...(w.sim.getTicket(id)?.comments ?? [])].reverse().find((c) => c.author?.type !== "racker")?.text ?? "";

export async function failedReplaceStep(m: Model, w: World, s: FailedReplaceSpec): Promise<void> {
  const what = describeScenario(s);
  const t = pickGated(m, s.pick);
  const rec0 = t ? await w.recordOf(t.name) : undefined;
  if (!t || !rec0 || rec0.unconfirmedMarker || m.rackerClosed[t.name] || w.sim.getTicket(rec0.id)?.status === "Closed") {
    w.note(`no gated ticket with an open recorded ticket: nothing done`);
    return;
  }
  const t0 = rec0.id;
  w.note(`program ${applyEdit(m, { kind: "replace", pick: 0, field: s.field }).detail}`);
  w.program.write(specOf(m));
  const r1 = await up(m, w, "up (the replacement the Racker refuses)", s.answer);
  if (r1.code === 0) violate("G", "up-fails-without-approval", `after the up of ${what}: ${where(t.name, (await w.recordOf(t.name))?.id)}: the new ticket's gate was answered only ${JSON.stringify(REPLIES[s.answer].text)}, yet the up succeeded`);
  const t1 = (await w.recordOf(t.name))?.id;
  checkNoCommentTwice(w, what);
  await checkInvariants(m, w, `the refused replacement of ${what}`);
  w.note(`program ${applyEdit(m, { kind: "revert", pick: 0 }).detail}`);
  w.program.write(specOf(m));
  const r2 = await up(m, w, "up (the revert)");
  if (r2.code !== 0) violate("1", "a-revert-after-a-failed-replacement-succeeds", `${what}: the up of the revert exited ${r2.code}: ${outputOf(r2)}`);
  await converged(m, w, `the revert of ${what}`);
  const t2 = (await w.recordOf(t.name))?.id;
  if (t2 === t0 || t2 === t1) violate("1", "a-revert-opens-a-new-ticket", `after the revert of ${what}: ${where(t.name, t2)}: the state records ${t2 === t0 ? "the original ticket" : "the refused replacement's ticket"} again; a create never takes back a ticket the deployment closes`);
  if (t.options.deleteBeforeReplace) return; // closed before the new ticket existed: only the closing comment
  for (const old of [t0, t1]) {
    if (!old || old === t2 || w.ledger.retained.has(old)) continue;
    if (!lastCustomerText(w, old).includes(`Replaced by ticket ${t2}.`)) violate("1", "a-replaced-ticket-names-its-successor", `after the revert of ${what}: ${where(t.name, old)}: closed without "Replaced by ticket ${t2}." (its last entry: ${JSON.stringify(lastCustomerText(w, old).slice(0, 200))})`);
  }
}

export async function adoptClosedStep(m: Model, w: World, s: AdoptClosedSpec): Promise<void> {
  const what = describeScenario(s);
  if (m.tickets.length >= MAX_TICKETS) return w.note("no room for another ticket: nothing done");
  const e: Edit = { kind: "adopt", severity: s.severity, comments: s.comments };
  const d = adoptedDecl(m, e);
  const closeByRacker = (id: string) => {
    w.sim.actAsRacker(id, { status: "Closed" });
    w.ledger.rackerClosedAt.set(id, w.lastSeq());
    w.note(`Racker closes ${id}`);
  };
  let a: string;
  if (s.when === "before") {
    a = await openTicketByHand(w.sim, { accountId: ACCOUNT_ID, subject: d.subject, category: "Change", subcategory: "General", severity: d.severity, comment: { text: d.description } });
    w.ledger.handOpened.add(a);
    closeByRacker(a);
    w.note(`program ${applyEdit(m, e, a).detail}`);
    w.program.write(specOf(m));
    const r = await up(m, w);
    if (r.code !== 0) violate("1", "an-adoptTicketId-rackspace-closed-is-followed", `${what}: the up exited ${r.code}: ${outputOf(r)}`);
    await converged(m, w, what);
  } else {
    a = (await edit(m, w, e)) as string;
    await afterUp(m, w, await up(m, w), `the adopting up of ${what}`, false);
    if ((await w.recordOf(d.name))?.id !== a) return w.note(`${d.name} does not record ${a} after the adopting up: nothing more`);
    closeByRacker(a);
    m.rackerClosed[d.name] = { excused: true };
    await checkInvariants(m, w, `${what}: the Racker closed it`);
    const r = await up(m, w, "up --refresh --yes --skip-preview", undefined, ["--refresh"]);
    if (r.code !== 0) violate("1", "an-adoptTicketId-rackspace-closed-is-followed", `${what}: \`pulumi up --refresh\` exited ${r.code}: ${outputOf(r)}`);
    refreshed(m);
    await converged(m, w, what);
  }
  const id = (await w.recordOf(d.name))?.id ?? "";
  const first = w.sim.getTicket(id)?.comments[0]?.text ?? "";
  if (!first.includes(`Replaces ticket ${a}.`)) violate("1", "the-new-ticket-names-the-closed-one", `after ${what}: ${where(d.name, id)}: its description does not say "Replaces ticket ${a}." (${JSON.stringify(first.slice(0, 200))})`);
  const from = w.lastSeq();
  const again = await up(m, w, "up (again, nothing changed)");
  if (again.code !== 0 || createsFor(w, d.name, from).length > 0) violate("1", "an-adoptTicketId-rackspace-closed-opens-one-ticket", `${what}: the next up with the same program exited ${again.code} and sent ${createsFor(w, d.name, from).length} POST /tickets for ${d.name}: ${outputOf(again)}`);
  await converged(m, w, `${what}, again`);
}

/**
 * A run killed while the server holds a create (never applied: the next up opens the ticket and
 * may post onto it, since it knows that thread) or a comment (the ticket exists, its thread is
 * unknown); then an up while every GET /tickets/{id} answers 503. It must post nothing onto a
 * ticket it did not open in that same up, and fail when it owes the ticket a comment or a gate.
 */
export async function killGetFailsStep(m: Model, w: World, s: KillGetFailsSpec): Promise<void> {
  const what = describeScenario(s);
  await edit(m, w, s.edit);
  const name = m.lastTouched as string;
  const { r, killed } = await killMidRun(m, w, s.during, what);
  if (!killed) return afterUp(m, w, r, `\`pulumi up\` of ${what}`, true);
  // A Retry-After past rackspace:retryBudgetMs fails each read at once (README "Failure behaviour"), so the step stays short.
  w.sim.injectFault({ operation: "getTicket", kind: "status", status: 503, retryAfter: "600", count: 100_000 });
  w.note("GET /tickets/{id} answers 503 (Retry-After: 600) from now on");
  const from = w.lastSeq();
  const blind = await up(m, w, "up (GET /tickets/{id} failing)");
  w.sim.clearFaults();
  const opened = new Set(w.sim.requests({ operation: "createTicket", since: from }).flatMap((e) => (e.ticketId ? [e.ticketId] : [])));
  const posts = w.sim.requests({ operation: "addComment", since: from }).filter((e) => !opened.has(e.ticketId ?? ""));
  if (posts.length > 0) violate("2", "no-post-without-reading-the-thread", `${what}: while every GET /tickets/{id} failed, the up posted onto tickets it did not open in that up: ${posts.map((e) => `${e.method} ${e.path} ${JSON.stringify(e.body).slice(0, 120)}`).join("; ")}`);
  const decl = m.tickets.find((t) => t.name === name);
  const owes = s.during === "addComment" || decl?.gated === true;
  if (owes && blind.code === 0) violate("2", "an-unreadable-thread-fails-the-up", `${what}: the killed run left ${name} ${decl?.gated ? "with a gate to wait on" : "with a comment to post onto a ticket whose thread is unknown"}, every GET /tickets/{id} failed, yet the up succeeded`);
  checkNoCommentTwice(w, what);
  await afterUp(m, w, await up(m, w, "up (GET works again)"), `the up after ${what}`, false);
}
