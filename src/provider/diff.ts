/**
 * The diff of a RackspaceTicket: planned against the recorded outputs (what is on the ticket), so a change that cannot be made to this ticket plans a new one.
 *
 * Fields that cannot change and `replaceOnChanges` force a new ticket, and so does a ticket
 * Rackspace has closed (known from a refresh, or read now when the plan would write to it).
 * An edit of a posted comment is refused here, where the outputs say which entries are posted.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { appendOnlyProblems } from "./append-only";
import type { OperationContext } from "./context";
import { TicketOperationError } from "./errors";
import { userInputs } from "./inputs";
import { isUnknown, REPLACE_ON_CHANGES_KEY } from "./keys";
import { label } from "./messages";
import { planChanges } from "./plan";
import { EngineInputs, MigratedRecord, plannedFrom, postedOf, refOf, str } from "./records";
import { forgetReplacement, noteClosed, noteReplacement } from "./replacements";
import { isClosed } from "./status";
import { currentTicket } from "./thread";

/** Whether a `replaceOnChanges` path covers the top-level input `key` ("*", "comments", "comments[0]"…). */
function covers(paths: unknown, key: string): boolean {
  return Array.isArray(paths) && paths.some((p) => typeof p === "string" && (p === "*" || p === key || p.startsWith(`${key}[`) || p.startsWith(`${key}.`)));
}

/** The engine's diff of the recorded ticket `id` (migrated) against the new inputs; remembers a planned replacement for create and delete. */
export async function diffTicket(op: OperationContext, id: string, olds: MigratedRecord, news: EngineInputs): Promise<dynamic.DiffResult> {
  const ref = refOf(news);
  const before = plannedFrom(olds);
  const after = userInputs(news);
  const plan = planChanges(before, after);
  const replaces = [...plan.replaces];
  const changed = [...plan.replaces];
  if (plan.resources || isUnknown(after.resources) || (Array.isArray(after.resources) && after.resources.some(isUnknown))) changed.push("resources");
  if (plan.newComments.length > 0 || isUnknown(after.comments)) changed.push("comments");
  for (const k of changed) if (covers(news[REPLACE_ON_CHANGES_KEY], k) && !replaces.includes(k)) replaces.push(k);
  let closed = isClosed(olds.status);
  if (!closed && replaces.length === 0 && (plan.resources || plan.newComments.length > 0 || plan.note !== undefined || plan.gate)) {
    const now = await currentTicket(op, ref.name, id, str(olds, "accountId"));
    closed = !!now && isClosed(now.status);
    if (closed) op.log(`${label(ref.name, id)}: Rackspace has closed the ticket: planning a new ticket instead of writing to it`);
  }
  if (closed && !replaces.includes("status")) replaces.push("status");
  if (replaces.length === 0) {
    const problems = appendOnlyProblems(postedOf(olds), after.comments);
    if (problems.length > 0) {
      const e = new TicketOperationError(`${label(ref.name, id)}: ${problems.join(" ")}`);
      e.stack = e.message; // the host prints the stack: the message says all there is
      throw e;
    }
    forgetReplacement(ref);
  } else {
    noteReplacement(ref, { ticketId: id, reason: closed ? "closed" : "fields" });
    if (closed) noteClosed(id);
  }
  return { changes: plan.changes || replaces.length > 0, replaces, stables: ["ticketId", "created", "createdBy"], deleteBeforeReplace: false };
}
