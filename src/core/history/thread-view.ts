/**
 * The recorded thread and its full view: how the state names the stack's own entries (`entry`), and the thread with their texts, ids and authors put back from the declared inputs and the record.
 *
 * The program's `thread` (RackspaceTicket) and the provider's rebuilt ticket before an update
 * (./outputs ticketFromOutputs) both read the recorded thread through expandThread.
 */
import { CommentInput, entryText } from "./entries";
import type { EntryRecord } from "./posted";
import type { ThreadEntry, ThreadMessage } from "../public-types";

export type { ThreadAttachment, ThreadEntry, ThreadMessage } from "../public-types";

/** How a recorded thread entry names the description. */
export const DESCRIPTION_REF = "description";

/** How a recorded thread entry names the declared comment `i`. */
export function commentRef(i: number): string {
  return `comments[${i}]`;
}

/** The index of the declared comment `ref` names, or undefined when it names none. */
function commentIndex(ref: string): number | undefined {
  const i = /^comments\[(\d+)\]$/.exec(ref)?.[1];
  return i === undefined ? undefined : Number(i);
}

/** The text an `entry` reference stands for, or undefined when the declared inputs do not hold it. */
function declaredText(entry: string, description: string | undefined, comments: readonly CommentInput[]): string | undefined {
  if (entry === DESCRIPTION_REF) return description ?? "";
  const i = commentIndex(entry);
  const e = i === undefined ? undefined : comments[i];
  return e === undefined ? undefined : entryText(e);
}

/** What the view fills in from the rest of the record: the ticket's creator and creation time, and the posted records' ids. */
export interface RecordContext {
  creator?: string;
  created?: string;
  posted?: readonly EntryRecord[];
}

/**
 * The recorded thread with every entry's text: the stack's own entries take theirs from the
 * declared description and comments, their id from their record, and their author (and the
 * description's time) from the ticket unless recorded.
 */
export function expandThread(recorded: readonly ThreadEntry[], description: string | undefined, comments: readonly CommentInput[], ctx: RecordContext = {}): ThreadMessage[] {
  return recorded.map((t) => {
    if (t.entry === undefined) return { ...t, id: t.id ?? "", text: t.text ?? "", created: t.created ?? "", authorName: t.authorName ?? "", authorType: t.authorType ?? "customer" };
    const i = commentIndex(t.entry);
    return {
      ...t,
      id: t.id ?? (i === undefined ? "" : (ctx.posted?.[i]?.commentId ?? "")),
      text: declaredText(t.entry, description, comments) ?? "",
      created: t.created ?? ctx.created ?? "",
      authorName: t.authorName ?? ctx.creator ?? "",
      authorType: t.authorType ?? "customer",
    };
  });
}
