/**
 * The approval gate: reads the ticket every `pollInterval` (each read paced from the read
 * budget, fleet-wide when Redis pacing is on) until it is met, rejected or closed, or the
 * timeout passes; prints a progress line when it starts and at most once a minute after.
 * Only what happens after the wait's baseline counts (./approval); a wait that ends unmet
 * records its baseline, so the next `up` resumes from it. Deadlines run on a monotonic clock.
 */
import { isRackspaceApiError } from "../../api/errors";
import type { Ticket } from "../../api/schemas";
import { advanced, ApprovalOutput, GateBaseline, OwnEntries, standing } from "./approval";
import type { OperationContext } from "../context";
import { TicketOperationError } from "../errors";
import { cut, describe, label } from "../messages";
import { isTicketGone } from "../status";
import type { Gate } from "./wait-for";

/** Progress lines while waiting: at most one a minute per resource. */
export const GATE_PROGRESS_MS = 60_000;
/** How much of a Racker's reply a message quotes. */
const QUOTED = 300;

export interface GateJob {
  name: string | undefined;
  ticketId: string;
  accountId: string;
  gate: Gate;
  /** Where the wait begins (see ./approval). */
  baseline: GateBaseline;
  /** The stack's own entries on the ticket (a later customer entry that is not one of them moves the start of what counts). */
  own: OwnEntries;
}

/** How the wait ended: met (or timed out with onTimeout `continue`), with the last ticket read. */
export interface GateResult {
  output: ApprovalOutput;
  ticket?: Ticket;
}

/** The wait ended without the gate met (rejected, closed, or timed out with `fail`). */
export class GateFailure extends Error {
  constructor(
    message: string,
    readonly output: ApprovalOutput,
    readonly ticket: Ticket | undefined,
  ) {
    super(message);
    this.name = "GateFailure";
  }
}


function minutes(ms: number): string {
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))}s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)}m`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.round((ms % 3_600_000) / 60_000);
  return m ? `${h}h${m}m` : `${h}h`;
}

/** What the gate waits for, in words. */
export function gateWords(gate: Gate): string {
  const parts: string[] = [];
  if (gate.approval) parts.push(`a Racker reply saying ${gate.approval.description}`);
  if (gate.statuses.length) parts.push(`status ${gate.statuses.map((s) => JSON.stringify(s)).join(" or ")}`);
  return parts.join(" or ");
}

/** A clock that does not jump (NTP, a resumed VM): deadlines and progress lines only. */
const monotonic = (): number => performance.now();

/** Waits until the ticket meets the gate; throws GateFailure when it cannot any more. */
export async function awaitGate(op: OperationContext, job: GateJob, now: () => number = monotonic): Promise<GateResult> {
  const { name, ticketId: id, gate } = job;
  const who = label(name, id);
  const started = now();
  const deadline = started + gate.timeoutMs;
  const ctx = op.call(name, id, job.accountId);
  let lastLine = -Infinity;
  let last: Ticket | undefined;
  let status = "";
  let baseline = job.baseline;
  const unmet = (o: ApprovalOutput): ApprovalOutput => ({ ...o, baseline });
  for (;;) {
    try {
      last = await op.api().getTicket(id, ctx);
      status = last.status ?? "";
      const s = standing(last, gate, baseline, job.own);
      baseline = advanced(baseline, last);
      if (s.kind === "met") {
        op.log(`${who}: approval gate met (${s.output.how === "comment" ? `reply by ${s.output.by || "a Racker"}` : `status "${s.output.status}"`}) after ${minutes(now() - started)}`);
        return { output: s.output, ticket: last };
      }
      if (s.kind === "rejected") {
        throw new GateFailure(
          `${who}: Rackspace rejected the change: "${cut(s.words, QUOTED)}" (${s.output.by || "a Racker"}, ${s.output.at}). ` +
            "The ticket stays open and in the stack, and the resources that depend on it were not deployed. " +
            "Answer the Racker on the ticket (a comment there, or a new `note`), then run `pulumi up` again: it waits for a reply after your answer.",
          unmet(s.output),
          last,
        );
      }
      if (s.kind === "closed") {
        throw new GateFailure(
          `${who}: Rackspace closed the ticket while the deployment waited for ${gateWords(gate)}. ` +
            "The resources that depend on it were not deployed; the stack records the ticket as Closed, and the next `pulumi up` opens a new ticket that names it.",
          unmet(s.output),
          last,
        );
      }
    } catch (e) {
      if (e instanceof GateFailure) throw e;
      if (isTicketGone(e)) {
        throw new TicketOperationError(`${who}: the ticket is gone (ticketNotFound) while waiting for ${gateWords(gate)}: ${describe(e)}`, isRackspaceApiError(e) ? e : undefined);
      }
      if (now() - lastLine >= GATE_PROGRESS_MS) {
        op.log(`${who}: reading the ticket failed while waiting for approval (${describe(e)}); still waiting`);
        lastLine = now();
      }
    }
    const t = now();
    if (t >= deadline) return timedOut(op, job, last, status, baseline);
    if (t - lastLine >= GATE_PROGRESS_MS) {
      op.log(
        lastLine === -Infinity
          ? `${who}: waiting for ${gateWords(gate)} (status "${status}"); up to ${minutes(gate.timeoutMs)}, reading the ticket every ${minutes(gate.pollMs)}`
          : `${who}: still waiting for ${gateWords(gate)}: status "${status}", ${minutes(deadline - t)} left`,
      );
      lastLine = t;
    }
    await op.sleep(Math.min(gate.pollMs, Math.max(0, deadline - t)));
    if (op.cancelled) {
      throw new GateFailure(
        `${who}: the deployment was cancelled while waiting for ${gateWords(gate)}. The ticket stays open and in the stack, and the resources that depend on it were not deployed; the next \`pulumi up\` waits again.`,
        { met: false, how: "timeout", at: new Date().toISOString(), by: "", commentId: "", status, baseline },
        last,
      );
    }
  }
}

function timedOut(op: OperationContext, job: GateJob, last: Ticket | undefined, status: string, baseline: GateBaseline): GateResult {
  const who = label(job.name, job.ticketId);
  const output: ApprovalOutput = { met: false, how: "timeout", at: new Date().toISOString(), by: "", commentId: "", status, baseline };
  const what = `nothing met it within ${minutes(job.gate.timeoutMs)} (waiting for ${gateWords(job.gate)}; status "${status}")`;
  if (job.gate.onTimeout === "continue") {
    op.log(`${who}: warning: approval gate timed out: ${what}. Going on as \`onTimeout: "continue"\` asks; the next \`pulumi up\` waits again.`);
    return { output, ticket: last };
  }
  throw new GateFailure(
    `${who}: approval gate timed out: ${what}. The ticket stays open and in the stack, and the resources that depend on it were not deployed. ` +
      "Run `pulumi up` again to wait again, or raise `waitFor.timeout`.",
    output,
    last,
  );
}
