/**
 * Taking over an existing ticket (`adoptTicketId`, or the `import` option strictly): it
 * must exist and be the ticket the program declares. Its resource list is brought in line
 * and the declared comments not yet on it are posted; an import sends nothing at all.
 * Mismatches are listed without printing secrets; a description that differs is shown cut,
 * unless it is a secret. A ticket Rackspace has closed is not adopted: the caller opens a new
 * one naming it (an import of it fails: an import changes nothing).
 */
import { isRackspaceApiError } from "../../api/errors";
import type { Ticket } from "../../api/schemas";
import type { OperationContext } from "../context";
import { entryText } from "../history/entries";
import { TicketOperationError } from "../errors";
import type { TicketInputs } from "./inputs";
import { stripMarker } from "./marker";
import { TEXT_INPUTS } from "./fields";
import { cut, describe, firstDifference, label, shown } from "../messages";
import { customerComments, KeptOutputs, TicketOutputs } from "./outputs";
import { sameResourceSet } from "./plan";
import { isClosed } from "../status";
import { postComments } from "./thread";

export interface AdoptRequest {
  name: string | undefined;
  inputs: TicketInputs;
  id: string;
  /** The `import` option: every declared value must match, and nothing is sent. */
  strict: boolean;
  /** Inputs the program passed as secrets (never printed). */
  secrets: ReadonlySet<string>;
  /** What the outputs carry beside the ticket (the tickets a replacement replaces). */
  kept?: KeptOutputs;
}

/** A create's result: the ticket's id and outputs, and for a ticket it did not open, the ticket as read before the first write (where a gate's wait begins). */
export interface Opened {
  id: string;
  outs: TicketOutputs;
  before?: Ticket;
  /** Whether the ticket existed before this create (adopted, or found by its marker). */
  took?: boolean;
}

/** Adopts the ticket; undefined when Rackspace has closed it and the adoption is not strict (the caller opens a new ticket naming it). */
export async function adoptTicket(op: OperationContext, req: AdoptRequest): Promise<Opened | undefined> {
  const { name, inputs, id, strict, secrets } = req;
  const api = op.api();
  const ctx = op.call(name, id, inputs.accountId);
  let ticket: Ticket;
  try {
    ticket = await api.getTicket(id, ctx);
  } catch (e) {
    throw new TicketOperationError(`${label(name, id)}: ${strict ? "importing" : "adopting"} the ticket failed: ${describe(e)} Check the ticket id.`, isRackspaceApiError(e) ? e : undefined);
  }
  const differs = (field: string, have: unknown, want: unknown) => `${field} is ${shown(field, have, secrets, TEXT_INPUTS)}, the program says ${shown(field, want, secrets, TEXT_INPUTS)}`;
  const mismatch: string[] = [];
  if (ticket.accountId && ticket.accountId !== inputs.accountId) mismatch.push(differs("accountId", ticket.accountId, inputs.accountId));
  if (ticket.subject && ticket.subject !== inputs.subject) mismatch.push(differs("subject", ticket.subject, inputs.subject));
  if (isClosed(ticket.status)) {
    if (!strict && mismatch.length === 0) return undefined;
    mismatch.push("the ticket is closed");
  }
  if (strict) mismatch.push(...importDifferences(ticket, inputs, secrets, differs));
  if (mismatch.length > 0) {
    throw new TicketOperationError(
      strict
        ? `${label(name, id)}: cannot import the ticket: ${mismatch.join("; ")}. Declare the ticket's own values: an import never changes the ticket.`
        : `${label(name, id)}: cannot adopt the ticket: ${mismatch.join("; ")}. Declare the ticket's own values (they cannot be changed on an existing ticket), or remove adoptTicketId to open a new one.`,
    );
  }
  const before = ticket;
  const want = inputs.resources ?? [];
  if (!sameResourceSet(ticket.resources, want)) {
    ticket = (await api.setResources(id, want, ctx)) ?? { ...ticket, resources: [...want] };
  }
  op.log(`${label(name, id)}: ${strict ? "imported" : "adopted"} the existing ticket`);
  // The ticket was just read: its thread is current.
  return { id, before, outs: await postComments(op, { name, inputs, ticket, posted: [], toPost: inputs.comments ?? [], note: strict ? undefined : inputs.note, verb: "adopted", fresh: true, ...(req.kept ? { kept: req.kept } : {}) }) };
}

/** Where a ticket differs from the declared inputs (an import must match them all). */
function importDifferences(ticket: Ticket, inputs: TicketInputs, secrets: ReadonlySet<string>, differs: (field: string, have: unknown, want: unknown) => string): string[] {
  const out: string[] = [];
  for (const f of ["category", "subcategory", "severity"] as const) {
    const want = inputs[f];
    if (want !== undefined && ticket[f] && ticket[f] !== want) out.push(differs(f, ticket[f], want));
  }
  const first = stripMarker(ticket.comments[0]?.text ?? "");
  if (inputs.description !== undefined && first !== inputs.description) {
    const at = firstDifference(first, inputs.description);
    out.push(
      secrets.has("description")
        ? `description differs from the ticket's first comment (${inputs.description.length} characters declared, ${first.length} on the ticket; first difference at character ${at})`
        : `description differs from the ticket's first comment at character ${at}: the ticket says ${JSON.stringify(cut(first, 120))}, the program ${JSON.stringify(cut(inputs.description, 120))}`,
    );
  }
  if (!sameResourceSet(ticket.resources, inputs.resources ?? [])) out.push(differs("resources", ticket.resources, inputs.resources ?? []));
  const later = customerComments(ticket);
  const want = (inputs.comments ?? []).map(entryText);
  if (later.length !== want.length) out.push(`the ticket has ${later.length} customer comments after the description, the program declares ${want.length}`);
  const at = want.findIndex((t, i) => i < later.length && t !== later[i]);
  if (at >= 0) out.push(`comments[${at}] differs from the ticket's customer comment at the same place (texts not shown)`);
  return out;
}
