/**
 * The ticket's history is append-only: an entry of `comments` that is on the ticket (the
 * recorded outputs keep a digest of each) cannot be edited, removed or moved; an entry that was never
 * posted (a comment the API refused) can still be changed. When a replacement is pending
 * the new ticket gets the whole list, so anything goes.
 */
import { CommentInput, entryText } from "./entries";
import { isUnknown } from "../keys";
import { EntryRecord, entryDigest, textDigest, threadDigest } from "./posted";

function isEntry(v: unknown): v is CommentInput {
  return typeof v === "string" || (!!v && typeof v === "object" && !Array.isArray(v) && typeof (v as { text?: unknown }).text === "string");
}

function describeFiles(r: EntryRecord): string {
  if (r.textDigest === undefined) return "without files";
  return r.files && r.files.length > 0 ? `with ${r.files.map((f) => JSON.stringify(f.slice(0, 80))).join(", ")}` : "with other files";
}

/** Problems of `declared` against `posted` (a record per entry on the ticket, from the outputs), each naming its path. */
export function appendOnlyProblems(posted: readonly EntryRecord[], declared: unknown): string[] {
  if (posted.length === 0 || isUnknown(declared)) return [];
  const now = Array.isArray(declared) ? declared : [];
  const problems: string[] = [];
  for (let i = 0; i < posted.length; i++) {
    if (i >= now.length) {
      problems.push(
        `comments[${i}] is already on the ticket and cannot be removed: the ticket's history is append-only. Keep the ${posted.length} posted entries in the list and add new comments at the end.`,
      );
      break;
    }
    const was = posted[i];
    const is = now[i];
    if (isUnknown(is) || !isEntry(is) || entryDigest(is) === was.digest) continue;
    if (textDigest(entryText(is)) === threadDigest(was)) {
      problems.push(
        `comments[${i}].attachments: the entry was posted ${describeFiles(was)} and its files cannot change: the ticket's history is append-only. Restore them (same names, same content) and attach the new files to a new comment at the end.`,
      );
      continue;
    }
    const moved = now.findIndex((e) => isEntry(e) && entryDigest(e) === was.digest);
    problems.push(
      moved >= 0
        ? `comments[${i}] is already on the ticket and cannot be moved (it now appears at comments[${moved}]): the ticket's history is append-only. Add new comments at the end.`
        : `comments[${i}] is already on the ticket and cannot be edited: the ticket's history is append-only. Restore the posted text and add a new comment at the end instead.`,
    );
  }
  return problems;
}
