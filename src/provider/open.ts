/**
 * Opening a ticket (create) without ever opening it twice: a ticket this same creation
 * already opened (a killed run, a lost answer) is found by its marker and adopted; a
 * create whose answer was lost is never sent again unless a lookup finds nothing AND the
 * user runs `up` again after the message; a replacement never adopts the ticket it replaces.
 */
import { isRackspaceApiError } from "../api/errors";
import type { CreateTicketRequest, Ticket } from "../api/schemas";
import { adoptTicket, Opened } from "./adopt";
import type { OperationContext } from "./context";
import { TicketOperationError } from "./errors";
import type { TicketInputs } from "./inputs";
import { describeWithMarker, markerFor, ResourceRef } from "./marker";
import { describe, label, shown } from "./messages";
import type { PendingReplacement } from "./replacements";
import { isClosed } from "./status";
import { postComments } from "./thread";
import { uploadAll } from "./uploads";

export interface OpenRequest {
  ref: ResourceRef;
  inputs: TicketInputs;
  /** The `import` option asked for this adoption. */
  strictImport: boolean;
  secrets: ReadonlySet<string>;
  /** The ticket this create replaces, when the engine is replacing the resource. */
  replacing?: PendingReplacement;
}

export async function openTicket(op: OperationContext, req: OpenRequest): Promise<Opened> {
  const { ref, inputs, replacing, secrets } = req;
  const name = ref.name;
  const adoptId = inputs.adoptTicketId;
  if (adoptId && adoptId !== replacing?.ticketId) return adoptTicket(op, { name, inputs, id: adoptId, strict: req.strictImport, secrets });
  if (adoptId) op.log(`${label(name)}: adoptTicketId names ${adoptId}, the ticket this replacement ${replacing?.reason === "closed" ? "follows" : "closes"}: opening a new ticket instead`);
  const marker = markerFor(ref, inputs);
  const exclude = replacing?.ticketId;
  const find = () => findByMarker(op, inputs.accountId, marker, name, exclude);
  // Best effort: the list endpoint is undocumented, and if it cannot answer we go on.
  const existing = await find().catch(() => undefined);
  if (existing) {
    op.log(`${label(name, existing.ticketId)}: adopting the open ticket this resource already created (marker ${marker})`);
    return { id: existing.ticketId, outs: await postComments(op, { name, inputs, ticket: existing, posted: [], toPost: inputs.comments ?? [], note: inputs.note, verb: "opened", fresh: false }) };
  }
  const request: CreateTicketRequest = {
    accountId: inputs.accountId,
    subject: inputs.subject,
    category: inputs.category,
    subcategory: inputs.subcategory,
    severity: inputs.severity,
    comment: { text: describeWithMarker(inputs.description, marker, ref, op.settings.markerFooter, replacing?.ticketId) },
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
      found = await find();
    } catch (l) {
      lookup = `looking for it failed too (${describe(l)})`;
    }
    if (!found) {
      throw new TicketOperationError(
        `${label(name)}: opening the ticket failed and its outcome is unknown: ${describe(e)} The ticket may exist: ${lookup}. Nothing was sent again. ` +
          `Look for an open ticket on account ${shown("accountId", inputs.accountId, secrets)} whose description ends with marker ${marker}: if there is one, set \`adoptTicketId\` to its id and run \`pulumi up\`; ` +
          "if there is none, run `pulumi up` again (it looks for the marker before opening a ticket).",
        e,
      );
    }
    op.log(`${label(name, found.ticketId)}: the answer to the create was lost, but the ticket exists (marker ${marker}): adopting it`);
    return { id: found.ticketId, outs: await postComments(op, { name, inputs, ticket: found, posted: [], toPost: inputs.comments ?? [], note: inputs.note, verb: "opened", fresh: true }) };
  }
  return { id: ticket.ticketId, outs: await postComments(op, { name, inputs, ticket, posted: [], toPost: inputs.comments ?? [], note: inputs.note, verb: "opened", fresh: true }) };
}

/** The open ticket whose description carries `marker` (never `exclude`), if the API can list it. */
async function findByMarker(op: OperationContext, accountId: string, marker: string, name: string | undefined, exclude?: string): Promise<Ticket | undefined> {
  const found = await op.api().listTickets({ accountId, q: marker }, op.call(name, undefined, accountId));
  return found.find((t) => t.ticketId !== exclude && !isClosed(t.status) && (t.comments[0]?.text ?? "").includes(marker));
}
