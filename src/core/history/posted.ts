/**
 * What the state keeps of an entry the stack posted (a comment or a note): a 64-bit digest of its text and files and its thread entry's id, never the text itself.
 *
 * The text is in the inputs (a comment) or on the ticket (an older note), so a record costs
 * about 60 bytes whatever the text. Digests tell one ticket's entries apart (a chance
 * collision is 1 in 2^64); ids tie a record to its entry in the thread.
 */
import type { Ticket } from "../../api/schemas";
import { attachmentKey, CommentInput, entryAttachments, entryText, sha256 } from "./entries";
import type { EntryRecord } from "../public-types";

/** One posted entry, as the state keeps it. */
export type { EntryRecord } from "../public-types";

type ThreadComment = Ticket["comments"][number];

const short = (bytes: Buffer) => sha256(bytes).slice(0, 16);

/** The digest of a thread text (how the thread is matched against records). */
export function textDigest(text: string): string {
  return short(Buffer.from(text, "utf8"));
}

/** The identity of an entry: its text and its files (name and content). */
export function entryDigest(entry: CommentInput): string {
  const files = entryAttachments(entry).map(attachmentKey);
  return files.length === 0 ? textDigest(entryText(entry)) : short(Buffer.from([entryText(entry), ...files].join("\u0001"), "utf8"));
}

/** The record of `entry`, not tied to a thread entry yet. */
export function pendingRecord(entry: CommentInput, commentId = ""): EntryRecord {
  const digest = entryDigest(entry);
  const plain = textDigest(entryText(entry));
  const files = entryAttachments(entry).map((a) => a.filename);
  return { digest, ...(digest !== plain ? { textDigest: plain } : {}), commentId, ...(files.length > 0 ? { files } : {}) };
}

/** The digest a thread text of this record has. */
export function threadDigest(record: EntryRecord): string {
  return record.textDigest ?? record.digest;
}

/** A digest as this version writes it: 64 bits (older states kept 128 bits or a full SHA-256 of the same bytes, of which this is the prefix). */
const shortened = (d: string) => d.slice(0, 16);

/**
 * The records in a state value, in this version's shape (anything malformed is left out).
 * Records of older versions are read too: `{sha256, textSha256}` (0.3: full SHA-256) and
 * 128-bit digests (0.4 before 64 bits) name the same bytes, so their prefix is the digest.
 */
export function recordsOf(value: unknown): EntryRecord[] {
  if (!Array.isArray(value)) return [];
  const out: EntryRecord[] = [];
  for (const n of value) {
    if (!n || typeof n !== "object") continue;
    const r = n as Record<string, unknown>;
    const digest = typeof r.digest === "string" ? r.digest : typeof r.sha256 === "string" ? r.sha256 : undefined;
    if (digest === undefined) continue;
    const text = typeof r.textDigest === "string" ? r.textDigest : typeof r.textSha256 === "string" ? r.textSha256 : undefined;
    out.push({
      digest: shortened(digest),
      ...(text !== undefined ? { textDigest: shortened(text) } : {}),
      commentId: typeof r.commentId === "string" ? r.commentId : "",
      ...(Array.isArray(r.files) ? { files: r.files.filter((f): f is string => typeof f === "string") } : {}),
    });
  }
  return out;
}

/** Whether a thread entry is a customer's (a missing author counts as the customer). */
export function isCustomerEntry(c: ThreadComment): boolean {
  return (c.author?.type ?? "customer") !== "racker";
}

/**
 * `records` with their thread entry ids filled in where missing: each takes the newest
 * customer entry after the description with its text that no record (nor `taken`) holds,
 * the last record first, so entries posted in order get ids in order.
 */
export function withIds(records: readonly EntryRecord[], ticket: Ticket, taken: readonly EntryRecord[] = []): EntryRecord[] {
  const out = records.map((r) => ({ ...r }));
  if (out.every((r) => r.commentId !== "")) return out;
  const held = new Set([...out, ...taken].map((r) => r.commentId).filter((id) => id !== ""));
  const entries = ticket.comments.slice(1).filter(isCustomerEntry);
  for (let i = out.length - 1; i >= 0; i--) {
    const r = out[i];
    if (r.commentId !== "") continue;
    const want = threadDigest(r);
    const entry = [...entries].reverse().find((c) => !!c.id && !held.has(c.id) && textDigest(c.text) === want);
    if (entry?.id) {
      r.commentId = entry.id;
      held.add(entry.id);
    }
  }
  return out;
}

/** Records of entries known by their texts (a state of 0.4 or older, an imported ticket), tied to the thread. */
export function recordsFor(entries: readonly CommentInput[], ticket: Ticket, taken: readonly EntryRecord[] = []): EntryRecord[] {
  return withIds(
    entries.map((e) => pendingRecord(e)),
    ticket,
    taken,
  );
}
