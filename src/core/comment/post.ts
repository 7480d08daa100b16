/**
 * Posting one RackspaceTicketComment at most once: the thread is read first (a comment an
 * interrupted run posted is found by its marker and recorded, not posted again), nothing is
 * sent to a closed ticket, and a POST whose answer was lost is looked for in the thread and
 * never sent again in the same run.
 */
import { isRackspaceApiError } from "../../api/errors";
import type { Comment, Ticket } from "../../api/schemas";
import type { CommentResourceInputs } from "./inputs";
import { commentMarker, commentTextWithMarker, findCommentEntry } from "./marker";
import { commentLabel, shownTicket } from "./messages";
import { commentOutputs, TicketCommentOutputs } from "./outputs";
import type { SupersededComment } from "./replacements";
import type { OperationContext } from "../context";
import { TicketOperationError } from "../errors";
import type { ResourceRef } from "../ticket/marker";
import { describe, shown } from "../messages";
import { isClosed, isRefused, isTicketGone } from "../status";
import { currentTicket } from "../ticket/thread";
import { uploadAll } from "../history/uploads";

export interface PostCommentRequest {
  ref: ResourceRef;
  inputs: CommentResourceInputs;
  secrets: ReadonlySet<string>;
  /** The comment this create supersedes (a replacement), if the diff said so. */
  supersedes?: SupersededComment;
}

export interface PostedComment {
  id: string;
  outs: TicketCommentOutputs;
}

const apiError = (e: unknown) => (isRackspaceApiError(e) ? e : undefined);

/** The refusal for a closed ticket: the API accepts no comment on it. */
export function closedTicketMessage(who: string, what = "the comment was not posted"): string {
  return (
    `${who}: the ticket is Closed, and a closed ticket accepts no comments, so ${what}. ` +
    "The API cannot reopen a ticket: point ticketId at an open ticket, or remove this resource from the program."
  );
}

/** GET /tickets/{id} before a write; a failure is an error naming the resource and saying nothing was sent. */
export async function readTicketBefore(op: OperationContext, req: PostCommentRequest, accountId: string | undefined, what: string): Promise<Ticket> {
  const { ref, inputs, secrets } = req;
  const who = commentLabel(ref.name, inputs.ticketId, secrets);
  try {
    return await op.api().getTicket(inputs.ticketId, op.call(ref.name, shownTicket(inputs.ticketId, secrets), accountId));
  } catch (e) {
    if (isTicketGone(e)) {
      throw new TicketOperationError(
        `${who}: the ticket does not exist, or this user cannot see it: ${describe(e)} Nothing was sent. Check ticketId, and that rackspace:username may see the ticket's account.`,
        apiError(e),
      );
    }
    throw new TicketOperationError(`${who}: reading the ticket before ${what} failed: ${describe(e)} Nothing was sent; run \`pulumi up\` again once the cause is fixed.`, apiError(e));
  }
}

/** The account requests are paced under; a declared accountId must be the ticket's. */
export function accountOf(who: string, ticket: Ticket, inputs: CommentResourceInputs, secrets: ReadonlySet<string>): string | undefined {
  if (inputs.accountId !== undefined && ticket.accountId && ticket.accountId !== inputs.accountId) {
    throw new TicketOperationError(
      `${who}: accountId is ${shown("accountId", inputs.accountId, secrets)}, but the ticket is on account ${secrets.has("accountId") || secrets.has("ticketId") ? "[secret]" : JSON.stringify(ticket.accountId)}: nothing was sent. ` +
        "Fix accountId, or remove it (the ticket's account is read from the ticket).",
    );
  }
  return ticket.accountId ?? inputs.accountId;
}

/** Posts the comment (or records the one an earlier run posted) and returns the resource id and outputs. */
export async function postTicketComment(op: OperationContext, req: PostCommentRequest): Promise<PostedComment> {
  const { ref, inputs, secrets } = req;
  const name = ref.name;
  const id = inputs.ticketId;
  const who = commentLabel(name, id, secrets);
  const before = await readTicketBefore(op, req, inputs.accountId, "posting the comment");
  const accountId = accountOf(who, before, inputs, secrets);
  const supersedes = req.supersedes?.ticketId === id ? req.supersedes.commentId : undefined;
  const marker = commentMarker(ref, inputs, secrets);
  // A replacement never takes the comment it supersedes, nor an older copy of its own text.
  const mine = { marker, after: supersedes };
  const done = (ticket: Ticket, entry: Comment): PostedComment => ({ id: entry.id || marker, outs: commentOutputs(inputs, ticket, entry, marker) });

  const earlier = findCommentEntry(before, mine);
  if (earlier) {
    op.log(`${who}: the comment this resource posted earlier is on the ticket (marker ${marker}): recording it, not posting it again`);
    return done(before, earlier);
  }
  if (isClosed(before.status)) throw new TicketOperationError(closedTicketMessage(who));

  const api = op.api();
  const ctx = op.call(name, shownTicket(id, secrets), accountId);
  let files;
  try {
    files = await uploadAll(op, name, inputs.attachments, "attachments", shownTicket(id, secrets), accountId);
  } catch (e) {
    throw e instanceof TicketOperationError ? new TicketOperationError(`${e.message} Nothing was posted; run \`pulumi up\` again once the cause is fixed.`, e.apiError) : e;
  }
  const text = commentTextWithMarker(inputs.text, marker, ref, op.settings.markerFooter, supersedes);
  try {
    await api.addComment(id, files.length > 0 ? { text, attachments: files } : { text }, ctx);
  } catch (e) {
    if (isTicketGone(e)) throw new TicketOperationError(`${who}: posting the comment failed: the ticket is gone: ${describe(e)} Nothing was posted.`, apiError(e));
    if (isRefused(e)) {
      const now = await currentTicket(op, name, id, accountId);
      if (now && isClosed(now.status)) throw new TicketOperationError(closedTicketMessage(who), apiError(e));
    }
    if (!isRackspaceApiError(e) || !e.mayHaveBeenApplied) {
      throw new TicketOperationError(`${who}: posting the comment failed: ${describe(e)} Nothing was posted; fix the cause and run \`pulumi up\` again.`, apiError(e));
    }
    // The answer was lost: only the thread can tell, and only a comment found in it settles it.
    let lookup = "the thread read just now does not show it, which is no proof (GET /tickets/{id} is undocumented and may lag)";
    let after: Ticket | undefined;
    try {
      after = await api.getTicket(id, ctx);
    } catch (l) {
      lookup = `reading the thread to look for it failed too (${describe(l)})`;
    }
    const found = after ? findCommentEntry(after, mine) : undefined;
    if (after && found) {
      op.log(`${who}: the answer to the comment was lost, but it is on the ticket (marker ${marker}): recording it`);
      return done(after, found);
    }
    throw new TicketOperationError(
      `${who}: posting the comment failed and its outcome is unknown: ${describe(e)} The comment may be on the ticket: ${lookup}. Nothing was sent again. ` +
        `Run \`pulumi up\` again: it reads the thread for marker ${marker} first, records the comment if it is there, and posts it only if it is not.`,
      e,
    );
  }
  const again = `Run \`pulumi up\` again: it finds the comment by its marker ${marker} and records it without posting it again.`;
  let after: Ticket;
  try {
    after = await api.getTicket(id, ctx);
  } catch (e) {
    throw new TicketOperationError(`${who}: the comment was posted, but reading the thread to find its id failed: ${describe(e)} ${again}`, apiError(e));
  }
  const entry = findCommentEntry(after, mine);
  if (!entry) throw new TicketOperationError(`${who}: the comment was posted, but the thread read just now does not show it yet. ${again}`);
  return done(after, entry);
}
