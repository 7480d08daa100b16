/**
 * The read of a RackspaceTicket: a refresh keeps the recorded inputs beside what the API reports now, `pulumi import` takes the inputs from the ticket, and only the API's `ticketNotFound` removes the ticket from the stack.
 */
import { isRackspaceApiError } from "../../api/errors";
import type { Ticket } from "../../api/schemas";
import type { OperationContext } from "../context";
import { TicketOperationError } from "../errors";
import { TicketInputs, userInputs } from "./inputs";
import { describe, label } from "../messages";
import { inputsFromTicket, outputsFrom, UnconfirmedCreate } from "./outputs";
import { recordsFor } from "../history/posted";
import { keptOf, MigratedRecord, parseInputsLenient, postedOf, str, TicketRecord } from "./records";
import { findUnconfirmed } from "./unconfirmed";
import { recordOf, versioned } from "./state";
import { isTicketGone } from "../status";

/** What read returns: the ticket's id and record (an empty id: the ticket is gone), and for an import, the inputs. */
export type ReadOutcome = { id: string; props: TicketRecord; inputs?: TicketInputs };

/** Reads the recorded ticket `id` (migrated: for an import it holds no inputs yet); an empty id when the ticket is gone. */
export async function readTicket(op: OperationContext, name: string | undefined, id: string, olds: MigratedRecord): Promise<ReadOutcome> {
  const refreshing = typeof olds.accountId === "string";
  if (olds.unconfirmed && refreshing) return readUnconfirmed(op, name, id, olds, olds.unconfirmed);
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

/**
 * A refresh of an unconfirmed create: the ticket found by its marker becomes the record (the
 * engine takes the new id); otherwise the record stays as it is, never dropped: only the
 * API's `ticketNotFound` for a known ticket removes one.
 */
async function readUnconfirmed(op: OperationContext, name: string | undefined, id: string, olds: MigratedRecord, u: UnconfirmedCreate): Promise<ReadOutcome> {
  const accountId = str(olds, "accountId") ?? "";
  const found = await findUnconfirmed(op, name, accountId, u, str(olds, "subject"), str(olds, "descriptionDigest"));
  if (!found) {
    op.log(`${label(name)}: the create of this ticket was never confirmed and the list does not show marker ${u.marker} yet; the record stays (the next \`pulumi up\` looks again)`);
    return { id, props: recordOf(olds, olds) };
  }
  op.log(`${label(name, found.ticketId)}: found the ticket the unconfirmed create opened (marker ${u.marker}): the stack records it now`);
  const inputs = parseInputsLenient(userInputs(olds));
  return { id: found.ticketId, props: recordOf(outputsFrom(inputs, found, [], keptOf(olds)), olds) };
}
