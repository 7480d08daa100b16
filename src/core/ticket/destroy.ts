/**
 * The delete of a RackspaceTicket: the closing comment, then the close; a ticket already
 * closed (or gone) gets nothing, and a failure keeps it in the stack. An unconfirmed record
 * (./unconfirmed) closes the ticket its create may have opened once the marker finds it, unless
 * a resource of this deployment keeps it, and fails while nothing can be proven.
 */
import { isRackspaceApiError } from "../../api/errors";
import type { Ticket } from "../../api/schemas";
import { closingText, postClosing } from "./closing";
import type { OperationContext } from "../context";
import { TicketOperationError } from "../errors";
import { describe, label } from "../messages";
import { keptOf, MigratedRecord, postedOf, str } from "./records";
import { replacedBy, seenClosed, wasTaken } from "./replacements";
import { isClosed, isRefused, isTicketGone } from "../status";
import { currentTicket, threadBefore } from "./thread";
import { ticketToCloseForUnconfirmed } from "./unconfirmed";

/** The ids of the thread entries the stack posted itself: the description, the posted comments, the notes. */
function ownEntries(olds: MigratedRecord): Set<string> {
  const ids = [...postedOf(olds), ...(keptOf(olds).notes ?? [])].map((r) => r.commentId);
  const first = olds.thread[0]?.id;
  return new Set([...ids, ...(first ? [first] : [])].filter((x) => x !== ""));
}

/** Closes the recorded ticket `id` (migrated), after its closing comment (which names the replacement, if any). */
export async function closeTicket(op: OperationContext, name: string | undefined, id: string, olds: MigratedRecord): Promise<void> {
  const accountId = str(olds, "accountId");
  if (!olds.unconfirmed) return closeOne(op, name, id, olds);
  const found = await ticketToCloseForUnconfirmed(op, { name }, accountId ?? "", olds.unconfirmed, str(olds, "subject"), str(olds, "descriptionDigest"));
  // The resource's new ticket (a changed program's replacement) is named on it, as on any replaced ticket.
  if (found) await closeOne(op, name, found.ticketId, olds, found, replacedBy(op.ticket(accountId, id)));
}

async function closeOne(op: OperationContext, name: string | undefined, id: string, olds: MigratedRecord, read?: Ticket, successor?: string): Promise<void> {
  const api = op.api();
  const accountId = str(olds, "accountId");
  const ctx = op.call(name, id, accountId);
  const key = op.ticket(accountId, id);
  if (seenClosed(key)) return;
  if (wasTaken(key)) {
    // A create of this deployment took it (adoptTicketId, or its marker): closing it would close a declared ticket.
    op.log(`${label(name, id)}: a resource of this deployment took this ticket: the record is removed, the ticket stays open`);
    return;
  }
  const last = closingText(str(olds, "closingComment"), successor ?? replacedBy(key));
  // Rackspace may have closed it since the last read: look first, and send nothing to a closed
  // ticket. Without a closing comment, a read the API cannot answer is no reason not to close;
  // with one, it is: only the thread tells whether an earlier attempt already posted it.
  const now = read ?? (last ? await threadBefore(op, name, id, accountId, "posting the closing comment") : await currentTicket(op, name, id, accountId));
  if (now && isClosed(now.status)) return;
  if (last && now) await postClosing(op, name, id, accountId, last, now, olds.unconfirmed ? new Set() : ownEntries(olds));
  try {
    await api.closeTicket(id, ctx);
  } catch (e) {
    if (isTicketGone(e)) return;
    if (isRefused(e)) {
      // Some servers refuse to close a closed ticket; that is the state we want.
      const after = await currentTicket(op, name, id, accountId);
      if (after && isClosed(after.status)) return;
    }
    throw new TicketOperationError(
      `${label(name, id)}: closing the ticket failed: ${describe(e)} The ticket stays in the stack; run \`pulumi destroy\` again once the cause is fixed.`,
      isRackspaceApiError(e) ? e : undefined,
    );
  }
}
