/**
 * What this provider process learned in a deployment's diff and the create and delete
 * that follow it: "resource R replaces ticket X" (so the create never adopts X, by marker
 * or by adoptTicketId, and its description names X), "ticket X is Closed" (so the delete
 * of the replaced resource sends nothing to it) and "ticket X was replaced by Y" (so the
 * delete names Y on X before closing it). The engine runs a deployment's diff,
 * create and delete in one provider process, so memory is enough; without an entry
 * nothing changes.
 */
import type { ResourceRef } from "./marker";
import { processMap, processSet, refKey } from "./process-memory";

export interface PendingReplacement {
  /** The ticket being replaced. */
  ticketId: string;
  /** Why: Rackspace closed it (or it is gone), or a field that cannot change on a ticket changed. */
  reason: "closed" | "fields";
}

const registry = () => processMap<string, PendingReplacement>("replacements.v1");
const closedSet = () => processSet<string>("closed-tickets.v1");
const successors = () => processMap<string, string>("successors.v1");

/** Records that the resource `ref` is about to replace `pending.ticketId`. */
export function noteReplacement(ref: ResourceRef, pending: PendingReplacement): void {
  registry().set(refKey(ref), pending);
}

/** Forgets a replacement the diff no longer plans. */
export function forgetReplacement(ref: ResourceRef): void {
  registry().delete(refKey(ref));
}

/** The replacement the resource `ref` is being created for, if any. */
export function pendingReplacement(ref: ResourceRef): PendingReplacement | undefined {
  return registry().get(refKey(ref));
}

/** Records that this process read ticket `id` as Closed (the delete of its replaced resource then sends nothing). */
export function noteClosed(id: string): void {
  closedSet().add(id);
}

/** Whether this process read ticket `id` as Closed. */
export function seenClosed(id: string): boolean {
  return closedSet().has(id);
}

/** Records that the ticket `pending` names was replaced by `newTicketId` (its delete then says so on it). */
export function noteReplacedBy(pending: PendingReplacement | undefined, newTicketId: string): void {
  if (pending && pending.ticketId !== newTicketId) successors().set(pending.ticketId, newTicketId);
}

/** The ticket that replaced ticket `id` in this deployment, if any. */
export function replacedBy(id: string): string | undefined {
  return successors().get(id);
}
