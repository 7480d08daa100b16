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

export interface PendingReplacement {
  /** The ticket being replaced. */
  ticketId: string;
  /** Why: Rackspace closed it (or it is gone), or a field that cannot change on a ticket changed. */
  reason: "closed" | "fields";
}

const REGISTRY_KEY = Symbol.for("pulumi-rackspace-ticketing.replacements.v1");

function registry(): Map<string, PendingReplacement> {
  const g = globalThis as unknown as Record<symbol, Map<string, PendingReplacement> | undefined>;
  let r = g[REGISTRY_KEY];
  if (!r) {
    r = new Map();
    g[REGISTRY_KEY] = r;
  }
  return r;
}

function keyOf(ref: ResourceRef): string {
  return JSON.stringify([ref.organization ?? "", ref.project ?? "", ref.stack ?? "", ref.parent ?? "", ref.name ?? ""]);
}

/** Records that the resource `ref` is about to replace `pending.ticketId`. */
export function noteReplacement(ref: ResourceRef, pending: PendingReplacement): void {
  registry().set(keyOf(ref), pending);
}

/** Forgets a replacement the diff no longer plans. */
export function forgetReplacement(ref: ResourceRef): void {
  registry().delete(keyOf(ref));
}

/** The replacement the resource `ref` is being created for, if any. */
export function pendingReplacement(ref: ResourceRef): PendingReplacement | undefined {
  return registry().get(keyOf(ref));
}

const CLOSED_KEY = Symbol.for("pulumi-rackspace-ticketing.closed-tickets.v1");

function closedSet(): Set<string> {
  const g = globalThis as unknown as Record<symbol, Set<string> | undefined>;
  let s = g[CLOSED_KEY];
  if (!s) {
    s = new Set();
    g[CLOSED_KEY] = s;
  }
  return s;
}

/** Records that this process read ticket `id` as Closed (the delete of its replaced resource then sends nothing). */
export function noteClosed(id: string): void {
  closedSet().add(id);
}

/** Whether this process read ticket `id` as Closed. */
export function seenClosed(id: string): boolean {
  return closedSet().has(id);
}

const SUCCESSORS_KEY = Symbol.for("pulumi-rackspace-ticketing.successors.v1");

function successors(): Map<string, string> {
  const g = globalThis as unknown as Record<symbol, Map<string, string> | undefined>;
  let m = g[SUCCESSORS_KEY];
  if (!m) {
    m = new Map();
    g[SUCCESSORS_KEY] = m;
  }
  return m;
}

/** Records that the ticket `pending` names was replaced by `newTicketId` (its delete then says so on it). */
export function noteReplacedBy(pending: PendingReplacement | undefined, newTicketId: string): void {
  if (pending && pending.ticketId !== newTicketId) successors().set(pending.ticketId, newTicketId);
}

/** The ticket that replaced ticket `id` in this deployment, if any. */
export function replacedBy(id: string): string | undefined {
  return successors().get(id);
}
