/**
 * What a RackspaceTicketComment records: its inputs (diff and update receive the old
 * outputs), the thread entry it posted, the ticket's status as last read, and the state
 * version; a state written by a newer package is refused, never misread.
 *
 *   1 (0.3.x): the fields of {@link TicketCommentOutputs} plus `__stateVersion`.
 */
import type { Comment, Ticket } from "../../api/schemas";
import type { CommentResourceInputs } from "./inputs";
import { commentLabel } from "./messages";
import { STATE_VERSION_KEY } from "../keys";

export const COMMENT_STATE_VERSION = 1;

export interface TicketCommentOutputs {
  ticketId: string;
  /** The text as declared (what was sent adds the marker line). */
  text: string;
  attachments?: CommentResourceInputs["attachments"];
  /** The ticket's account, as the ticket says (or as declared, when the ticket does not say). */
  accountId: string;
  /** The thread entry's id, found by reading the thread after posting (POST …/comments returns none). */
  commentId: string;
  /** When Rackspace recorded the comment. */
  created: string;
  /** Who the thread names as the comment's author. */
  authorName: string;
  /** The ticket's status as last read, e.g. `Pending Rackspace`, `Closed`. */
  status: string;
  /** The correlation marker at the end of the posted text (see ./comment-marker). */
  marker: string;
}

/** Outputs from the declared inputs, the ticket as read, and its thread entry of this comment. */
export function commentOutputs(inputs: CommentResourceInputs, ticket: Ticket, entry: Comment, marker: string): TicketCommentOutputs {
  const out: TicketCommentOutputs = {
    ticketId: inputs.ticketId,
    text: inputs.text,
    accountId: ticket.accountId ?? inputs.accountId ?? "",
    commentId: entry.id ?? "",
    created: entry.created ?? "",
    authorName: entry.author?.name ?? "",
    status: ticket.status ?? "",
    marker,
  };
  if (inputs.attachments !== undefined) out.attachments = inputs.attachments.map((a) => ({ ...a }));
  return out;
}

/** A recorded state in the current shape (a copy); throws for a state from a newer package. */
export function migrateCommentState(props: Record<string, unknown> | undefined, name?: string, ticketId?: string): Record<string, unknown> {
  const v = props?.[STATE_VERSION_KEY];
  const version = typeof v === "number" && Number.isInteger(v) && v >= 1 ? v : 1;
  if (version > COMMENT_STATE_VERSION) {
    throw new Error(
      `${commentLabel(name, ticketId)}: the stack was written by a newer pulumi-rackspace-ticketing (comment state version ${version}; this one reads up to ${COMMENT_STATE_VERSION}). ` +
        "Install the version that wrote it (see the stack's last update) in the program's package.json, then run the command again.",
    );
  }
  return { ...(props ?? {}), [STATE_VERSION_KEY]: COMMENT_STATE_VERSION };
}
