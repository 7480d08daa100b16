/**
 * Posting the declared comments onto a ticket, in order, each exactly once: entries
 * already on the ticket (a lost answer, an interrupted run) are found in the thread and
 * not posted again; a comment whose answer was lost is looked for before it is sent
 * again; nothing is written to a ticket Rackspace has closed. The deployment's `note` follows
 * the declared comments, under the same rules. A failure after the ticket exists becomes a
 * TicketPartialFailure that records what is really on the ticket.
 */
import { isRackspaceApiError } from "../../api/errors";
import type { Ticket } from "../../api/schemas";
import type { OperationContext } from "../context";
import { CommentInput, entryAttachments, entryText } from "../history/entries";
import { TicketOperationError } from "../errors";
import { TicketPartialFailure } from "./partial-failure";
import type { TicketInputs } from "./inputs";
import { describe, label } from "../messages";
import { NoteRecord, notePending, recordOf } from "../history/notes";
import { EntryRecord, pendingRecord, textDigest, threadDigest, withIds } from "../history/posted";
import { customerComments, KeptOutputs, outputsFrom, TicketOutputs } from "./outputs";
import { isClosed, isRefused, isTicketGone } from "../status";
import { uploadAll } from "../history/uploads";

export interface PostJob {
  name: string | undefined;
  inputs: TicketInputs;
  /** The ticket as last known (from the API, or rebuilt from the recorded outputs). */
  ticket: Ticket;
  /** Records of the entries of `comments` known to be on the ticket. */
  posted: readonly EntryRecord[];
  /** Entries to post after them, in order. */
  toPost: CommentInput[];
  verb: "opened" | "updated" | "adopted";
  /** Whether `ticket` is exactly what the API just returned (its thread is current). */
  fresh: boolean;
  /** The notes already on the ticket and the gate's record, carried into the outputs. */
  kept?: KeptOutputs;
  /** The deployment's note: posted after the comments when it differs from the last note posted. */
  note?: CommentInput;
}

/**
 * Customer comments on the ticket (after the description) not matched by `known` records
 * or by notes already recorded, counted by the digest of their text.
 */
function unaccounted(ticket: Ticket, known: readonly EntryRecord[], notes: readonly NoteRecord[] = []): Map<string, number> {
  const counts = new Map<string, number>();
  const drop = (k: string) => counts.has(k) && counts.set(k, (counts.get(k) as number) - 1);
  for (const text of customerComments(ticket)) counts.set(textDigest(text), (counts.get(textDigest(text)) ?? 0) + 1);
  // A record digests its text and files; its text alone is what the thread shows.
  for (const r of [...known, ...notes]) drop(threadDigest(r));
  return counts;
}

function takeOne(counts: Map<string, number>, text: string): boolean {
  const k = textDigest(text);
  const n = counts.get(k) ?? 0;
  if (n <= 0) return false;
  counts.set(k, n - 1);
  return true;
}

/** What a ticket the API answers `ticketNotFound` for counts as: closed, with nothing on it. */
const gone = (id: string): Ticket => ({ ticketId: id, status: "Closed", comments: [], resources: [], recipients: [] });

/** The ticket as the API has it now, or undefined when it cannot say. */
export async function currentTicket(op: OperationContext, name: string | undefined, id: string, accountId?: string): Promise<Ticket | undefined> {
  try {
    return await op.api().getTicket(id, op.call(name, id, accountId));
  } catch (e) {
    if (isTicketGone(e)) return gone(id);
    return undefined;
  }
}

/** A planning read's limits: a preview is not held up by an API that does not answer (two attempts, 5 s of waiting, 10 s each). */
export const PLANNING_READ = { retry: { maxAttempts: 2, budgetMs: 5_000 }, timeoutMs: 10_000 } as const;

/**
 * The ticket as the API has it now, for planning (a diff): a short budget, and when it cannot
 * be read, a warning that the plan comes from the state (undefined).
 */
export async function ticketForPlan(op: OperationContext, name: string | undefined, id: string, accountId?: string): Promise<Ticket | undefined> {
  try {
    return await op.api().getTicket(id, { ...op.call(name, id, accountId), ...PLANNING_READ });
  } catch (e) {
    if (isTicketGone(e)) return gone(id);
    op.warn(`${label(name, id)}: could not read the ticket (${describe(e)}); the plan comes from the state: whether Rackspace closed it is checked again when the update runs`);
    return undefined;
  }
}

/**
 * The ticket as the API has it now, read before a write that depends on its thread (what is
 * already posted, where a gate's wait begins). A read that fails throws, saying `what` was not
 * sent: the thread rebuilt from the state may miss entries an interrupted run posted.
 */
export async function threadBefore(op: OperationContext, name: string | undefined, id: string, accountId: string | undefined, what: string): Promise<Ticket> {
  try {
    return await op.api().getTicket(id, op.call(name, id, accountId));
  } catch (e) {
    if (isTicketGone(e)) return gone(id);
    throw new TicketOperationError(
      `${label(name, id)}: reading the ticket before ${what} failed: ${describe(e)} Nothing was sent: without the thread, an entry an interrupted run already posted could be posted twice. ` +
        "Run the command again once the API answers.",
      isRackspaceApiError(e) ? e : undefined,
    );
  }
}

/** The message for a ticket found closed before a write: nothing is sent to it, and the next `up` replaces it. */
export function closedMessage(name: string | undefined, id: string, what: string): string {
  return (
    `${label(name, id)}: Rackspace has closed the ticket, so ${what} was not sent: nothing is written to a closed ticket. ` +
    `The stack now records it as Closed; run \`pulumi up\` again to open a new ticket that names ${id} and carries the declared comments (or remove the resource to stop declaring it).`
  );
}

/** Posts `job.toPost` in order after `job.posted`, then the note if it changed, then reads the ticket back once. */
export async function postComments(op: OperationContext, job: PostJob): Promise<TicketOutputs> {
  const { name, inputs } = job;
  const api = op.api();
  const id = job.ticket.ticketId;
  const ctx = op.call(name, id, inputs.accountId);
  const done = [...job.posted];
  const notes = [...(job.kept?.notes ?? [])];
  const kept = (): KeptOutputs => ({ ...job.kept, notes });
  const note = job.note !== undefined && notePending(job.note, notes) ? job.note : undefined;
  const items = [...job.toPost.map((entry) => ({ entry, isNote: false })), ...(note !== undefined ? [{ entry: note, isNote: true }] : [])];
  const where = (isNote: boolean) => (isNote ? "the note" : `comments[${done.length}]`);
  let latest = job.ticket;
  if (!job.fresh && items.length > 0) {
    try {
      latest = await threadBefore(op, name, id, inputs.accountId, `posting ${where(items[0].isNote)}`);
    } catch (e) {
      // The ticket exists: the stack records it, with what is known to be on it.
      throw new TicketPartialFailure(`${label(name, id)}: the ticket was ${job.verb}, but ${e instanceof Error ? e.message.replace(`${label(name, id)}: `, "") : String(e)}`, id, {
        inputs,
        ticket: latest,
        posted: done,
        kept: kept(),
      });
    }
  }
  if (items.length > 0 && isClosed(latest.status)) {
    throw new TicketPartialFailure(closedMessage(name, id, where(items[0].isNote)), id, { inputs, ticket: latest, posted: done, kept: kept() });
  }
  const surplus = unaccounted(latest, done, notes);
  let sent = 0;
  let noteOnTicket = false;
  for (const { entry, isNote } of items) {
    const at = where(isNote);
    if (takeOne(surplus, entryText(entry))) {
      op.log(`${label(name, id)}: ${at} is already on the ticket; not posting it again`);
    } else {
      try {
        await postOnce(op, name, id, inputs.accountId, entry, done, notes, at);
        sent++;
      } catch (e) {
        throw await postFailure(op, job, latest, done, kept(), at, e);
      }
    }
    if (isNote) noteOnTicket = true;
    else done.push(pendingRecord(entry));
  }
  if (sent > 0 || (!job.fresh && items.length === 0) || noteOnTicket) {
    try {
      latest = await api.getTicket(id, ctx);
    } catch {
      // GET /tickets/{id} is undocumented (best effort): keep what we know, with the comments we posted.
      latest = {
        ...latest,
        comments: [...latest.comments, ...items.map(({ entry }) => ({ id: "", text: entryText(entry), created: "", author: { type: "customer" } }))],
      };
    }
  }
  const posted = withIds(done, latest, notes);
  if (note !== undefined && noteOnTicket) notes.push(recordOf(note, latest, [...posted, ...notes]));
  return outputsFrom(inputs, latest, posted, kept());
}

/** The partial failure for a comment (or the note) that could not be posted, with the guidance that fits why. */
async function postFailure(op: OperationContext, job: PostJob, latest: Ticket, done: readonly EntryRecord[], kept: KeptOutputs, at: string, e: unknown): Promise<TicketPartialFailure> {
  const { name, inputs } = job;
  const id = latest.ticketId;
  if (isRefused(e) || isTicketGone(e)) {
    const now = await currentTicket(op, name, id, inputs.accountId);
    if (now && isClosed(now.status)) return new TicketPartialFailure(closedMessage(name, id, at), id, { inputs, ticket: now, posted: done, kept });
  }
  const outs = { inputs, ticket: latest, posted: done, kept };
  const head = `${label(name, id)}: the ticket was ${job.verb}, but posting ${at} failed: ${describe(e)}`;
  if (isRackspaceApiError(e) && e.mayHaveBeenApplied) {
    return new TicketPartialFailure(`${head} That comment may have been posted: the next \`pulumi up\` reads the thread before posting it again.`, id, outs);
  }
  if (isRefused(e)) {
    const fix = at === "the note" ? "fix the note" : `fix or remove it (entries not yet on the ticket can still change)`;
    return new TicketPartialFailure(
      `${head} ${at} was not posted: ${fix} and run \`pulumi up\` again.${done.length > 0 ? ` comments[0] to comments[${done.length - 1}] are on the ticket and recorded in the stack.` : " The ticket is recorded in the stack."}`,
      id,
      outs,
    );
  }
  return new TicketPartialFailure(`${head} The ticket is recorded in the stack; run \`pulumi up\` again to post the remaining comments.`, id, outs);
}

/**
 * POST one comment. If its answer is lost, read the thread: there → done. A thread that
 * does not show it is no proof it was not posted (GET /tickets/{id} is undocumented), so
 * the ambiguous error goes up and the comment is never sent twice in one run.
 */
async function postOnce(
  op: OperationContext,
  name: string | undefined,
  id: string,
  accountId: string,
  entry: CommentInput,
  known: readonly EntryRecord[],
  notes: readonly NoteRecord[],
  at: string,
): Promise<void> {
  const api = op.api();
  const ctx = op.call(name, id, accountId);
  const text = entryText(entry);
  // Files go up right before their comment (an upload slot lasts 10 minutes).
  const files = await uploadAll(op, name, entryAttachments(entry), `${at === "the note" ? "note" : at}.attachments`, id, accountId);
  const body = files.length > 0 ? { text, attachments: files } : { text };
  try {
    await api.addComment(id, body, ctx);
  } catch (e) {
    if (!isRackspaceApiError(e) || !e.mayHaveBeenApplied) throw e;
    const now = await api.getTicket(id, ctx).catch(() => undefined);
    if (!now) throw e;
    if (takeOne(unaccounted(now, known, notes), text)) return;
    throw e;
  }
}
