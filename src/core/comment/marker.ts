/**
 * The correlation marker of one posted comment: how a RackspaceTicketComment finds its
 * comment in the ticket's thread again (a lost answer, a killed CLI before the state was
 * written), and never mistakes another comment (a Racker's, a person's, another resource's,
 * or the comment a replacement supersedes) for it.
 *
 * The token has the ticket markers' form (./marker: `pulumi-rt-` + 16 hex digits) and
 * covers the resource (organization, project, stack, parent, name), the ticket, the text
 * and the files (by name and content), each unless passed as a secret: the same create
 * retried finds what it posted. A
 * replacement only takes a comment posted after the one it supersedes, so changing the
 * text back to an earlier one posts it anew rather than pointing at the old copy.
 */
import { createHash } from "node:crypto";
import type { Comment, Ticket } from "../../api/schemas";
import { attachmentKey } from "../history/entries";
import type { CommentResourceInputs } from "./inputs";
import { findMarker, MARKER_PREFIX, ResourceRef, unlessSecret } from "../ticket/marker";

/**
 * The marker of one logical comment creation. An input passed as a secret (`secrets`) is left
 * out, only its name counts: the marker is recorded and printed, and an unsalted hash of a
 * short secret text gives the text back.
 */
export function commentMarker(ref: ResourceRef, inputs: Pick<CommentResourceInputs, "ticketId" | "text" | "attachments">, secrets: ReadonlySet<string> = new Set()): string {
  const identity = JSON.stringify([
    "RackspaceTicketComment",
    ref.organization ?? "",
    ref.project ?? "",
    ref.stack ?? "",
    ref.parent ?? "",
    ref.name ?? "",
    unlessSecret("ticketId", inputs.ticketId, secrets),
    unlessSecret("text", inputs.text, secrets),
    secrets.has("attachments") ? "[secret attachments]" : (inputs.attachments ?? []).map(attachmentKey),
  ]);
  return MARKER_PREFIX + createHash("sha256").update(identity).digest("hex").slice(0, 16);
}

const FOOTER_START = "Posted by Pulumi (pulumi-rackspace-ticketing)";

/**
 * The text sent: the declared text, then (after a signature separator) the comment it
 * supersedes, if any, and the footer naming project, stack and resource with the marker,
 * or only the marker when the footer is off (`rackspace:markerFooter false`).
 */
export function commentTextWithMarker(text: string, marker: string, ref: ResourceRef, footer: boolean, supersedes?: string): string {
  const lines: string[] = [];
  if (supersedes) lines.push(`Supersedes comment ${supersedes} (a posted comment cannot be edited or removed).`);
  lines.push(footer ? `${FOOTER_START}: project ${ref.project ?? "?"}, stack ${ref.stack ?? "?"}, resource ${ref.name ?? "?"}. Marker: ${marker}` : marker);
  return `${text}\n\n${footer ? "-- \n" : ""}${lines.join("\n")}`;
}

/** Whether a thread entry was written by a Racker (a reply may quote our marker: it is never ours). */
const byRacker = (c: Comment) => (c.author?.type ?? "customer") === "racker";

/**
 * The thread entry of this comment: the one with the recorded id, else the latest customer
 * entry carrying the marker (only after the entry `after`, when the thread shows that one).
 * Undefined when the thread shows neither.
 */
export function findCommentEntry(ticket: Ticket, want: { commentId?: string; marker?: string; after?: string }): Comment | undefined {
  if (want.commentId) {
    const byId = ticket.comments.find((c) => c.id === want.commentId);
    if (byId) return byId;
  }
  if (!want.marker) return undefined;
  const start = want.after ? ticket.comments.findIndex((c) => c.id === want.after) + 1 : 0;
  return ticket.comments
    .slice(start)
    .reverse()
    .find((c) => !byRacker(c) && findMarker(c.text) === want.marker);
}
