/**
 * The deployment's `note`: its value is posted as one comment each time it changes, and
 * the history is kept in the state as digests (never the texts again: the thread has them),
 * so a fresh CI runner knows what was posted without the program replaying it.
 */
import type { Ticket } from "../api/schemas";
import { attachmentKey, CommentInput, entryAttachments, entryText, sha256 } from "./entries";

/** One note posted on the ticket, as the state keeps it (about 150 bytes, whatever the text). */
export interface NoteRecord {
  /** SHA-256 of the note's text and files: what "the same value" means. */
  sha256: string;
  /** SHA-256 of its text alone, when it had files (how the thread, which shows texts, is matched). */
  textSha256?: string;
  /** The thread entry's id (empty when the API did not show it yet). */
  commentId: string;
  /** When it was posted, as the API reports it. */
  created: string;
}

/** SHA-256 of a thread text (how the thread is matched against notes and comments). */
export function textDigest(text: string): string {
  return sha256(Buffer.from(text, "utf8"));
}

/** The identity of a note's value: its text and its files (name and content). */
export function noteDigest(note: CommentInput): string {
  const files = entryAttachments(note).map(attachmentKey);
  return files.length === 0 ? textDigest(entryText(note)) : sha256(Buffer.from([entryText(note), ...files].join("\u0001"), "utf8"));
}

/** The notes recorded in a state (anything malformed is left out). */
export function notesOf(value: unknown): NoteRecord[] {
  if (!Array.isArray(value)) return [];
  return value.filter((n): n is NoteRecord => !!n && typeof n === "object" && typeof (n as NoteRecord).sha256 === "string").map((n) => ({ sha256: n.sha256, ...(typeof n.textSha256 === "string" ? { textSha256: n.textSha256 } : {}), commentId: String(n.commentId ?? ""), created: String(n.created ?? "") }));
}

/** Whether `note` differs from the last one posted (a note never posted always does). */
export function notePending(note: CommentInput | undefined, history: readonly NoteRecord[]): boolean {
  if (note === undefined) return false;
  return history[history.length - 1]?.sha256 !== noteDigest(note);
}

/** The record of a note just posted: its thread entry is the newest customer entry with its text. */
export function recordOf(note: CommentInput, ticket: Ticket): NoteRecord {
  const text = entryText(note);
  const entry = [...ticket.comments].reverse().find((c) => (c.author?.type ?? "customer") !== "racker" && c.text === text);
  const digest = noteDigest(note);
  const plain = textDigest(text);
  return { sha256: digest, ...(digest !== plain ? { textSha256: plain } : {}), commentId: entry?.id ?? "", created: entry?.created ?? "" };
}
