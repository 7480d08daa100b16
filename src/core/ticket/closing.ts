/**
 * The last words on a ticket the stack closes: the declared `closingComment` and, for a
 * replacement, the ticket that replaces it, posted once (a retried destroy finds them
 * as the ticket's last customer entry and does not post them again) before `PATCH Closed`.
 */
import { isRackspaceApiError } from "../../api/errors";
import type { Ticket } from "../../api/schemas";
import type { OperationContext } from "../context";
import { TicketOperationError } from "../errors";
import { describe, label } from "../messages";
import { isCustomerEntry } from "../history/posted";

/** The text to post before closing, if any. */
export function closingText(closingComment: string | undefined, successor: string | undefined): string | undefined {
  const crossRef = successor ? `Replaced by ticket ${successor}.` : undefined;
  if (closingComment && crossRef) return `${closingComment}\n\n${crossRef}`;
  return closingComment ?? crossRef;
}

/**
 * Whether the ticket's last customer entry that the stack did not post itself (`own`: the ids
 * of the description, the posted comments and notes) is `text`: posted by an earlier attempt.
 * A comment or note of the stack with the same text is not a closing comment.
 */
function alreadyLast(ticket: Ticket | undefined, text: string, own: ReadonlySet<string>): boolean {
  const last = [...(ticket?.comments ?? [])].slice(1).reverse().find((c) => isCustomerEntry(c) && !(c.id && own.has(c.id)));
  return last?.text === text;
}

/** Posts `text` on ticket `id` unless `now` shows it is already its last customer entry the stack did not post as a comment or note. */
export async function postClosing(op: OperationContext, name: string | undefined, id: string, accountId: string | undefined, text: string, now: Ticket, own: ReadonlySet<string>): Promise<void> {
  if (alreadyLast(now, text, own)) return;
  const ctx = op.call(name, id, accountId);
  try {
    await op.api().addComment(id, { text }, ctx);
  } catch (e) {
    if (isRackspaceApiError(e) && e.mayHaveBeenApplied) {
      const after = await op.api().getTicket(id, ctx).catch(() => undefined);
      if (alreadyLast(after, text, own)) return;
    }
    throw new TicketOperationError(
      `${label(name, id)}: posting the closing comment failed: ${describe(e)} The ticket was not closed and stays in the stack; run \`pulumi destroy\` (or \`pulumi up\`) again once the cause is fixed: it is not posted twice.`,
      isRackspaceApiError(e) ? e : undefined,
    );
  }
}
