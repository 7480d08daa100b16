/**
 * Where a ticket stands against its gate, from one read: a pure function. A wait has a
 * baseline (where the operation that waits first wrote): only Racker replies after it, and
 * after the last customer entry the stack did not post itself (a person answering by hand),
 * count; a status counts only once reached after the baseline. The latest matching reply
 * decides, and within one reply a rejection wins; Closed ends the wait unless it is one of the
 * statuses waited for.
 */
import type { Ticket } from "../../api/schemas";
import { isCustomerEntry, textDigest } from "../history/posted";
import { isClosed } from "../status";
import type { Gate } from "./wait-for";
import type { ApprovalOutput, GateBaseline } from "../public-types";

export type { ApprovalOutput, GateBaseline } from "../public-types";

/** The stack's own entries on the ticket (description, comments, notes): their ids, and the text digests of those whose id is not known yet. */
export interface OwnEntries {
  ids: ReadonlySet<string>;
  digests: ReadonlySet<string>;
}

export type Standing =
  | { kind: "pending"; status: string }
  | { kind: "met"; output: ApprovalOutput }
  | { kind: "rejected"; output: ApprovalOutput; words: string }
  | { kind: "closed"; output: ApprovalOutput };

/** Statuses compared as Rackspace spells them: no case, single spaces, and the `In Progess` typo. */
export function normalStatus(s: string): string {
  const k = s.trim().toLowerCase().replace(/\s+/g, " ");
  return k === "in progess" ? "in progress" : k;
}

const isRacker = (type: string | null | undefined) => (type ?? "").toLowerCase() === "racker";

/** Whether `status` is one of the statuses `gate` waits for. */
export function wanted(gate: Gate, status: string): boolean {
  return gate.statuses.map(normalStatus).includes(normalStatus(status));
}

/** The baseline of a wait whose operation is about to write to `ticket` as it reads now (no ticket yet: a create). */
export function baselineOf(gate: Gate, ticket?: Ticket): GateBaseline {
  if (!ticket) return { entries: 0, status: "" };
  const status = ticket.status ?? "";
  return { entries: ticket.comments.length, status: wanted(gate, status) ? status : "" };
}

/** The baseline after one more read: a status seen that is not waited for lets any status waited for count from now on. */
export function advanced(baseline: GateBaseline, ticket: Ticket): GateBaseline {
  return baseline.status !== "" && normalStatus(ticket.status ?? "") !== normalStatus(baseline.status) ? { ...baseline, status: "" } : baseline;
}

/** The first thread index whose Racker replies count: after the baseline, and after the last customer entry the stack did not post. */
export function firstCounted(ticket: Ticket, baseline: GateBaseline, own: OwnEntries): number {
  let start = Math.max(0, baseline.entries);
  ticket.comments.forEach((c, i) => {
    if (i === 0 || !isCustomerEntry(c)) return;
    const mine = (c.id && own.ids.has(c.id)) || own.digests.has(textDigest(c.text));
    if (!mine) start = Math.max(start, i + 1);
  });
  return start;
}

/** Where `ticket` stands against `gate` for a wait from `baseline`; `now` stamps a status that was met. */
export function standing(ticket: Ticket, gate: Gate, baseline: GateBaseline, own: OwnEntries, now: Date = new Date()): Standing {
  const status = ticket.status ?? "";
  const comments = ticket.comments;
  const start = firstCounted(ticket, baseline, own);
  for (let i = comments.length - 1; i >= start; i--) {
    const c = comments[i];
    if (!isRacker(c.author?.type)) continue;
    const base = { at: c.created ?? now.toISOString(), by: c.author?.name ?? "", commentId: c.id ?? "", status };
    if (gate.rejection?.test(c.text)) return { kind: "rejected", output: { met: false, how: "rejected", ...base }, words: c.text };
    if (gate.approval?.test(c.text)) return { kind: "met", output: { met: true, how: "comment", ...base } };
  }
  const reached = baseline.status === "" || normalStatus(status) !== normalStatus(baseline.status);
  if (wanted(gate, status) && reached) {
    return { kind: "met", output: { met: true, how: "status", at: now.toISOString(), by: ticket.modifiedBy?.name ?? "", commentId: "", status } };
  }
  if (isClosed(status) && !wanted(gate, status)) return { kind: "closed", output: { met: false, how: "closed", at: now.toISOString(), by: ticket.modifiedBy?.name ?? "", commentId: "", status } };
  return { kind: "pending", status };
}

/**
 * The baseline a record of 0.5 or earlier implies for a gate not met (it recorded none): the
 * rule of those versions, replies after the last customer entry, any status.
 */
export function legacyBaseline(ticket: Ticket): GateBaseline {
  let last = -1;
  ticket.comments.forEach((c, i) => {
    if (isCustomerEntry(c)) last = i;
  });
  return { entries: last + 1, status: "" };
}
