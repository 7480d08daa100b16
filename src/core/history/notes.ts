/**
 * The deployment's `note`: its value is posted as one comment each time it changes, and
 * the history is kept in the state as records (./posted: digests and ids, never the texts),
 * so a fresh CI runner knows what was posted without the program replaying it.
 */
import type { Ticket } from "../../api/schemas";
import type { CommentInput } from "./entries";
import { EntryRecord, entryDigest, pendingRecord, withIds } from "./posted";
import type { NoteRecord } from "../public-types";

/** One note posted on the ticket, as the state keeps it (a record: digest and thread entry id). */
export type { NoteRecord } from "../public-types";

/** Whether `note` differs from the last one posted (a note never posted always does). */
export function notePending(note: CommentInput | undefined, history: readonly NoteRecord[]): boolean {
  if (note === undefined) return false;
  return history[history.length - 1]?.digest !== entryDigest(note);
}

/** The record of a note just posted: its thread entry is the newest customer entry with its text that no record in `taken` holds. */
export function recordOf(note: CommentInput, ticket: Ticket, taken: readonly EntryRecord[] = []): NoteRecord {
  return withIds([pendingRecord(note)], ticket, taken)[0];
}
