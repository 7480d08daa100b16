/**
 * The inputs of a RackspaceTicketComment and `check`: one CheckFailure per problem,
 * before any API call, never echoing the comment's text; values not known until apply
 * (a preview) are accepted and checked again when known.
 */
import { z } from "zod";
import type { AttachmentInput } from "../history/entries";
import { CheckFailure, LIMITS, TicketInputsSchema, userInputs } from "../ticket/inputs";
import { isUnknown } from "../keys";

/** What a program declares for one comment on a ticket it does not manage. */
export interface CommentResourceInputs {
  /** The ticket to comment on (opened by hand, or by another stack). */
  ticketId: string;
  /** The comment's text. */
  text: string;
  /** Files attached to the comment. */
  attachments?: AttachmentInput[];
  /** The ticket's account, if the program knows it: paces the first read under the account's limits; checked against the ticket. */
  accountId?: string;
}

/** Every input a user may set, in the order messages list them. */
export const COMMENT_INPUT_FIELDS = ["ticketId", "text", "attachments", "accountId"] as const;
/** Inputs whose change posts a new comment (the old one stays: comments cannot be edited or removed). */
export const COMMENT_REPLACE_FIELDS = ["ticketId", "text", "attachments"] as const;

const required = (what: string, max: number) =>
  z
    .string({ error: (i) => (i.input === undefined ? `${what} is required` : `${what} must be a string`) })
    .refine((s) => s.trim().length > 0, { error: `${what} must not be empty`, abort: true })
    .refine((s) => s.length <= max, { error: `${what} must be at most ${max.toLocaleString("en-US")} characters`, abort: true });

export const CommentResourceSchema = z.strictObject(
  {
    ticketId: required("ticketId", LIMITS.shortText),
    text: required("text", LIMITS.text),
    // The same rules as a RackspaceTicket's attachments (names, extensions, one of path/content, count).
    attachments: TicketInputsSchema.shape.attachments,
    accountId: TicketInputsSchema.shape.accountId.optional(),
  },
  { error: (i) => (i.code === "unrecognized_keys" ? `unknown property; RackspaceTicketComment accepts ${COMMENT_INPUT_FIELDS.join(", ")}` : undefined) },
);

/** Unknown fields and unknown list entries are left out (a preview); they are checked once known. */
function withoutUnknowns(inputs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs)) {
    if (isUnknown(v)) continue;
    out[k] = Array.isArray(v) ? v.filter((e) => !isUnknown(e)) : v;
  }
  return out;
}

function pathOf(path: ReadonlyArray<PropertyKey>): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s;
}

/**
 * The engine prints a top-level property's value beside the reason: the text, nested
 * paths and long values are named in the reason instead (property ""), so nothing is echoed.
 */
function failureAt(path: string, reason: string, declared: Record<string, unknown>): CheckFailure {
  const topLevel = /^[A-Za-z_]\w*$/.test(path);
  const value = topLevel ? declared[path] : undefined;
  if (topLevel && path !== "text" && (value === undefined || JSON.stringify(value).length <= 80)) return { property: path, reason };
  return { property: "", reason: `${path}: ${reason}` };
}

/** Validates new inputs against the schema; nothing here calls the API. */
export function checkCommentInputs(news: Record<string, unknown>): CheckFailure[] {
  const declared = userInputs(news);
  const unknownFields = new Set(Object.keys(declared).filter((k) => isUnknown(declared[k])));
  const parsed = CommentResourceSchema.safeParse(withoutUnknowns(declared));
  if (parsed.success) return [];
  const failures: CheckFailure[] = [];
  for (const issue of parsed.error.issues) {
    if (issue.path.length > 0 && unknownFields.has(String(issue.path[0]))) continue;
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) failures.push(failureAt(pathOf([...issue.path, key]), issue.message, declared));
      continue;
    }
    failures.push(failureAt(pathOf(issue.path) || "(inputs)", issue.message, declared));
  }
  return failures;
}

/** Parses inputs known to be valid (create/update time: no unknowns left). */
export function parseCommentInputs(props: Record<string, unknown>): CommentResourceInputs {
  return CommentResourceSchema.parse(userInputs(props)) as CommentResourceInputs;
}
