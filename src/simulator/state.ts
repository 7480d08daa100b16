/**
 * Ticket store with optional JSON persistence.
 *
 * The file holds only tickets and the id counter (never tokens or the request log). Every
 * change is saved with an atomic write: a temp file in the same directory, fsync, rename.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { PersistedState } from "./schemas";
import type { Ticket } from "./types";

export class TicketStore {
  private readonly byId = new Map<string, Ticket>();
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

  /** Removes every ticket (the id counter keeps counting so ids are never reused). */
  clear(): void {
    this.byId.clear();
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
  }

  private save(): void {
    if (!this.dataFile) return;
    const state: PersistedState = { version: 1, counter: this.counter, tickets: this.all() };
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
