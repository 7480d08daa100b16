/** Guarantee: each oracle rule is a separately named check that throws an OracleViolation naming the rule, the resource and the ticket. */
import type { Ticket } from "../../src/simulator";
import { entryText, isNoteText, isSideText, Model, nameOfSubject, resourcesChecked, TicketDecl } from "./model";
import type { StateRecord, World } from "./world";

export class OracleViolation extends Error {
  constructor(
    readonly rule: string,
    readonly check: string,
    readonly detail: string,
  ) {
    super(`oracle rule ${rule} [${check}] broken: ${detail}`);
    this.name = "OracleViolation";
  }
}

export function violate(rule: string, check: string, detail: string): never {
  throw new OracleViolation(rule, check, detail);
}

const isClosed = (t: Ticket | undefined) => t?.status.trim().toLowerCase() === "closed";
const customerComments = (t: Ticket) => t.comments.slice(1).filter((c) => c.author?.type !== "racker").map((c) => c.text);
const where = (name: string | undefined, id: string | undefined) => `resource ${name ?? "?"}, ticket ${id ?? "(none)"}`;
const j = (v: unknown) => JSON.stringify(v);

/** Whether a ticket is the stack's: opened by it, or a hand-opened ticket it adopted. */
function isStacks(w: World, id: string): boolean {
  return !w.ledger.handOpened.has(id) || w.ledger.adopted.has(id);
}

/** Open tickets that count for duplicates: the stack's, not retained. */
function countedOpen(w: World): Ticket[] {
  return w.sim.tickets().filter((t) => !isClosed(t) && isStacks(w, t.ticketId) && !w.ledger.retained.has(t.ticketId));
}

/**
 * Open tickets that carry the marker of an unconfirmed record in the state (a create whose
 * answer was lost): the record holds them, as its own id would, pending deletion when it is.
 */
function heldByUnconfirmed(w: World, records: readonly StateRecord[]): Map<string, StateRecord> {
  const held = new Map<string, StateRecord>();
  const unconfirmed = records.filter((r) => r.unconfirmedMarker !== undefined);
  if (unconfirmed.length === 0) return held;
  for (const t of w.sim.tickets()) {
    const rec = unconfirmed.find((r) => (t.comments[0]?.text ?? "").includes(r.unconfirmedMarker as string));
    if (rec && !isClosed(t)) held.set(t.ticketId, rec);
  }
  return held;
}

/** Rule 1: after a successful `up`, the simulator holds exactly the declared tickets and the state records them. */
export async function checkConverged(m: Model, w: World, after: string): Promise<void> {
  const { records } = await w.state();
  const live = records.filter((r) => r.live);
  const declared = new Set(m.tickets.map((t) => t.name));
  for (const rec of records) {
    if (rec.unconfirmedMarker !== undefined) violate("1", "no-unconfirmed-record-after-up", `after ${after}: ${where(rec.name, rec.id)}: a successful up left the unconfirmed record of a lost create (marker ${rec.unconfirmedMarker}${rec.live ? "" : ", pending deletion"}) in the state`);
  }
  const inState = new Set(records.map((r) => r.id));
  for (const t of countedOpen(w)) {
    if (!inState.has(t.ticketId)) violate("1", "no-open-ticket-no-stack-holds", `after ${after}: ${where(nameOfSubject(t.subject), t.ticketId)}: the stack ${w.ledger.adopted.has(t.ticketId) ? "adopted" : "opened"} the ticket, it is open, it was not retained, and no record of the state holds it`);
  }
  for (const rec of live) {
    if (!declared.has(rec.name)) violate("1", "state-drops-removed-tickets", `after ${after}: ${where(rec.name, rec.id)}: the program no longer declares ${rec.name} but the state still records it`);
  }
  for (const decl of m.tickets) {
    const recs = live.filter((r) => r.name === decl.name);
    if (recs.length !== 1) violate("1", "state-records-each-declared-ticket", `after ${after}: ${where(decl.name, undefined)}: the state records ${recs.length} tickets for it (${j(recs.map((r) => r.id))})`);
    checkOneTicket(m, w, decl, recs[0], after);
  }
  checkNoWriteToClosed(w, after);
  // Converged: a closed ticket the state no longer records (or that was replaced) needs no excuse any more.
  for (const name of Object.keys(m.rackerClosed)) {
    const rec = live.find((r) => r.name === name);
    if (!rec || !isClosed(w.sim.getTicket(rec.id))) delete m.rackerClosed[name];
  }
}

function checkOneTicket(m: Model, w: World, decl: TicketDecl, rec: StateRecord, after: string): void {
  const at = `after ${after}: ${where(decl.name, rec.id)}`;
  const t = w.sim.getTicket(rec.id);
  if (!t) violate("1", "recorded-ticket-exists", `${at}: the simulator has no such ticket`);
  if (isClosed(t)) {
    const note = m.rackerClosed[decl.name];
    if (note?.excused && w.ledger.rackerClosedAt.has(t.ticketId)) return; // documented: stale until a refresh or a change
    const why = w.ledger.rackerClosedAt.has(t.ticketId)
      ? "Rackspace closed it and since then there was a refresh or a change to its resources, comments or replacing fields, so it must have been replaced by a new open ticket"
      : "nobody but the stack could have closed it";
    violate("1", "recorded-ticket-is-open", `${at}: the state records a Closed ticket (${why})`);
  }
  const open = countedOpen(w).filter((x) => nameOfSubject(x.subject) === decl.name).map((x) => x.ticketId);
  if (open.length !== 1 || open[0] !== rec.id) violate("1", "exactly-one-open-ticket", `${at}: open tickets for ${decl.name} are ${j(open)}, expected exactly [${j(rec.id)}]`);
  const fields: Array<[string, unknown, unknown]> = [
    ["subject", t.subject, decl.subject],
    ["category", t.category, "Change"],
    ["subcategory", t.subcategory, "General"],
    ["severity", t.severity, decl.severity],
  ];
  for (const [f, have, want] of fields) if (have !== want) violate("1", "ticket-fields-match", `${at}: ${f} is ${j(have)}, declared ${j(want)}`);
  if (resourcesChecked(decl)) {
    const have = [...t.resources].sort();
    const want = [...decl.resources].sort();
    if (j(have) !== j(want)) violate("1", "ticket-resources-match", `${at}: resources are ${j(have)}, declared ${j(want)}`);
  }
  const first = t.comments[0]?.text ?? "";
  if (!first.startsWith(decl.description)) violate("1", "description-starts-with-declared", `${at}: first comment is ${j(first.slice(0, 120))}, declared description ${j(decl.description)}`);
  const all = customerComments(t);
  // RackspaceTicketComment entries: the declared one is on the ticket exactly once; earlier texts stay (comments cannot be removed).
  if (decl.sideComment !== undefined) {
    const mine = all.filter((x) => x.startsWith(`${decl.sideComment}\n`));
    if (mine.length !== 1) violate("1", "side-comment-once", `${at}: ${decl.name}-side declares ${j(decl.sideComment)}; the ticket has it ${mine.length} times`);
  }
  const entries = all.filter((x) => !isSideText(x) && !w.ledger.handComments.has(x));
  const have = entries.filter((x) => !isNoteText(x));
  const want = decl.comments.map(entryText);
  if (j(have) !== j(want)) violate("1", "customer-comments-exactly-declared", `${at}: customer comments after the description (notes aside) are ${j(have)}, declared ${j(want)}`);
  const notes = entries.filter(isNoteText);
  if (decl.note !== undefined && notes[notes.length - 1] !== decl.note) violate("1", "latest-note-is-declared", `${at}: the notes on the ticket are ${j(notes)}, the program declares ${j(decl.note)} as the current one`);
  if (decl.note === undefined && notes.length > 0) violate("1", "no-note-undeclared", `${at}: notes ${j(notes)} on a ticket whose resource never declared one`);
}

/** Rule 1 (closed tickets): no PATCH or comment was sent to a ticket after Rackspace closed it, by any command but destroy. */
function checkNoWriteToClosed(w: World, after: string): void {
  const inChecked = (seq: number) => w.ledger.checkedRanges.find((r) => seq > r.from && seq <= r.to);
  for (const [id, closedAt] of w.ledger.rackerClosedAt) {
    const writes = w.sim.requests().filter((e) => e.seq > closedAt && e.ticketId === id && (e.operation === "patchTicket" || e.operation === "addComment") && inChecked(e.seq));
    if (writes.length > 0) {
      const shown = writes.map((e) => `${e.method} ${e.path} ${j(e.body)} → ${e.status} (during \`pulumi ${inChecked(e.seq)?.label}\`)`);
      const name = nameOfSubject(w.sim.getTicket(id)?.subject ?? "");
      violate("1", "no-write-to-closed-ticket", `after ${after}: ${where(name, id)}: Rackspace closed the ticket, then the stack sent ${shown.join("; ")}`);
    }
  }
}

/**
 * Rule 2: after any step: no duplicates, no orphans, no comment twice, no declared ticket closed by the stack.
 *
 * The one excuse for a second open ticket of a declared resource: the state records it pending
 * deletion (a replacement whose old ticket is not closed yet), or it carries the marker of an
 * unconfirmed record still in the state (heldByUnconfirmed: a create whose answer was lost),
 * which holds it as that record's ticket: pending deletion when the record is, else the
 * resource's current ticket (then no other live record exists for the resource).
 */
export async function checkInvariants(m: Model, w: World, after: string): Promise<void> {
  const { records } = await w.state();
  const inState = new Set(records.map((r) => r.id));
  const pendingDelete = new Set(records.filter((r) => !r.live).map((r) => r.id));
  for (const [id, rec] of heldByUnconfirmed(w, records)) {
    inState.add(id);
    if (!rec.live) pendingDelete.add(id);
  }
  const declared = new Set(m.tickets.map((t) => t.name));
  const perName = new Map<string, string[]>();
  for (const t of countedOpen(w)) {
    const name = nameOfSubject(t.subject);
    if (declared.has(name)) {
      if (!pendingDelete.has(t.ticketId)) perName.set(name, [...(perName.get(name) ?? []), t.ticketId]);
    } else if (!inState.has(t.ticketId)) {
      violate("2", "no-orphan-open-ticket", `after ${after}: ${where(name, t.ticketId)}: the ticket is open, the stack ${w.ledger.adopted.has(t.ticketId) ? "adopted" : "opened"} it, the program no longer declares ${name} and the state does not record it (it was not retained)`);
    }
  }
  for (const [name, ids] of perName) {
    if (ids.length > 1) violate("2", "at-most-one-open-ticket-per-resource", `after ${after}: ${where(name, ids.join(", "))}: ${ids.length} open tickets for one declared resource`);
  }
  checkNoCommentTwice(w, after);
  for (const rec of records.filter((r) => r.live && declared.has(r.name))) {
    const t = w.sim.getTicket(rec.id);
    if (isClosed(t) && !w.ledger.rackerClosedAt.has(rec.id)) {
      violate("2", "stack-never-closes-a-declared-ticket", `after ${after}: ${where(rec.name, rec.id)}: the program still declares ${rec.name} and the state records this ticket, but the stack closed it`);
    }
  }
}

/**
 * Rule 2, the part that holds even right after a failed or killed command (before the
 * pipeline is run again): a killed replacement may leave two open tickets for a moment,
 * but nothing excuses a comment posted twice.
 */
export function checkNoCommentTwice(w: World, after: string): void {
  for (const t of w.sim.tickets()) {
    const seen = new Map<string, number>();
    for (const text of customerComments(t)) seen.set(text, (seen.get(text) ?? 0) + 1);
    for (const [text, n] of seen) {
      if (n > 1) violate("2", "no-comment-posted-twice", `after ${after}: ${where(nameOfSubject(t.subject), t.ticketId)}: comment ${j(text)} is on the ticket ${n} times`);
    }
  }
}

/** Rule 4 (also after a mid-run destroy): every ticket the stack opened or adopted is Closed, except retained ones, which stay open. */
export async function checkDestroyed(w: World, after: string): Promise<void> {
  const { records } = await w.state();
  const live = records.filter((r) => r.live);
  if (live.length > 0) violate("4", "destroy-empties-state", `after ${after}: the state still records ${j(live.map((r) => `${r.name}=${r.id}`))}`);
  for (const t of w.sim.tickets()) {
    if (!isStacks(w, t.ticketId)) continue;
    const name = nameOfSubject(t.subject);
    if (w.ledger.retained.has(t.ticketId)) {
      if (isClosed(t) && !w.ledger.rackerClosedAt.has(t.ticketId)) violate("4", "retained-tickets-stay-open", `after ${after}: ${where(name, t.ticketId)}: retained with retainOnDelete, yet the stack closed it`);
    } else if (!isClosed(t)) {
      violate("4", "destroy-closes-every-ticket", `after ${after}: ${where(name, t.ticketId)}: the stack ${w.ledger.adopted.has(t.ticketId) ? "adopted" : "opened"} it and it is still ${j(t.status)}`);
    }
  }
}
