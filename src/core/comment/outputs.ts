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
import type { TicketCommentOutputs } from "../public-types";
import type { Same } from "../same-shape";

export const COMMENT_STATE_VERSION = 1;

export type { TicketCommentOutputs } from "../public-types";

/** Compile-time: the public TicketCommentOutputs records the inputs as validated (`accountId` as the ticket says). */
const _outputsRecordTheInputs: Same<Omit<CommentResourceInputs, "accountId">, Pick<TicketCommentOutputs, Exclude<keyof CommentResourceInputs, "accountId">>> = true;
void _outputsRecordTheInputs;

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
