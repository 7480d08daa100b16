/**
 * The approval gate after a create or an update: the outputs record how it ended (and the
 * thread and status of the last read); a gate that fails becomes a TicketPartialFailure, so
 * the stack keeps the ticket and the next `up` waits again on the same ticket, from the same
 * baseline.
 */
import { GateBaseline, OwnEntries } from "../gate/approval";
import type { OperationContext } from "../context";
import { TicketPartialFailure } from "./partial-failure";
import { awaitGate, GateFailure } from "../gate/gate";
import type { TicketInputs } from "./inputs";
import { outputsFrom, TicketOutputs, ticketFromOutputs } from "./outputs";
import { threadDigest } from "../history/posted";
import { gateOf } from "../gate/wait-for";

/** The stack's own entries in `outs`: its posted comments and notes (by id, or by text while the API has not shown the id). */
export function ownEntries(outs: Pick<TicketOutputs, "posted" | "notes">): OwnEntries {
  const records = [...outs.posted, ...outs.notes];
  return {
    ids: new Set(records.map((r) => r.commentId).filter((id) => id !== "")),
    digests: new Set(records.filter((r) => r.commentId === "").map(threadDigest)),
  };
}

/**
 * Waits for `inputs.waitFor` on the ticket `outs` describes, counting only what happens after
 * `baseline`; returns the outputs with `approval` set.
 */
export async function approved(op: OperationContext, name: string | undefined, inputs: TicketInputs, outs: TicketOutputs, baseline: GateBaseline): Promise<TicketOutputs> {
  if (!inputs.waitFor) return outs;
  const id = outs.ticketId;
  const kept = { notes: outs.notes, ...(outs.replaces ? { replaces: outs.replaces } : {}) };
  try {
    const r = await awaitGate(op, { name, ticketId: id, accountId: inputs.accountId, gate: gateOf(inputs.waitFor), baseline, own: ownEntries(outs) });
    const ticket = r.ticket ?? ticketFromOutputs(id, outs as unknown as Record<string, unknown>, inputs);
    return outputsFrom(inputs, ticket, outs.posted, { ...kept, approval: r.output });
  } catch (e) {
    // Whatever ended the wait, the ticket exists: the stack must keep it.
    const failed = e instanceof GateFailure ? e : undefined;
    const ticket = failed?.ticket ?? ticketFromOutputs(id, outs as unknown as Record<string, unknown>, inputs);
    const approval = failed?.output ?? (outs.approval ? { ...outs.approval, baseline } : undefined);
    throw new TicketPartialFailure(e instanceof Error ? e.message : String(e), id, { inputs, ticket, posted: outs.posted, kept: { ...kept, ...(approval ? { approval } : {}) } });
  }
}
