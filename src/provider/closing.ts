/**
 * The last words on a ticket the stack closes: the declared `closingComment` and, for a
 * replacement, the ticket that replaces it, posted once (a retried destroy finds them
 * as the ticket's last customer entry and does not post them again) before `PATCH Closed`.
 */
import { isRackspaceApiError } from "../api/errors";
import type { Ticket } from "../api/schemas";
import type { OperationContext } from "./context";
import { TicketOperationError } from "./errors";
import { describe, label } from "./messages";
import { isCustomerEntry } from "./posted";

/** The text to post before closing, if any. */
export function closingText(closingComment: string | undefined, successor: string | undefined): string | undefined {
  const crossRef = successor ? `Replaced by ticket ${successor}.` : undefined;
  if (closingComment && crossRef) return `${closingComment}\n\n${crossRef}`;
  return closingComment ?? crossRef;
}

/** Whether the ticket's last customer entry is `text` (posted by an earlier attempt). */
function alreadyLast(ticket: Ticket | undefined, text: string): boolean {
  const last = [...(ticket?.comments ?? [])].reverse().find(isCustomerEntry);
  return last?.text === text;
}

/** Posts `text` on ticket `id` unless `now` shows it is already its last customer entry. */
export async function postClosing(op: OperationContext, name: string | undefined, id: string, accountId: string | undefined, text: string, now: Ticket | undefined): Promise<void> {
  if (alreadyLast(now, text)) return;
  const ctx = op.call(name, id, accountId);
  try {
    await op.api().addComment(id, { text }, ctx);
  } catch (e) {
    if (isRackspaceApiError(e) && e.mayHaveBeenApplied) {
      const after = await op.api().getTicket(id, ctx).catch(() => undefined);
      if (alreadyLast(after, text)) return;
    }
    throw new TicketOperationError(
      `${label(name, id)}: posting the closing comment failed: ${describe(e)} The ticket was not closed and stays in the stack; run \`pulumi destroy\` (or \`pulumi up\`) again once the cause is fixed: it is not posted twice.`,
      isRackspaceApiError(e) ? e : undefined,
    );
  }
}
