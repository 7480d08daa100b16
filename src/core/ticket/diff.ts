/**
 * The diff of a RackspaceTicket: planned against the recorded outputs (what is on the ticket), so a change that cannot be made to this ticket plans a new one.
 *
 * Fields that cannot change and `replaceOnChanges` force a new ticket, and so does a ticket
 * Rackspace has closed (known from a refresh, or read now when the plan would write to it)
 * and a record whose create was never confirmed (its replacement resolves it, see ./open).
 * An edit of a posted comment is refused here, where the outputs say which entries are posted.
 * What the diff learns is kept for the create and delete of the same deployment (./replacements).
 */
import { appendOnlyProblems } from "../history/append-only";
import { detailedDiff, PropertyChange } from "./detailed-diff";
import type { OperationContext } from "../context";
import { TicketOperationError } from "../errors";
import { userInputs } from "./inputs";
import { isUnknown, REPLACE_ON_CHANGES_KEY } from "../keys";
import { label } from "../messages";
import { planChanges, TicketPlan } from "./plan";
import { EngineInputs, MigratedRecord, plannedFrom, postedOf, refOf, str } from "./records";
import { forgetHeld, noteClosed, noteHeld, noteKeptByDiff, noteReplacedBy, noteReplacement } from "./replacements";
import { isClosed } from "../status";
import { ticketForPlan } from "./thread";

/** What a diff plans, in the shape both faces translate (the dynamic provider's DiffResult is one; the plugin also sends the details). */
export interface TicketDiff {
  changes: boolean;
  replaces: string[];
  stables: string[];
  deleteBeforeReplace: boolean;
  /** Each property's change, element by element (`comments[3]`, `resources[1]`, `note`, `subject`). */
  detailedDiff: Record<string, PropertyChange>;
}

/** Whether a `replaceOnChanges` path covers the top-level input `key` ("*", "comments", "comments[0]"…). */
function covers(paths: unknown, key: string): boolean {
  return Array.isArray(paths) && paths.some((p) => typeof p === "string" && (p === "*" || p === key || p.startsWith(`${key}[`) || p.startsWith(`${key}.`)));
}

const hasUnknown = (v: unknown) => isUnknown(v) || (Array.isArray(v) && v.some(isUnknown));

/** The inputs that change in place (or may: a value not known until apply), which `replaceOnChanges` can turn into a replacement. */
function changedInPlace(plan: TicketPlan, after: Record<string, unknown>): string[] {
  const changed: string[] = [];
  if (plan.resources || hasUnknown(after.resources)) changed.push("resources");
  if (plan.newComments.length > 0 || isUnknown(after.comments)) changed.push("comments");
  if (plan.note !== undefined || isUnknown(after.note)) changed.push("note");
  changed.push(...plan.settings);
  return changed;
}

/** The engine's diff of the recorded ticket `id` (migrated) against the new inputs; remembers a planned replacement for create and delete. */
export async function diffTicket(op: OperationContext, id: string, olds: MigratedRecord, news: EngineInputs, oldInputs?: Record<string, unknown>): Promise<TicketDiff> {
  const ref = refOf(news);
  const accountId = str(olds, "accountId");
  const after = userInputs(news);
  const plan = planChanges(plannedFrom(olds), after);
  const replaces = [...plan.replaces];
  for (const k of changedInPlace(plan, after)) if (covers(news[REPLACE_ON_CHANGES_KEY], k) && !replaces.includes(k)) replaces.push(k);
  const unconfirmed = olds.unconfirmed;
  let closed = !unconfirmed && isClosed(olds.status);
  if (!unconfirmed && !closed && replaces.length === 0 && (plan.resources || plan.newComments.length > 0 || plan.note !== undefined || plan.gate)) {
    const now = await ticketForPlan(op, ref.name, id, accountId);
    closed = !!now && isClosed(now.status);
    if (closed) op.log(`${label(ref.name, id)}: Rackspace has closed the ticket: planning a new ticket instead of writing to it`);
  }
  if (closed && !replaces.includes("status")) replaces.push("status");
  if (unconfirmed) {
    // The record is a placeholder: only a create can give the resource a ticket id.
    if (replaces.length === 0) replaces.push("ticketId");
    op.log(
      `${label(ref.name)}: the last create's answer was lost and its ticket was never confirmed (marker ${unconfirmed.marker}): ` +
        (plan.replaces.length === 0 ? "its replacement looks for that ticket by its marker and takes it; it opens no second ticket without proof" : "the program changed, so a new ticket is opened and the unconfirmed one is closed once found"),
    );
  }
  const chain = Array.isArray(olds.replaces) ? olds.replaces.filter((t): t is string => typeof t === "string") : [];
  if (replaces.length === 0) {
    const problems = appendOnlyProblems(postedOf(olds), after.comments);
    if (problems.length > 0) {
      throw new TicketOperationError(`${label(ref.name, id)}: ${problems.join(" ")}`);
    }
    // The resource keeps this ticket (unless the engine forces a replacement the plan does not show:
    // the create then replaces this ticket); no delete of this deployment closes it, and the
    // tickets it replaced are told so when closed.
    noteKeptByDiff(ref, { ticketId: id, reason: "fields", chain });
    noteHeld(op.ticket(accountId, id), ref);
    for (const old of chain) noteReplacedBy(op.ticket(accountId, old), id);
  } else {
    noteReplacement(ref, { ticketId: id, reason: unconfirmed && plan.replaces.length === 0 ? "unconfirmed" : closed ? "closed" : "fields", chain, ...(unconfirmed ? { marker: unconfirmed.marker } : {}) });
    forgetHeld(ref);
    if (closed) noteClosed(op.ticket(accountId, id));
  }
  const details = detailedDiff(plan, replaces, { resources: olds.resources, posted: postedOf(olds).length }, oldInputs ? userInputs(oldInputs) : plannedFrom(olds), after);
  return { changes: plan.changes || replaces.length > 0, replaces, stables: ["ticketId", "created", "createdBy"], deleteBeforeReplace: false, detailedDiff: details };
}
