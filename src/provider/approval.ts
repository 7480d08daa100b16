/**
 * Where a ticket stands against its gate, from one read: a pure function. Only Racker
 * comments after the last customer entry count (an approval of an earlier change does
 * not approve this one); the latest such reply that matches decides, and within one
 * reply a rejection wins; Closed ends the wait unless it is one of the statuses waited for.
 */
import type { Ticket } from "../api/schemas";
import { isClosed } from "./status";
import type { Gate } from "./wait-for";

/** What the outputs record of the gate (`approval`). */
export interface ApprovalOutput {
  /** Whether the gate was met. */
  met: boolean;
  /** `status`, `comment`, `rejected`, `closed` or `timeout`. */
  how: "status" | "comment" | "rejected" | "closed" | "timeout";
  /** When it was met or ended (the Racker comment's time, or when the status was read). */
  at: string;
  /** Who met or ended it: the Racker's name (the ticket's `modifiedBy` for a status). */
  by: string;
  /** The id of the Racker comment that met or rejected it (empty for a status or a timeout). */
  commentId: string;
  /** The status when it was met or ended. */
  status: string;
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

/** Where `ticket` stands against `gate`; `now` stamps a status that was met. */
export function standing(ticket: Ticket, gate: Gate, now: Date = new Date()): Standing {
  const status = ticket.status ?? "";
  const comments = ticket.comments;
  let lastCustomer = -1;
  comments.forEach((c, i) => {
    if (!isRacker(c.author?.type)) lastCustomer = i;
  });
  for (let i = comments.length - 1; i > lastCustomer; i--) {
    const c = comments[i];
    const base = { at: c.created ?? now.toISOString(), by: c.author?.name ?? "", commentId: c.id ?? "", status };
    if (gate.rejection?.test(c.text)) return { kind: "rejected", output: { met: false, how: "rejected", ...base }, words: c.text };
    if (gate.approval?.test(c.text)) return { kind: "met", output: { met: true, how: "comment", ...base } };
  }
  const wanted = gate.statuses.map(normalStatus);
  if (wanted.includes(normalStatus(status))) {
    return { kind: "met", output: { met: true, how: "status", at: now.toISOString(), by: ticket.modifiedBy?.name ?? "", commentId: "", status } };
  }
  if (isClosed(status)) return { kind: "closed", output: { met: false, how: "closed", at: now.toISOString(), by: ticket.modifiedBy?.name ?? "", commentId: "", status } };
  return { kind: "pending", status };
}
