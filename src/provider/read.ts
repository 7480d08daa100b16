/**
 * The read of a RackspaceTicket: a refresh keeps the recorded inputs beside what the API reports now, `pulumi import` takes the inputs from the ticket, and only the API's `ticketNotFound` removes the ticket from the stack.
 */
import { isRackspaceApiError } from "../api/errors";
import type { Ticket } from "../api/schemas";
import type { OperationContext } from "./context";
import { TicketOperationError } from "./errors";
import { TicketInputs, userInputs } from "./inputs";
import { describe, label } from "./messages";
import { inputsFromTicket, outputsFrom } from "./outputs";
import { recordsFor } from "./posted";
import { keptOf, MigratedRecord, parseInputsLenient, postedOf, str, TicketRecord } from "./records";
import { recordOf, versioned } from "./state";
import { isTicketGone } from "./status";

/** What read returns: the ticket's id and record (an empty id: the ticket is gone), and for an import, the inputs. */
export type ReadOutcome = { id: string; props: TicketRecord; inputs?: TicketInputs };

/** Reads the recorded ticket `id` (migrated: for an import it holds no inputs yet); an empty id when the ticket is gone. */
export async function readTicket(op: OperationContext, name: string | undefined, id: string, olds: MigratedRecord): Promise<ReadOutcome> {
  const refreshing = typeof olds.accountId === "string";
  let ticket: Ticket;
  try {
    ticket = await op.api().getTicket(id, op.call(name, id, str(olds, "accountId")));
  } catch (e) {
    // Only the API's own `ticketNotFound` means the ticket is gone; anything else keeps it in the stack.
    if (isTicketGone(e)) return { id: "", props: {} };
    throw new TicketOperationError(`${label(name, id)}: reading the ticket failed: ${describe(e)} Nothing was removed from the stack.`, isRackspaceApiError(e) ? e : undefined);
  }
  if (refreshing) {
    const inputs = parseInputsLenient(userInputs(olds));
    return { id: ticket.ticketId, props: recordOf(outputsFrom(inputs, ticket, postedOf(olds), keptOf(olds)), olds) };
  }
  // `pulumi import`: the inputs are whatever the ticket says.
  const inputs = inputsFromTicket(ticket);
  return { id: ticket.ticketId, props: versioned(outputsFrom(inputs, ticket, recordsFor(inputs.comments ?? [], ticket))), inputs };
}
