/**
 * Ticket store: every change is saved atomically to the optional JSON data file, which never holds tokens or the request log.
 *
 * The file holds tickets, the id counter and attachment slots with their uploaded bytes
 * (base64) — never tokens or the request log. Every change is saved with an atomic write: a
 * temp file in the same directory, fsync, rename. Files written before attachments existed
 * (no `attachments` key) still load.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { PersistedState } from "./schemas";
import type { Ticket } from "./types/entities";

/** An upload slot from POST /attachment (or from a ticket/comment attachment given without uuid). */
export interface AttachmentRecord {
  uuid: string;
  filename: string;
  /** Username the slot belongs to. */
  user: string;
  /** Epoch ms. */
  created: number;
  /** Epoch ms after which the upload URL answers 401. */
  expiresAt: number;
  maxBytes: number;
  /** `temp_url_sig` of the upload URL (hex HMAC). */
  uploadSig: string;
  /** `attachment_data.signature` (hex HMAC, Swift FormPost style). */
  formSig: string;
  content?: Buffer;
  contentType?: string;
  /** Epoch ms of the last upload. */
  uploadedAt?: number;
  uploadSentToken?: boolean;
  referencedBy?: { ticketId: string; commentId: string };
}

export class TicketStore {
  private readonly byId = new Map<string, Ticket>();
  /** Attachment slots by uuid, in creation order. */
  readonly attachments = new Map<string, AttachmentRecord>();
  private counter = 0;

  constructor(private readonly dataFile?: string) {
    if (dataFile) this.load(dataFile);
  }

  /** Next ticket id, `YYMMDD-sim-NNNNNNN` (opaque to clients, like the real ones). */
  nextTicketId(now: Date): string {
    this.counter += 1;
    const yy = String(now.getUTCFullYear() % 100).padStart(2, "0");
    const mm = String(now.getUTCMonth() + 1).padStart(2, "0");
    const dd = String(now.getUTCDate()).padStart(2, "0");
    return `${yy}${mm}${dd}-sim-${String(this.counter).padStart(7, "0")}`;
  }

  get(id: string): Ticket | undefined {
    return this.byId.get(id);
  }

  /** Tickets in creation order. */
  all(): Ticket[] {
    return [...this.byId.values()];
  }

  /** Stores (or replaces) a ticket and persists. */
  put(ticket: Ticket): void {
    this.byId.set(ticket.ticketId, ticket);
    this.save();
  }

  /** Persists after an in-place change of a stored ticket. */
  touched(): void {
    this.save();
  }

  /** Removes every ticket and attachment (the id counter keeps counting so ids are never reused). */
  clear(): void {
    this.byId.clear();
    this.attachments.clear();
    this.save();
  }

  private load(file: string): void {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
      throw new Error(`simulator: cannot read data file ${file}: ${(e as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new Error(`simulator: data file ${file} is not valid JSON (${(e as Error).message}); fix or remove it`);
    }
    const parsed = PersistedState.safeParse(json);
    if (!parsed.success) {
      throw new Error(`simulator: data file ${file} does not look like simulator state (${parsed.error.issues[0]?.message}); fix or remove it`);
    }
    this.counter = parsed.data.counter;
    for (const t of parsed.data.tickets) this.byId.set(t.ticketId, t as Ticket);
    for (const a of parsed.data.attachments ?? []) {
      const { content, ...rest } = a;
      const rec: AttachmentRecord = { ...rest };
      if (content !== undefined) rec.content = Buffer.from(content, "base64");
      this.attachments.set(a.uuid, rec);
    }
  }

  private save(): void {
    if (!this.dataFile) return;
    const attachments = [...this.attachments.values()].map(({ content, ...rest }) => (content === undefined ? rest : { ...rest, content: content.toString("base64") }));
    const state: PersistedState = { version: 1, counter: this.counter, tickets: this.all(), attachments };
    const dir = path.dirname(path.resolve(this.dataFile));
    fs.mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `.${path.basename(this.dataFile)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    const fd = fs.openSync(tmp, "w", 0o600);
    try {
      fs.writeFileSync(fd, JSON.stringify(state, null, 2) + "\n");
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.renameSync(tmp, this.dataFile);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
  }
}
