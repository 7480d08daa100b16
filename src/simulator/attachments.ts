/**
 * Accepts an upload only on its slot's signed, unexpired temp URL, and ties each file to the one comment that names it (docs §4.7, §8.22).
 *
 * POST /attachment hands out an upload slot — a uuid and an object-storage style temp URL (Swift
 * TempURL: `temp_url_sig` + `temp_url_expires`) — the file is PUT to that URL without any token,
 * and the uuid (with the same file name) is then named in a new ticket (§4.3) or comment (§4.5),
 * whose response shows the file's `url`. File names are checked in attachment-names.ts.
 *
 * Assumptions, where the docs are silent:
 * - Only one file per slot (`max_file_count` 1); `max_file_size` 25 MiB by default (413 beyond).
 * - The upload URL answers like Swift: 401 "Temp URL invalid" for an unknown slot, a wrong
 *   signature or expiry, or an expired slot; 201 with an Etag (MD5) on success. It may be PUT
 *   again (overwrite) until a ticket or comment names the uuid; then 409.
 * - Uploaded bytes are served at `{sim}/_files/{uuid}` without a token (the ticket's `url`).
 * - `attachment_data.signature` is a Swift FormPost-style HMAC over path, redirect, max size,
 *   max count and expiry; `redirect_url` is "". Both are informational: the simulator takes
 *   the upload by PUT only.
 * - An attachment given in a ticket or comment without a uuid (§4.7's second path) gets a new
 *   slot already tied to that comment: the response shows `{filename, uuid, upload_url}`, and
 *   after the upload the stored ticket shows `{filename, uuid, url}`.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { filenameProblem } from "./attachment-names";
import { ApiFault } from "./errors";
import type { AttachmentRecord, TicketStore } from "./state";
import type { Attachment, SimAttachmentInfo, Ticket } from "./types/entities";

/** A ticket or comment attachment as sent: `{filename, uuid?}`. */
export interface AttachmentRefInput {
  filename: string;
  uuid?: string;
}

/** Attachments of a request, checked and ready to commit once the comment exists. */
export interface PreparedAttachments {
  user: string;
  refs: AttachmentRefInput[];
}

/** The answer of the object-storage routes (plain text, like Swift). */
export interface StorageReply {
  status: number;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

export interface AttachmentSettings {
  ttlMs: number;
  maxBytes: number;
}

const SWEEP_AFTER_MS = 24 * 3_600_000;
const TEMP_URL_INVALID = "Temp URL invalid";

export class AttachmentService {
  /** Signing key of this process; the signatures themselves are stored with each slot. */
  private readonly key = randomBytes(32);

  constructor(
    private readonly store: TicketStore,
    private readonly settings: AttachmentSettings,
    /** The simulator's base URL (known once it listens). */
    private readonly baseUrl: () => string,
    private readonly now: () => number = Date.now,
  ) {}

  // ------------------------------------------------------------ POST /attachment

  /** Creates a slot for `filename` (already checked) and returns the 201 body. */
  createSlot(user: string, filename: string): Record<string, unknown> {
    const rec = this.newRecord(user, filename);
    this.store.touched();
    return this.slotBody(rec);
  }

  slotBody(rec: AttachmentRecord): Record<string, unknown> {
    return {
      attachment_data: {
        expires: expiresSeconds(rec),
        max_file_count: 1,
        max_file_size: rec.maxBytes,
        signature: rec.formSig,
        redirect_url: "",
      },
      uuid: rec.uuid,
      upload_url: this.uploadUrl(rec),
    };
  }

  // ------------------------------------------------------------ tickets and comments

  /**
   * Checks a request's attachments without changing anything (400 on the first problem), so a
   * ticket or comment is either applied whole or not at all.
   */
  prepare(user: string, refs: readonly AttachmentRefInput[]): PreparedAttachments {
    const seen = new Set<string>();
    for (const ref of refs) {
      const problem = filenameProblem(ref.filename);
      if (problem) throw new ApiFault(400, problem, "badRequest");
      if (ref.uuid === undefined) continue;
      const uuid = ref.uuid;
      if (seen.has(uuid)) throw new ApiFault(400, `Attachment ${uuid} is listed more than once`, "badRequest");
      seen.add(uuid);
      const rec = this.store.attachments.get(uuid);
      if (!rec || rec.user !== user) throw new ApiFault(400, `Attachment ${uuid} not found`, "badRequest");
      if (rec.content === undefined) throw new ApiFault(400, `Attachment ${uuid} has not been uploaded`, "badRequest");
      if (rec.filename !== ref.filename) {
        throw new ApiFault(400, `Attachment ${uuid} was created for the file name ${JSON.stringify(rec.filename)}, not ${JSON.stringify(ref.filename)}`, "badRequest");
      }
      if (rec.referencedBy) throw new ApiFault(400, `Attachment ${uuid} is already attached to ticket ${rec.referencedBy.ticketId}`, "badRequest");
    }
    return { user, refs: refs.map((r) => ({ ...r })) };
  }

  /** Ties prepared attachments to the new comment; returns the comment's `attachments`. Does not save. */
  commit(prepared: PreparedAttachments, where: { ticketId: string; commentId: string }): Attachment[] {
    return prepared.refs.map((ref) => {
      if (ref.uuid !== undefined) {
        const rec = this.store.attachments.get(ref.uuid) as AttachmentRecord;
        rec.referencedBy = { ...where };
        return { filename: rec.filename, uuid: rec.uuid, url: this.fileUrl(rec.uuid) };
      }
      const rec = this.newRecord(prepared.user, ref.filename);
      rec.referencedBy = { ...where };
      return { filename: rec.filename, uuid: rec.uuid, upload_url: this.uploadUrl(rec) };
    });
  }

  /** After a restart on another port: points stored tickets' file and upload URLs at this simulator. */
  rebase(tickets: Ticket[]): void {
    for (const t of tickets) {
      for (const c of t.comments) {
        for (const a of c.attachments) {
          const rec = a.uuid === undefined ? undefined : this.store.attachments.get(a.uuid);
          if (rec) Object.assign(a, this.renderFor(rec));
        }
      }
    }
  }

  // ------------------------------------------------------------ object storage

  /** Record a PUT to /_uploads/{uuid} is aimed at, for its size cap; undefined if unknown. */
  find(uuid: string): AttachmentRecord | undefined {
    return this.store.attachments.get(uuid);
  }

  /**
   * PUT {upload_url}: checks the temp URL as of `at` (arrival), then stores the bytes.
   * `tooLarge` when the body exceeded the slot's max_file_size (the bytes were not kept).
   */
  upload(uuid: string, query: URLSearchParams, at: number, body: { bytes: Buffer; tooLarge: boolean }, contentType: string | undefined, sentToken: boolean): StorageReply {
    const rec = this.store.attachments.get(uuid);
    const sig = query.get("temp_url_sig") ?? "";
    const expires = query.get("temp_url_expires") ?? "";
    if (!rec || !hexEqual(sig, rec.uploadSig) || expires !== String(expiresSeconds(rec)) || at >= rec.expiresAt) {
      return text(401, TEMP_URL_INVALID);
    }
    if (rec.referencedBy && rec.content !== undefined) {
      return text(409, `Attachment ${rec.uuid} is attached to ticket ${rec.referencedBy.ticketId} and can no longer be replaced`);
    }
    if (body.tooLarge) return text(413, `Upload larger than max_file_size (${rec.maxBytes} bytes)`);
    rec.content = Buffer.from(body.bytes);
    rec.uploadedAt = this.now();
    rec.uploadSentToken = sentToken;
    if (contentType) rec.contentType = contentType;
    else delete rec.contentType;
    // An attachment given without uuid (§4.7 second path): its comment now shows the file's url.
    if (rec.referencedBy) this.showUploaded(rec);
    this.store.touched();
    return { status: 201, headers: { Etag: md5(rec.content) } };
  }

  /** GET/HEAD {sim}/_files/{uuid}. */
  download(uuid: string): StorageReply {
    const rec = this.store.attachments.get(uuid);
    if (!rec || rec.content === undefined) return text(404, "Not Found");
    return {
      status: 200,
      body: rec.content,
      headers: {
        "Content-Type": rec.contentType ?? "application/octet-stream",
        "Content-Disposition": contentDisposition(rec.filename),
        Etag: md5(rec.content),
      },
    };
  }

  // ------------------------------------------------------------ listing

  list(): SimAttachmentInfo[] {
    return [...this.store.attachments.values()].map((r) => {
      const info: SimAttachmentInfo = {
        uuid: r.uuid,
        filename: r.filename,
        user: r.user,
        created: new Date(r.created).toISOString(),
        expires: new Date(r.expiresAt).toISOString(),
        maxFileSize: r.maxBytes,
        uploaded: r.content !== undefined,
        size: r.content?.length ?? 0,
        uploadSentToken: r.uploadSentToken === true,
      };
      if (r.contentType !== undefined) info.contentType = r.contentType;
      if (r.uploadedAt !== undefined) info.uploadedAt = new Date(r.uploadedAt).toISOString();
      if (r.referencedBy) info.referencedBy = { ...r.referencedBy };
      return info;
    });
  }

  content(uuid: string): Buffer | undefined {
    const c = this.store.attachments.get(uuid)?.content;
    return c ? Buffer.from(c) : undefined;
  }

  fileUrl(uuid: string): string {
    return `${this.baseUrl()}/_files/${encodeURIComponent(uuid)}`;
  }

  // ------------------------------------------------------------ internals

  private newRecord(user: string, filename: string): AttachmentRecord {
    this.sweep();
    const now = this.now();
    const uuid = `${randomUUID()}-${filename}`;
    const expiresAt = now + this.settings.ttlMs;
    const rec: AttachmentRecord = { uuid, filename, user, created: now, expiresAt, maxBytes: this.settings.maxBytes, uploadSig: "", formSig: "" };
    const path = uploadPath(uuid);
    const exp = expiresSeconds(rec);
    rec.uploadSig = this.hmac(`PUT\n${exp}\n${path}`);
    rec.formSig = this.hmac(`${path}\n\n${rec.maxBytes}\n1\n${exp}`);
    this.store.attachments.set(uuid, rec);
    return rec;
  }

  private uploadUrl(rec: AttachmentRecord): string {
    return `${this.baseUrl()}${uploadPath(rec.uuid)}?temp_url_sig=${rec.uploadSig}&temp_url_expires=${expiresSeconds(rec)}`;
  }

  /** `url` once uploaded, `upload_url` before. */
  private renderFor(rec: AttachmentRecord): Attachment {
    return rec.content !== undefined
      ? { filename: rec.filename, uuid: rec.uuid, url: this.fileUrl(rec.uuid) }
      : { filename: rec.filename, uuid: rec.uuid, upload_url: this.uploadUrl(rec) };
  }

  private showUploaded(rec: AttachmentRecord): void {
    const where = rec.referencedBy as { ticketId: string; commentId: string };
    const comment = this.store.get(where.ticketId)?.comments.find((c) => c.id === where.commentId);
    const i = comment?.attachments.findIndex((a) => a.uuid === rec.uuid) ?? -1;
    if (comment && i >= 0) comment.attachments[i] = this.renderFor(rec);
  }

  private hmac(message: string): string {
    return createHmac("sha256", this.key).update(message).digest("hex");
  }

  /** Forgets slots that were never uploaded nor attached and expired more than a day ago. */
  private sweep(): void {
    const cutoff = this.now() - SWEEP_AFTER_MS;
    for (const [uuid, r] of this.store.attachments) {
      if (r.content === undefined && !r.referencedBy && r.expiresAt < cutoff) this.store.attachments.delete(uuid);
    }
  }
}

/** `temp_url_expires` / `attachment_data.expires`: epoch seconds, rounded down (never later than the real expiry). */
function expiresSeconds(rec: AttachmentRecord): number {
  return Math.floor(rec.expiresAt / 1000);
}

export function uploadPath(uuid: string): string {
  return `/_uploads/${encodeURIComponent(uuid)}`;
}

function text(status: number, body: string): StorageReply {
  return { status, body, headers: { "Content-Type": "text/plain; charset=utf-8" } };
}

function md5(b: Buffer): string {
  return createHash("md5").update(b).digest("hex");
}

function hexEqual(a: string, b: string): boolean {
  if (!/^[0-9a-f]+$/i.test(a) || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a.toLowerCase()), Buffer.from(b.toLowerCase()));
}

function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
