/**
 * How a RackspaceTicketComment's messages name things: `RackspaceTicketComment "name"
 * (ticket X)`, a ticket id or account passed as a secret shown as `[secret]`, and never
 * the comment's text (only its length, if anything).
 */
import { label } from "../messages";

/** The resource type the comment's messages name (shared helpers take it from the operation context). */
export const COMMENT_KIND = "RackspaceTicketComment";

/** The ticket id as a message may show it. */
export function shownTicket(ticketId: string | undefined, secrets: ReadonlySet<string>): string | undefined {
  if (ticketId === undefined || ticketId === "") return undefined;
  return secrets.has("ticketId") ? "[secret]" : ticketId;
}

/** A comment id as a message may show it (ids repeat the ticket's: `…-c2`), with a leading space; empty when it must not be shown. */
export function shownComment(commentId: string | undefined, secrets: ReadonlySet<string>): string {
  return commentId && !secrets.has("ticketId") ? ` ${commentId}` : "";
}

/** `RackspaceTicketComment "name" (ticket id)`: how every message of the comment resource starts. */
export function commentLabel(name: string | undefined, ticketId: string | undefined, secrets: ReadonlySet<string> = new Set()): string {
  const t = shownTicket(ticketId, secrets);
  return label(name, t, COMMENT_KIND);
}
