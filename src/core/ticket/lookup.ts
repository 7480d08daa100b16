/**
 * Finding a ticket this stack may have opened, by the marker at the end of its description:
 * only an open ticket, never one excluded (the ticket a replacement replaces), and only one
 * whose subject and description are the declared ones (the marker leaves out inputs passed as
 * secrets, so two creations may share it). A list the API cannot answer is an error; an empty
 * list is no proof that nothing was opened (GET /tickets is undocumented).
 */
import type { Ticket } from "../../api/schemas";
import type { OperationContext } from "../context";
import { stripMarker } from "./marker";
import { textDigest } from "../history/posted";
import { isClosed } from "../status";

/** What the ticket found must be: the account, the marker, and the declared subject and description (by digest). */
export interface MarkerQuery {
  accountId: string;
  marker: string;
  subject?: string;
  /** The description's digest (./outputs descriptionDigestOf); undefined: no description. */
  descriptionDigest?: string;
  /** Tickets never to take (the ticket a replacement replaces). */
  exclude?: readonly string[];
}

/** Whether `t` is the ticket `q` looks for. */
export function matchesMarker(t: Ticket, q: MarkerQuery): boolean {
  const first = t.comments[0]?.text ?? "";
  if ((q.exclude ?? []).includes(t.ticketId) || isClosed(t.status) || !first.includes(q.marker)) return false;
  if (q.subject !== undefined && t.subject !== undefined && t.subject !== null && t.subject !== q.subject) return false;
  const written = stripMarker(first);
  return (q.descriptionDigest === undefined ? written === "" : textDigest(written) === q.descriptionDigest);
}

/** The open ticket `q` looks for, if the API lists it (throws when the list fails). */
export async function findByMarker(op: OperationContext, name: string | undefined, q: MarkerQuery): Promise<Ticket | undefined> {
  const found = await op.api().listTickets({ accountId: q.accountId, q: q.marker }, op.call(name, undefined, q.accountId));
  return found.find((t) => matchesMarker(t, q));
}
