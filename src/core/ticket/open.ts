/**
 * Opening a ticket (create) without ever opening it twice: a ticket this same creation
 * already opened (a killed run, a lost answer) is found by its marker and adopted; a create
 * whose answer was lost and which the list cannot confirm is recorded as unconfirmed
 * (./unconfirmed) and never sent again without proof; a replacement never adopts the ticket
 * it replaces; an `adoptTicketId` Rackspace has closed is followed by a new ticket naming it.
 */
import { isRackspaceApiError } from "../../api/errors";
import type { CreateTicketRequest, Ticket } from "../../api/schemas";
import { adoptTicket, Opened } from "./adopt";
import type { OperationContext } from "../context";
import { TicketOperationError } from "../errors";
import type { TicketInputs } from "./inputs";
import { findByMarker } from "./lookup";
import { describeWithMarker, markerFor, ResourceRef } from "./marker";
import { describe, label, shown } from "../messages";
import { descriptionDigestOf, KeptOutputs } from "./outputs";
import { noteHeld, noteReplacedBy, noteTaken, PendingReplacement } from "./replacements";
import { postComments } from "./thread";
import { mayExistGuidance, queryOf, ticketOfUnconfirmed, UNCONFIRMED_PREFIX, unconfirmedFailure } from "./unconfirmed";
import { uploadAll } from "../history/uploads";

export interface OpenRequest {
  ref: ResourceRef;
  inputs: TicketInputs;
  /** The `import` option asked for this adoption. */
  strictImport: boolean;
  secrets: ReadonlySet<string>;
  /** The ticket (or unconfirmed record) this create replaces, when the engine is replacing the resource. */
  replacing?: PendingReplacement;
}

/** The tickets a new ticket replaces whose close may still be pending: the replaced one, then those it replaced (at most 5). */
function replacedChain(replacing: PendingReplacement | undefined, also?: string): string[] {
  const ids = [...(also ? [also] : []), ...(replacing && !replacing.ticketId.startsWith(UNCONFIRMED_PREFIX) ? [replacing.ticketId] : []), ...(replacing?.chain ?? [])];
  return [...new Set(ids)].slice(0, 5);
}

/**
 * Opens (or takes) the ticket, and tells the tickets it replaces which one replaced them. A ticket
 * it took that existed before (adopted, found by its marker) is held by the resource: no delete of
 * this deployment closes it (another record may name it: an unconfirmed create's, a renamed resource's).
 */
export async function openTicket(op: OperationContext, req: OpenRequest): Promise<Opened> {
  const r = await open(op, req);
  const accountId = req.inputs.accountId;
  if (r.took) {
    noteHeld(op.ticket(accountId, r.id), req.ref);
    noteTaken(op.ticket(accountId, r.id));
  }
  for (const old of [...(req.replacing ? [req.replacing.ticketId] : []), ...(r.outs.replaces ?? [])]) noteReplacedBy(op.ticket(accountId, old), r.id);
  return r;
}

async function open(op: OperationContext, req: OpenRequest): Promise<Opened> {
  const { ref, inputs, replacing, secrets } = req;
  const name = ref.name;
  const adoptId = inputs.adoptTicketId;
  let chain = replacedChain(replacing);
  const kept = (): KeptOutputs => ({ notes: [], ...(chain.length > 0 ? { replaces: chain } : {}) });
  // Never take a ticket this deployment closes: the one replaced, or one whose replacement is pending.
  const closing = new Set([...(replacing ? [replacing.ticketId] : []), ...chain]);
  if (adoptId && !closing.has(adoptId)) {
    const adopted = await adoptTicket(op, { name, inputs, id: adoptId, strict: req.strictImport, secrets, kept: kept() });
    if (adopted) return { ...adopted, took: true };
    // Rackspace closed it: like any ticket of the stack that Rackspace closed, it is followed by a new one naming it.
    op.log(`${label(name, adoptId)}: adoptTicketId names a ticket Rackspace has closed: opening a new ticket that names it (remove adoptTicketId to stop naming it)`);
    chain = replacedChain(replacing, adoptId);
  } else if (adoptId) {
    op.log(`${label(name)}: adoptTicketId names ${adoptId}, a ticket this deployment ${replacing?.ticketId === adoptId && replacing.reason === "closed" ? "follows (Rackspace closed it)" : "closes (the replacement of it is pending)"}: opening a new ticket instead`);
  }
  const marker = markerFor(ref, inputs, secrets);
  // An unconfirmed create with the same program: its ticket, found by the marker, or nothing at all.
  if (replacing?.reason === "unconfirmed" && replacing.marker === marker) {
    const ticket = await ticketOfUnconfirmed(op, ref, inputs, marker, secrets);
    op.log(`${label(name, ticket.ticketId)}: found the ticket the unconfirmed create opened (marker ${marker}): taking it`);
    return { id: ticket.ticketId, took: true, outs: await postComments(op, { name, inputs, ticket, posted: [], toPost: inputs.comments ?? [], note: inputs.note, kept: kept(), verb: "opened", fresh: false }) };
  }
  const query = queryOf(inputs.accountId, marker, inputs.subject, descriptionDigestOf(inputs.description), replacing ? [replacing.ticketId, ...chain] : chain);
  // Best effort: the list endpoint is undocumented, and if it cannot answer we go on.
  const existing = await findByMarker(op, name, query).catch(() => undefined);
  if (existing) {
    op.log(`${label(name, existing.ticketId)}: adopting the open ticket this resource already created (marker ${marker})`);
    return { id: existing.ticketId, took: true, outs: await postComments(op, { name, inputs, ticket: existing, posted: [], toPost: inputs.comments ?? [], note: inputs.note, kept: kept(), verb: "opened", fresh: false }) };
  }
  const replaces = chain[0];
  const request: CreateTicketRequest = {
    accountId: inputs.accountId,
    subject: inputs.subject,
    category: inputs.category,
    subcategory: inputs.subcategory,
    severity: inputs.severity,
    comment: { text: describeWithMarker(inputs.description, marker, ref, op.settings.markerFooter, replaces) },
    resources: inputs.resources,
    recipients: inputs.recipients,
  };
  // The description's files go up first: the ticket is opened with their uuids.
  const files = await uploadAll(op, name, inputs.attachments, "attachments", undefined, inputs.accountId);
  if (files.length > 0 && request.comment) request.comment = { text: request.comment.text, attachments: files };
  let ticket: Ticket;
  try {
    ticket = await op.api().createTicket(request, op.call(name, undefined, inputs.accountId));
  } catch (e) {
    if (!isRackspaceApiError(e) || !e.mayHaveBeenApplied) {
      throw new TicketOperationError(`${label(name)}: opening the ticket failed: ${describe(e)}`, isRackspaceApiError(e) ? e : undefined);
    }
    // The answer was lost: only a positive answer (the ticket, found by its marker) settles it.
    let found: Ticket | undefined;
    let lookup = "GET /tickets did not list it, which is no proof: the endpoint is undocumented and may ignore the search, page or lag";
    try {
      found = await findByMarker(op, name, query);
    } catch (l) {
      lookup = `looking for it failed too (${describe(l)})`;
    }
    if (!found) {
      throw unconfirmedFailure(
        `${label(name)}: opening the ticket failed and its outcome is unknown: ${describe(e)} The ticket may exist: ${lookup}. Nothing was sent again, and the stack records the create as unconfirmed (marker ${marker}): ` +
          "the next `pulumi up`, `refresh` or `destroy` looks for that ticket first and never opens a second one without proof. " +
          mayExistGuidance(ref, `on account ${shown("accountId", inputs.accountId, secrets)}`, marker, "create"),
        inputs,
        marker,
        chain,
      );
    }
    op.log(`${label(name, found.ticketId)}: the answer to the create was lost, but the ticket exists (marker ${marker}): adopting it`);
    return { id: found.ticketId, took: true, outs: await postComments(op, { name, inputs, ticket: found, posted: [], toPost: inputs.comments ?? [], note: inputs.note, kept: kept(), verb: "opened", fresh: true }) };
  }
  return { id: ticket.ticketId, outs: await postComments(op, { name, inputs, ticket, posted: [], toPost: inputs.comments ?? [], note: inputs.note, kept: kept(), verb: "opened", fresh: true }) };
}
