/**
 * A create whose answer was lost and which the list could not confirm. POST /tickets is not
 * idempotent and the engine keeps only what has an id, so the stack records the create as an
 * unconfirmed record (id `unconfirmed-<marker>`, outputs `unconfirmed: {marker, at}`): every
 * later command, on any machine, knows a ticket may exist. The next `up` takes the ticket it
 * finds by the marker, and opens none without proof; `refresh` takes it too (the record's id
 * becomes the ticket's); a delete closes it once found (unless a resource of this deployment
 * took it). While nothing can be proven each fails with the same guidance, and
 * `pulumi state delete` of the record is how a user says "I checked: it was not created".
 */
import type { Ticket } from "../../api/schemas";
import type { OperationContext } from "../context";
import { TicketOperationError } from "../errors";
import { TicketPartialFailure } from "./partial-failure";
import type { TicketInputs } from "./inputs";
import { findByMarker, MarkerQuery } from "./lookup";
import type { ResourceRef } from "./marker";
import { describe, label, shown } from "../messages";
import { descriptionDigestOf, UnconfirmedCreate } from "./outputs";
import { isHeld } from "./replacements";
import { DYNAMIC_TICKET_TYPE, urnOf } from "./urn";

/** How an unconfirmed record's id starts (never a ticket id). */
export const UNCONFIRMED_PREFIX = "unconfirmed-";

/** The id the engine records for an unconfirmed create. */
export function unconfirmedId(marker: string): string {
  return `${UNCONFIRMED_PREFIX}${marker}`;
}

/**
 * What to do while nothing can be proven: look for the marker; take (or close) what is found;
 * say "it was not created" by removing the record.
 */
export function mayExistGuidance(ref: ResourceRef, where: string, marker: string, during: "create" | "delete"): string {
  const urn = ref.urn ?? urnOf(ref, DYNAMIC_TICKET_TYPE);
  const remove = urn ? `\`pulumi state delete '${urn}'\`` : "`pulumi state delete <its URN>` (`pulumi stack --show-urns` lists it)";
  // A replacement's ticket shares the URN: the CLI then asks which resource (by id), or refuses without a terminal.
  const shared =
    `(if the CLI answers that the URN refers to more than one resource, a replaced ticket shares it: choose id \`${unconfirmedId(marker)}\` at its prompt, ` +
    `or without a terminal remove the resource with that id from the file \`pulumi stack export --file state.json\` writes and load it back with \`pulumi stack import --file state.json\`)`;
  return during === "create"
    ? `Look for an open ticket ${where} whose description ends with marker ${marker}. If there is one, set \`adoptTicketId\` to its id and run \`pulumi up\` (or run \`pulumi refresh\` once the API lists it). ` +
        `If you checked that there is none, remove the unconfirmed record with ${remove} ${shared}, then run \`pulumi up\`: it opens the ticket.`
    : `Look for an open ticket ${where} whose description ends with marker ${marker}. If there is one, close it (or run \`pulumi refresh\` once the API lists it, then this command again). ` +
        `If you checked that there is none, remove the record with ${remove} ${shared}.`;
}

/** The placeholder ticket an unconfirmed record is built from (no id, no thread). */
function nothingYet(accountId: string): Ticket {
  return { ticketId: "", accountId, status: "", comments: [], resources: [], recipients: [] };
}

/**
 * The partial failure that records an unconfirmed create: the engine keeps its id and outputs
 * (the marker), so the next command resolves it instead of sending POST /tickets again.
 */
export function unconfirmedFailure(message: string, inputs: TicketInputs, marker: string, replaces: readonly string[]): TicketPartialFailure {
  const unconfirmed: UnconfirmedCreate = { marker, at: new Date().toISOString() };
  return new TicketPartialFailure(message, unconfirmedId(marker), {
    inputs,
    ticket: nothingYet(inputs.accountId),
    posted: [],
    kept: { notes: [], unconfirmed, ...(replaces.length > 0 ? { replaces: [...replaces] } : {}) },
  });
}

/** The marker query for what a record declares (its subject and description digest). */
export function queryOf(accountId: string, marker: string, subject: string | undefined, descriptionDigest: string | undefined, exclude: readonly string[] = []): MarkerQuery {
  return { accountId, marker, subject, descriptionDigest, exclude };
}

/**
 * The ticket an unconfirmed create opened, found by its marker, for the create that replaces
 * the record (the program unchanged): found → the caller adopts it; not found or the list
 * fails → the create fails with the guidance, and nothing is sent.
 */
export async function ticketOfUnconfirmed(op: OperationContext, ref: ResourceRef, inputs: TicketInputs, marker: string, secrets: ReadonlySet<string>): Promise<Ticket> {
  const name = ref.name;
  let found: Ticket | undefined;
  let why = "listTickets (GET /tickets) did not show it, which is no proof: the endpoint is undocumented and may ignore the search, page or lag";
  try {
    found = await findByMarker(op, name, queryOf(inputs.accountId, marker, inputs.subject, descriptionDigestOf(inputs.description)));
  } catch (e) {
    why = `looking for it failed (${describe(e)})`;
  }
  if (found) return found;
  throw new TicketOperationError(
    `${label(name)}: an earlier createTicket of this resource may have been applied (its answer was lost), and ${why}. Nothing was sent: a second ticket is never opened without proof that the first was not. ` +
      mayExistGuidance(ref, `on account ${shown("accountId", inputs.accountId, secrets)}`, marker, "create"),
  );
}

/** For refresh: the ticket the unconfirmed record stands for, when the list finds it (undefined: keep the record as it is). */
export async function findUnconfirmed(op: OperationContext, name: string | undefined, accountId: string, u: UnconfirmedCreate, subject: string | undefined, descriptionDigest: string | undefined): Promise<Ticket | undefined> {
  try {
    return await findByMarker(op, name, queryOf(accountId, u.marker, subject, descriptionDigest));
  } catch (e) {
    op.log(`${label(name)}: the create of this ticket was never confirmed, and looking for its marker ${u.marker} failed (${describe(e)}); the record stays as it is`);
    return undefined;
  }
}

/**
 * For a delete: the ticket to close for an unconfirmed record, or undefined when there is
 * nothing to close (a resource of this deployment took it). Throws with the guidance while
 * nothing can be proven.
 */
export async function ticketToCloseForUnconfirmed(op: OperationContext, ref: ResourceRef, accountId: string, u: UnconfirmedCreate, subject: string | undefined, descriptionDigest: string | undefined): Promise<Ticket | undefined> {
  let found: Ticket | undefined;
  let why = "listTickets (GET /tickets) does not show it, which is no proof";
  try {
    found = await findByMarker(op, ref.name, queryOf(accountId, u.marker, subject, descriptionDigest));
  } catch (e) {
    why = `looking for it failed (${describe(e)})`;
  }
  if (found && isHeld(op.ticket(accountId, found.ticketId))) {
    op.log(`${label(ref.name, found.ticketId)}: the unconfirmed create's ticket was taken by a resource of this deployment: not closing it`);
    return undefined;
  }
  if (found) return found;
  throw new TicketOperationError(
    `${label(ref.name)}: this record is a createTicket that was never confirmed, so it cannot be removed yet: it may have been applied and opened a ticket (marker ${u.marker}), and ${why}. Nothing was sent. ` +
      mayExistGuidance(ref, "on the ticket's account", u.marker, "delete"),
  );
}
