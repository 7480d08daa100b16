/**
 * The update of a RackspaceTicket: the new resource list in one PATCH, then the new comments and note; a closed ticket gets nothing and is recorded as such.
 */
import { isRackspaceApiError } from "../api/errors";
import type { Ticket } from "../api/schemas";
import { approved } from "./approve";
import type { OperationContext } from "./context";
import { TicketOperationError, TicketPartialFailure } from "./errors";
import { parseInputs, TicketInputs, userInputs } from "./inputs";
import { describe, label } from "./messages";
import { KeptOutputs, outputsFrom, ticketFromOutputs, TicketOutputs } from "./outputs";
import { planChanges } from "./plan";
import type { EntryRecord } from "./posted";
import { EngineInputs, keptOf, MigratedRecord, plannedFrom, postedOf } from "./records";
import { isClosed, isRefused, isTicketGone } from "./status";
import { closedMessage, currentTicket, postComments } from "./thread";

/** One PATCH with the full new list; a ticket found closed is recorded as such, and nothing else is sent. */
async function replaceResources(op: OperationContext, name: string | undefined, inputs: TicketInputs, ticket: Ticket, posted: readonly EntryRecord[], kept: KeptOutputs, resources: string[]): Promise<Ticket> {
  const id = ticket.ticketId;
  try {
    return (await op.api().setResources(id, resources, op.call(name, id, inputs.accountId))) ?? { ...ticket, resources: [...resources] };
  } catch (e) {
    if (isRefused(e) || isTicketGone(e)) {
      const now = await currentTicket(op, name, id, inputs.accountId);
      if (now && isClosed(now.status)) throw new TicketPartialFailure(closedMessage(name, id, "the new resource list"), id, outputsFrom(inputs, now, posted, kept));
    }
    throw new TicketOperationError(
      `${label(name, id)}: replacing the resource list failed: ${describe(e)} Nothing else was changed; run \`pulumi up\` again once the cause is fixed.`,
      isRackspaceApiError(e) ? e : undefined,
    );
  }
}

/** Applies the new inputs to the recorded ticket `id` (migrated); the outputs to record, or a TicketPartialFailure carrying them. */
export async function updateTicket(op: OperationContext, name: string | undefined, id: string, olds: MigratedRecord, news: EngineInputs): Promise<TicketOutputs> {
  const inputs = parseInputs(news);
  const plan = planChanges(plannedFrom(olds), userInputs(news));
  const posted = postedOf(olds);
  let ticket: Ticket = ticketFromOutputs(id, olds, inputs);
  const kept = keptOf(olds);
  if (isClosed(olds.status)) throw new TicketPartialFailure(closedMessage(name, id, "the change"), id, outputsFrom(inputs, ticket, posted, kept));
  if (plan.resources) ticket = await replaceResources(op, name, inputs, ticket, posted, kept, plan.resources);
  const nothingToPost = plan.newComments.length === 0 && plan.note === undefined;
  const outs = await postComments(op, { name, inputs, ticket, posted, toPost: plan.newComments, note: plan.note, kept, verb: "updated", fresh: nothingToPost });
  return plan.gate ? await approved(op, name, inputs, outs) : outs;
}
