/**
 * The program's view of a ticket's thread: the recorded thread with the texts of the stack's own entries put back from the declared inputs.
 *
 * Program side only (RackspaceTicket's `thread` output); the state keeps those texts once,
 * in the inputs, and names the input in each such entry (`entry`).
 */
import { CommentInput, entryText } from "./entries";
import type { ThreadEntry } from "./outputs";
import type { EntryRecord } from "./posted";

/** One comment on the ticket as the program sees it: always with its id, text, time and author. */
export interface ThreadMessage extends ThreadEntry {
  id: string;
  created: string;
  text: string;
  authorName: string;
  authorType: string;
}

/** The text an `entry` reference stands for, or undefined when the declared inputs do not hold it. */
function declaredText(entry: string, description: string | undefined, comments: readonly CommentInput[]): string | undefined {
  if (entry === "description") return description ?? "";
  const i = /^comments\[(\d+)\]$/.exec(entry)?.[1];
  const e = i === undefined ? undefined : comments[Number(i)];
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
    const i = /^comments\[(\d+)\]$/.exec(t.entry)?.[1];
    return {
      ...t,
      id: t.id ?? (i === undefined ? "" : (ctx.posted?.[Number(i)]?.commentId ?? "")),
      text: declaredText(t.entry, description, comments) ?? "",
      created: t.created ?? ctx.created ?? "",
      authorName: t.authorName ?? ctx.creator ?? "",
      authorType: t.authorType ?? "customer",
    };
  });
}
