/**
 * The approval gate after a create or an update: the outputs record how it ended (and the
 * thread and status of the last read); a gate that fails becomes a TicketPartialFailure, so
 * the stack keeps the ticket and the next `up` waits again on the same ticket.
 */
import type { OperationContext } from "./context";
import { TicketPartialFailure } from "./errors";
import { awaitGate, GateFailure } from "./gate";
import type { TicketInputs } from "./inputs";
import { outputsFrom, TicketOutputs, ticketFromOutputs } from "./outputs";
import { gateOf } from "./wait-for";

/** Waits for `inputs.waitFor` on the ticket `outs` describes; returns the outputs with `approval` set. */
export async function approved(op: OperationContext, name: string | undefined, inputs: TicketInputs, outs: TicketOutputs): Promise<TicketOutputs> {
  if (!inputs.waitFor) return outs;
  const id = outs.ticketId;
  const kept = { notes: outs.notes };
  try {
    const r = await awaitGate(op, { name, ticketId: id, accountId: inputs.accountId, gate: gateOf(inputs.waitFor) });
    const ticket = r.ticket ?? ticketFromOutputs(id, outs as unknown as Record<string, unknown>, inputs);
    return outputsFrom(inputs, ticket, outs.posted, { ...kept, approval: r.output });
  } catch (e) {
    // Whatever ended the wait, the ticket exists: the stack must keep it.
    const failed = e instanceof GateFailure ? e : undefined;
    const ticket = failed?.ticket ?? ticketFromOutputs(id, outs as unknown as Record<string, unknown>, inputs);
    const approval = failed?.output ?? outs.approval;
    throw new TicketPartialFailure(e instanceof Error ? e.message : String(e), id, outputsFrom(inputs, ticket, outs.posted, { ...kept, ...(approval ? { approval } : {}) }));
  }
}
