/**
 * The schemas of a history entry as declared (an attachment, a comment) and the text bounds every input shares: the one source of their types (see ./entries).
 */
import { z } from "zod";
import { attachmentNameProblem } from "../../api/attachments";

/** Client-side bounds (the API documents none; these keep requests sane). */
export const LIMITS = {
  subject: 255,
  shortText: 100,
  text: 32_000,
  listItems: 500,
  attachmentsPerEntry: 20,
} as const;

export const text = (what: string, max: number) =>
  z
    .string({ error: (i) => (i.input === undefined ? `${what} is required` : `${what} must be a string`) })
    .refine((s) => s.trim().length > 0, { error: `${what} must not be empty`, abort: true })
    .refine((s) => s.length <= max, { error: `${what} must be at most ${max} characters`, abort: true });

export const list = <T extends z.ZodType>(what: string, item: T) =>
  z.array(item, { error: `${what} must be a list` }).max(LIMITS.listItems, { error: `${what} may hold at most ${LIMITS.listItems} entries` });

const SHA256 = /^[0-9a-f]{64}$/;

export const AttachmentSchema = z
  .strictObject(
    {
      filename: text("filename", 255).superRefine((name, ctx) => {
        const problem = attachmentNameProblem(name);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
      path: text("path", 4096).optional(),
      content: z.string({ error: "content must be a string" }).optional(),
      encoding: z.enum(["utf8", "base64"], { error: "encoding must be utf8 or base64" }).optional(),
      sha256: z.string().regex(SHA256, { error: "sha256 is filled in by the provider (64 hex digits)" }).optional(),
    },
    { error: (i) => (i.code === "unrecognized_keys" ? "unknown property; an attachment is { filename, path } or { filename, content, encoding? }" : undefined) },
  )
  .superRefine((a, ctx) => {
    if ((a.path === undefined) === (a.content === undefined)) ctx.addIssue({ code: "custom", message: "an attachment needs exactly one of `path` (a file) or `content` (inline)" });
    if (a.encoding === "base64" && a.content !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(a.content.replace(/\s+/g, ""))) {
      ctx.addIssue({ code: "custom", message: "content is not valid base64", path: ["content"] });
    }
  });

export const attachmentList = (what: string) =>
  z
    .array(AttachmentSchema, { error: `${what} must be a list` })
    .max(LIMITS.attachmentsPerEntry, { error: `${what} may hold at most ${LIMITS.attachmentsPerEntry} files` })
    .refine((a) => new Set(a.map((x) => x.filename)).size === a.length, { error: `${what} must not repeat a file name` });

const CommentText = text("a comment", LIMITS.text);
const CommentObject = z.strictObject(
  { text: text("comment text", LIMITS.text), attachments: attachmentList("attachments").optional() },
  { error: (i) => (i.code === "unrecognized_keys" ? "unknown property; a comment is a string or { text, attachments }" : undefined) },
);

/** A string, or `{ text, attachments }`; problems are reported for the form the entry has. */
export const CommentSchema = z.unknown().transform((v, ctx): z.output<typeof CommentText> | z.output<typeof CommentObject> => {
  const schema = typeof v === "string" ? CommentText : v && typeof v === "object" && !Array.isArray(v) ? CommentObject : undefined;
  if (!schema) {
    ctx.addIssue({ code: "custom", message: "a comment must be a string or { text, attachments }" });
    return z.NEVER;
  }
  const r = schema.safeParse(v);
  if (!r.success) {
    for (const i of r.error.issues) ctx.addIssue({ code: "custom", message: i.message, path: [...i.path] as (string | number)[] });
    return z.NEVER;
  }
  return r.data;
});
