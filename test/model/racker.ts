/**
 * Guarantee: the harness plays the Racker with replies whose meaning is known from the documented
 * rule (docs/approval-gate.md, for `approval: "approved"`, `rejection: "rejected"`): it answers a
 * gate wait once it sees the provider polling the ticket, or replies before a command begins, and
 * records every reply it posts with the harness clock, so the oracle can tell which ones count.
 */
import { nameOfSubject } from "./model";
import type { World } from "./world";

/** What a reply says to the model's gate: it approves, it says nothing the gate reads, or it rejects. */
export type Meaning = "approve" | "none" | "reject";

/** Adversarial Racker replies, each with its meaning by the documented rule. */
export const REPLIES: ReadonlyArray<{ text: string; meaning: Meaning }> = [
  { text: "Approved.", meaning: "approve" },
  { text: "Change approved.", meaning: "approve" },
  { text: "It has been approved by CAB.", meaning: "approve" },
  { text: "Not approved: please reschedule.", meaning: "none" },
  { text: "Disapproved.", meaning: "none" },
  { text: "We have not approved this yet.", meaning: "none" },
  { text: "Is it approved?", meaning: "none" },
  { text: 'You wrote "approved" in the plan.', meaning: "none" },
  { text: "This needs to be approved by CAB.", meaning: "none" },
  { text: "Once approved, we proceed.", meaning: "none" },
  { text: "Rejected: no rollback plan.", meaning: "reject" },
];

/** Indexes of REPLIES by meaning. */
export const APPROVING = REPLIES.flatMap((r, i) => (r.meaning === "approve" ? [i] : []));
export const NOT_APPROVING = REPLIES.flatMap((r, i) => (r.meaning !== "approve" ? [i] : []));
export const REJECTING = REPLIES.flatMap((r, i) => (r.meaning === "reject" ? [i] : []));

/** The Racker's name on every reply the harness posts. */
const RACKER = "Jane D.";

/** One Racker reply the harness posted. */
export interface ReplyRecord {
  ticketId: string;
  commentId: string;
  text: string;
  meaning: Meaning;
  /** The harness clock when it was posted (World.tick). */
  clock: number;
  /** When, in words (for violation messages). */
  when: string;
}

/** Posts a Racker reply (REPLIES[reply], or any text of no meaning to the gate) and records it. */
export function postReply(w: World, ticketId: string, reply: number | string, when: string): ReplyRecord {
  const { text, meaning } = typeof reply === "number" ? REPLIES[reply] : { text: reply, meaning: "none" as const };
  const t = w.sim.actAsRacker(ticketId, { comment: text, name: RACKER });
  const c = t.comments[t.comments.length - 1];
  const rec: ReplyRecord = { ticketId, commentId: c.id, text, meaning, clock: w.tick(), when };
  w.ledger.replies.push(rec);
  return rec;
}

/** What the Racker answers during one command: every wait on a ticket of these (gated) resources gets REPLIES[reply]. */
export interface RackerRun {
  names: readonly string[];
  reply: number;
}

/** How often the watcher looks, and how far apart two reads must be to be the gate's polls (pollInterval 1s). */
const LOOK_MS = 150;
const POLL_GAP_MS = 700;

/**
 * Whether the provider is waiting on the ticket's gate: two successful reads of it since the command began,
 * after the last write to it, at least a poll interval apart (the plan's and the update's reads
 * before a write come within milliseconds of each other).
 */
function waiting(w: World, ticketId: string, since: number): boolean {
  const entries = w.sim.requests({ ticketId, since });
  const lastWrite = entries.filter((e) => e.operation !== "getTicket").reduce((m, e) => Math.max(m, e.seq), since);
  const reads = entries.filter((e) => e.operation === "getTicket" && e.status === 200 && e.seq > lastWrite);
  return reads.length >= 2 && Date.parse(reads[reads.length - 1].at) - Date.parse(reads[0].at) >= POLL_GAP_MS;
}

/** Answers each gate wait it sees during a command, once per ticket. */
export class WaitWatcher {
  readonly answered = new Map<string, ReplyRecord>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly w: World,
    private readonly run: RackerRun,
    private readonly since: number,
    private readonly label: string,
  ) {}

  start(): void {
    if (this.run.names.length > 0) this.timer = setInterval(() => this.look(), LOOK_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private look(): void {
    for (const t of this.w.sim.tickets()) {
      if (t.status === "Closed" || this.answered.has(t.ticketId) || !this.run.names.includes(nameOfSubject(t.subject))) continue;
      if (!waiting(this.w, t.ticketId, this.since)) continue;
      try {
        this.answered.set(t.ticketId, postReply(this.w, t.ticketId, this.run.reply, `during \`pulumi ${this.label}\``));
      } catch {
        // closed or gone meanwhile: nothing to answer
      }
    }
  }
}
