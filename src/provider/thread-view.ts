/**
 * The program's view of a ticket's thread: the recorded thread with the texts of the stack's own entries put back from the declared inputs.
 *
 * Program side only (RackspaceTicket's `thread` output); the state keeps those texts once,
 * in the inputs, and names the input in each such entry (`entry`).
 */
import { CommentInput, entryText } from "./entries";
import type { ThreadEntry } from "./outputs";

/** One comment on the ticket as the program sees it: always with its text and author type. */
export interface ThreadMessage extends ThreadEntry {
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

/**
 * The recorded thread with every entry's text: the stack's own entries take theirs from the
 * declared description and comments, and their author is the ticket's creator unless recorded.
 */
export function expandThread(recorded: readonly ThreadEntry[], description: string | undefined, comments: readonly CommentInput[], creator = ""): ThreadMessage[] {
  return recorded.map((t) => {
    const text = t.entry !== undefined ? (declaredText(t.entry, description, comments) ?? "") : (t.text ?? "");
    return { ...t, text, authorName: t.authorName ?? (t.entry !== undefined ? creator : ""), authorType: t.authorType ?? "customer" };
  });
}
