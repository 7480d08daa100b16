/**
 * The update of a RackspaceTicket: the new resource list in one PATCH, then the new comments and note; a closed ticket gets nothing and is recorded as such.
 *
 * Before posting anything (or waiting on the gate) the ticket is read: its thread says what an
 * interrupted or failed run already posted, and a read that fails sends nothing. A failure after
 * a write is recorded with the records of the old state: the engine keeps the old inputs beside
 * it, and the next `up` finds what this one posted in the thread.
 */
import { isRackspaceApiError } from "../../api/errors";
import type { Ticket } from "../../api/schemas";
import { baselineOf, legacyBaseline } from "../gate/approval";
import { approved } from "./approve";
import type { OperationContext } from "../context";
import { TicketOperationError } from "../errors";
import { TicketPartialFailure } from "./partial-failure";
import { parseInputs, TicketInputs, userInputs } from "./inputs";
import { describe, label } from "../messages";
import { KeptOutputs, ticketFromOutputs, TicketOutputs } from "./outputs";
import { planChanges } from "./plan";
import type { EntryRecord } from "../history/posted";
import { EngineInputs, keptOf, MigratedRecord, plannedFrom, postedOf } from "./records";
import { isClosed, isRefused, isTicketGone } from "../status";
import { closedMessage, currentTicket, postComments, threadBefore } from "./thread";
import { gateOf } from "../gate/wait-for";

/** One PATCH with the full new list; a ticket found closed is recorded as such, and nothing else is sent. */
async function replaceResources(op: OperationContext, name: string | undefined, inputs: TicketInputs, ticket: Ticket, posted: readonly EntryRecord[], kept: KeptOutputs, resources: string[]): Promise<Ticket> {
  const id = ticket.ticketId;
  try {
    return (await op.api().setResources(id, resources, op.call(name, id, inputs.accountId))) ?? { ...ticket, resources: [...resources] };
  } catch (e) {
    if (isRefused(e) || isTicketGone(e)) {
      const now = await currentTicket(op, name, id, inputs.accountId);
      if (now && isClosed(now.status)) throw new TicketPartialFailure(closedMessage(name, id, "the new resource list"), id, { inputs, ticket: now, posted, kept });
    }
    throw new TicketOperationError(
      `${label(name, id)}: replacing the resource list failed: ${describe(e)} Nothing else was changed; run \`pulumi up\` again once the cause is fixed.`,
      isRackspaceApiError(e) ? e : undefined,
    );
  }
}

/** Applies the new inputs to the recorded ticket `id` (migrated); the outputs to record, or a TicketPartialFailure carrying them. */
export async function updateTicket(op: OperationContext, name: string | undefined, id: string, olds: MigratedRecord, news: EngineInputs): Promise<TicketOutputs> {
  // The diff always replaces an unconfirmed record (./unconfirmed): an update of one is a caller's mistake, and sends nothing.
  if (olds.unconfirmed) throw new TicketOperationError(`${label(name)}: this record is a createTicket that was never confirmed (marker ${olds.unconfirmed.marker}): only its replacement can resolve it, and nothing was sent. Run \`pulumi up\` (its diff plans the replacement).`);
  const posted = postedOf(olds);
  const kept = keptOf(olds);
  try {
    return await applyUpdate(op, name, id, olds, news, posted, kept);
  } catch (e) {
    if (e instanceof TicketPartialFailure) throw e.withRecords(posted, kept.notes ?? []);
    throw e;
  }
}

async function applyUpdate(op: OperationContext, name: string | undefined, id: string, olds: MigratedRecord, news: EngineInputs, posted: readonly EntryRecord[], kept: KeptOutputs): Promise<TicketOutputs> {
  const inputs = parseInputs(news);
  const plan = planChanges(plannedFrom(olds), userInputs(news));
  let ticket: Ticket = ticketFromOutputs(id, olds, inputs);
  if (isClosed(olds.status)) throw new TicketPartialFailure(closedMessage(name, id, "the change"), id, { inputs, ticket, posted, kept });
  const toPost = plan.newComments.length > 0 || plan.note !== undefined;
  const writes = toPost || plan.resources !== undefined;
  // The thread before the first write: what is already on the ticket, and where a wait begins.
  if (toPost || plan.gate) ticket = await threadBefore(op, name, id, inputs.accountId, "updating it");
  const before = ticket;
  if (plan.resources) ticket = await replaceResources(op, name, inputs, ticket, posted, kept, plan.resources);
  const outs = await postComments(op, { name, inputs, ticket, posted, toPost: plan.newComments, note: plan.note, kept, verb: "updated", fresh: true });
  if (!plan.gate || !inputs.waitFor) return outs;
  // A wait that writes begins at this update's first write; one that does not resumes where the last wait began.
  const baseline = writes ? baselineOf(gateOf(inputs.waitFor), before) : (kept.approval?.baseline ?? legacyBaseline(before));
  return await approved(op, name, inputs, outs, baseline);
}
