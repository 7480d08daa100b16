/**
 * Reading what a RackspaceTicket records about its posted entries: records (digests and ids) instead of texts, and a thread that names the stack's own entries.
 */
import type { CommentInput } from "../../src/core/history/entries";
import { EntryRecord, pendingRecord, textDigest, threadDigest } from "../../src/core/history/posted";
import type { ThreadEntry } from "../../src/core/ticket/outputs";
import { expandThread } from "../../src/core/history/thread-view";

type Outs = Record<string, unknown> | { posted?: unknown; thread?: unknown } | undefined;

/** The records of the posted comments in `outs`. */
export function postedOf(outs: Outs): EntryRecord[] {
  const p = (outs as { posted?: unknown } | undefined)?.posted;
  return Array.isArray(p) ? (p as EntryRecord[]) : [];
}

/** The digests the records of these entries hold. */
export function digestsOf(entries: readonly CommentInput[]): string[] {
  return entries.map((e) => pendingRecord(e).digest);
}

/** The digests of the posted comments in `outs` (compare with digestsOf(texts)). */
export function postedDigests(outs: Outs): string[] {
  return postedOf(outs).map((r) => r.digest);
}

/** The recorded thread. */
export function threadOf(outs: Outs): ThreadEntry[] {
  const t = (outs as { thread?: unknown } | undefined)?.thread;
  return Array.isArray(t) ? (t as ThreadEntry[]) : [];
}

/** The thread's texts as the program sees them: the stack's own entries from the declared description and comments. */
export function threadTexts(outs: Outs, declared: { description?: string; comments?: CommentInput[] }): string[] {
  return expandThread(threadOf(outs), declared.description, declared.comments ?? []).map((t) => t.text);
}

/** The digests of the texts alone of the posted comments in `outs` (files left out: compare with textDigestsOf(texts)). */
export function postedTextDigests(outs: Outs): string[] {
  return postedOf(outs).map(threadDigest);
}

/** The digests of these texts, as a record of an entry with them holds for its text. */
export function textDigestsOf(texts: readonly string[]): string[] {
  return texts.map(textDigest);
}
