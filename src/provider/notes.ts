/**
 * The deployment's `note`: its value is posted as one comment each time it changes, and
 * the history is kept in the state as digests (never the texts again: the thread has them),
 * so a fresh CI runner knows what was posted without the program replaying it.
 */
import type { Ticket } from "../api/schemas";
import { attachmentKey, CommentInput, entryAttachments, entryText, sha256 } from "./entries";

/**
 * One note posted on the ticket, as the state keeps it (about 60 bytes, whatever the text:
 * with its thread entry a note costs its text plus under 200 bytes). When it was posted
 * and by whom is in the thread entry with `commentId`.
 */
export interface NoteRecord {
  /** Digest of the note's text and files (64 bits of SHA-256, hex): what "the same value" means. */
  digest: string;
  /** Digest of its text alone, when it had files (how the thread, which shows texts, is matched). */
  textDigest?: string;
  /** The thread entry's id (empty when the API did not show it yet). */
  commentId: string;
}

/**
 * 64 bits of SHA-256 in hex: it only tells one ticket's notes apart from each other (a
 * change is "not the last note"), where a chance collision is 1 in 2^64, and it keeps every
 * record small.
 */
const short = (bytes: Buffer) => sha256(bytes).slice(0, 16);

/** The digest of a thread text (how the thread is matched against notes and comments). */
export function textDigest(text: string): string {
  return short(Buffer.from(text, "utf8"));
}

/** The identity of a note's value: its text and its files (name and content). */
export function noteDigest(note: CommentInput): string {
  const files = entryAttachments(note).map(attachmentKey);
  return files.length === 0 ? textDigest(entryText(note)) : short(Buffer.from([entryText(note), ...files].join("\u0001"), "utf8"));
}

/** The notes recorded in a state (anything malformed is left out). */
export function notesOf(value: unknown): NoteRecord[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((n): n is NoteRecord => !!n && typeof n === "object" && typeof (n as NoteRecord).digest === "string")
    .map((n) => ({ digest: n.digest, ...(typeof n.textDigest === "string" ? { textDigest: n.textDigest } : {}), commentId: String(n.commentId ?? "") }));
}

/** Whether `note` differs from the last one posted (a note never posted always does). */
export function notePending(note: CommentInput | undefined, history: readonly NoteRecord[]): boolean {
  if (note === undefined) return false;
  return history[history.length - 1]?.digest !== noteDigest(note);
}

/** The record of a note just posted: its thread entry is the newest customer entry with its text. */
export function recordOf(note: CommentInput, ticket: Ticket): NoteRecord {
  const text = entryText(note);
  const entry = [...ticket.comments].reverse().find((c) => (c.author?.type ?? "customer") !== "racker" && c.text === text);
  const digest = noteDigest(note);
  const plain = textDigest(text);
  return { digest, ...(digest !== plain ? { textDigest: plain } : {}), commentId: entry?.id ?? "" };
}
