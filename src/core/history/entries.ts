/**
 * Entries of the ticket's history as declared: the description and each comment, each
 * with optional attachments (`{ filename, path }` or `{ filename, content }`).
 *
 * An attachment is identified by its file name and the SHA-256 of its bytes: `check`
 * reads each `path` and records the digest next to it, so a file whose content changed
 * shows up in the diff (and is refused, like an edited comment, once posted), and a file
 * that merely moved does not. Bytes are read again at apply time and must still match.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { z } from "zod";
import type { AttachmentSchema, CommentSchema } from "./entry-schema";
import { UNKNOWN } from "../keys";
import type { AttachmentInput, CommentInput } from "../public-types";
import type { Same } from "../same-shape";

// A file to attach, validated (from disk: `path`, read at apply time; or inline: `content`), and a
// comment, validated (its text, or its text with attachments): the public shapes, which the
// schemas' outputs must be.
export type { AttachmentInput, CommentInput } from "../public-types";
const _schemasMatchPublicTypes: [Same<z.output<typeof AttachmentSchema>, AttachmentInput>, Same<z.output<typeof CommentSchema>, CommentInput>] = [true, true];
void _schemasMatchPublicTypes;

const isUnknown = (v: unknown) => v === UNKNOWN;

export function entryText(e: CommentInput): string {
  return typeof e === "string" ? e : e.text;
}

export function entryAttachments(e: CommentInput): AttachmentInput[] {
  return typeof e === "string" ? [] : (e.attachments ?? []);
}

/** The bytes of inline content. */
export function contentBytes(a: AttachmentInput): Buffer {
  return Buffer.from(a.content ?? "", a.encoding === "base64" ? "base64" : "utf8");
}

export function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The digest identifying the attachment's bytes (undefined while a path's digest is unknown). */
export function digestOf(a: AttachmentInput): string | undefined {
  if (a.content !== undefined) return isUnknown(a.content) ? undefined : sha256(contentBytes(a));
  return a.sha256;
}

/** Identity of one attachment: name and content, not where the file lives. */
export function attachmentKey(a: AttachmentInput): string {
  return `${a.filename}\u0000${digestOf(a) ?? `path:${a.path ?? ""}`}`;
}

export function sameAttachments(a: readonly AttachmentInput[] | undefined, b: readonly AttachmentInput[] | undefined): boolean {
  const x = (a ?? []).map(attachmentKey);
  const y = (b ?? []).map(attachmentKey);
  return x.length === y.length && x.every((k, i) => k === y[i]);
}

/** Whether two entries are the same posted entry (same text, same attachments). */
export function sameEntry(a: CommentInput, b: CommentInput): boolean {
  return entryText(a) === entryText(b) && sameAttachments(entryAttachments(a), entryAttachments(b));
}

/** Resolves a declared path against the program's directory (the provider's working directory). */
export function resolvePath(p: string, cwd: string = process.cwd()): string {
  return path.resolve(cwd, p);
}

export interface DigestProblem {
  property: string;
  reason: string;
}

/**
 * Adds `sha256` to every path attachment whose path is known, reading the file. Returns
 * the new value and the problems (missing or unreadable files). Values that are not
 * well-formed are left as they are: the schema reports them.
 */
export function withDigests(value: unknown, property: string, cwd: string = process.cwd(), previous?: unknown): { value: unknown; problems: DigestProblem[] } {
  const problems: DigestProblem[] = [];
  if (!Array.isArray(value)) return { value, problems };
  const out = value.map((a, i) => {
    if (!a || typeof a !== "object" || Array.isArray(a)) return a;
    const att = a as Record<string, unknown>;
    if (typeof att.path !== "string" || isUnknown(att.path) || att.content !== undefined) return a;
    const full = resolvePath(att.path, cwd);
    try {
      const stat = fs.statSync(full);
      if (!stat.isFile()) throw Object.assign(new Error("not a regular file"), { code: "ENOTFILE" });
      return { ...att, sha256: sha256(fs.readFileSync(full)) };
    } catch (e) {
      const code = (e as { code?: string }).code;
      // A file attached earlier may be gone from this machine (another CI runner): its
      // recorded digest stands for it, since it is never uploaded again.
      const before = Array.isArray(previous) ? (previous[i] as Record<string, unknown> | undefined) : undefined;
      if (code === "ENOENT" && before && before.filename === att.filename && before.path === att.path && typeof before.sha256 === "string") {
        return { ...att, sha256: before.sha256 };
      }
      problems.push({
        property: `${property}[${i}].path`,
        reason:
          code === "ENOENT"
            ? `no file at ${JSON.stringify(att.path)} (resolved from the program's directory ${cwd}); fix the path or create the file before deploying`
            : `cannot read ${JSON.stringify(att.path)}: ${code ?? (e as Error).message}`,
      });
      return a;
    }
  });
  return { value: out, problems };
}

/**
 * Adds digests to the description's attachments and every comment's. `olds` (the inputs
 * recorded in the state) lend their digest to a file that is no longer on disk.
 */
export function digestInputs(
  inputs: Record<string, unknown>,
  olds?: Record<string, unknown>,
  cwd: string = process.cwd(),
): { inputs: Record<string, unknown>; problems: DigestProblem[] } {
  const out = { ...inputs };
  const problems: DigestProblem[] = [];
  const oldComments = Array.isArray(olds?.comments) ? (olds.comments as unknown[]) : [];
  if (inputs.attachments !== undefined) {
    const r = withDigests(inputs.attachments, "attachments", cwd, olds?.attachments);
    out.attachments = r.value;
    problems.push(...r.problems);
  }
  if (Array.isArray(inputs.comments)) {
    out.comments = inputs.comments.map((c, i) => {
      if (!c || typeof c !== "object" || Array.isArray(c)) return c;
      const entry = c as Record<string, unknown>;
      if (entry.attachments === undefined) return c;
      const prev = oldComments[i];
      const prevFiles = prev && typeof prev === "object" ? (prev as Record<string, unknown>).attachments : undefined;
      const r = withDigests(entry.attachments, `comments[${i}].attachments`, cwd, prevFiles);
      problems.push(...r.problems);
      return { ...entry, attachments: r.value };
    });
  }
  const note = inputs.note;
  if (note && typeof note === "object" && !Array.isArray(note) && (note as Record<string, unknown>).attachments !== undefined) {
    const entry = note as Record<string, unknown>;
    const prev = olds?.note && typeof olds.note === "object" ? (olds.note as Record<string, unknown>).attachments : undefined;
    const r = withDigests(entry.attachments, "note.attachments", cwd, prev);
    problems.push(...r.problems);
    out.note = { ...entry, attachments: r.value };
  }
  return { inputs: out, problems };
}

/**
 * The bytes to upload, read now. A path's content must still be what `check` saw: a file
 * rewritten between preview and apply would otherwise upload something nobody reviewed.
 */
export function loadAttachment(a: AttachmentInput, where: string, cwd: string = process.cwd()): Buffer {
  if (a.content !== undefined) return contentBytes(a);
  if (a.path === undefined) throw new Error(`${where}: an attachment needs \`path\` or \`content\``);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(resolvePath(a.path, cwd));
  } catch (e) {
    throw new Error(`${where}: cannot read ${JSON.stringify(a.path)}: ${(e as { code?: string }).code ?? (e as Error).message}`);
  }
  if (a.sha256 !== undefined && sha256(bytes) !== a.sha256) {
    throw new Error(`${where}: ${JSON.stringify(a.path)} changed after the preview checked it; run the deployment again to review the new content`);
  }
  return bytes;
}
