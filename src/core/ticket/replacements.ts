/**
 * What this provider process learned in a deployment, for the operations that follow:
 * "resource R replaces ticket X" (so the create never adopts X, by marker or by adoptTicketId,
 * and its description names X), "ticket X is Closed" (so the delete of the replaced resource
 * sends nothing to it), "ticket X was replaced by Y" (so the delete names Y on X before
 * closing it) and "ticket X is held by resource R" (so the delete of an unconfirmed create's
 * record never closes the ticket a resource took: its replacement, in this deployment, or the
 * diff of the resource that keeps it, in a later one).
 *
 * The engine runs a deployment's diffs, creates and deletes in one provider process, and every
 * diff and create runs before the deletes of the deployment (pending deletes included), so
 * memory is enough within a deployment; what a later deployment needs (the tickets a ticket
 * replaced, whose close may still be pending) is recorded in the outputs (`replaces`).
 * Tickets are keyed by endpoint, account and id: two providers in one process (two accounts,
 * staging and production) never mix their tickets up.
 */
import type { ResourceRef } from "./marker";
import { processMap, refKey, TicketKey } from "../process-memory";

export type { TicketKey } from "../process-memory";

export interface PendingReplacement {
  /** The ticket being replaced (for an unconfirmed create, the record's id). */
  ticketId: string;
  /**
   * Why: Rackspace closed it (or it is gone), a field that cannot change on a ticket changed,
   * or the record is a create whose answer was lost and which the replacement must resolve.
   */
  reason: "closed" | "fields" | "unconfirmed";
  /** The tickets the replaced one had replaced itself, whose close may still be pending. */
  chain?: string[];
  /** For an unconfirmed create: the marker its ticket carries. */
  marker?: string;
}

const keyOf = (t: TicketKey) => JSON.stringify([t.endpoint, t.accountId ?? "", t.id]);
const registry = () => processMap<string, PendingReplacement>("replacements.v2");
const closedMap = () => processMap<string, true>("closed-tickets.v2");
const successors = () => processMap<string, string>("successors.v2");
const holders = () => processMap<string, string>("held-tickets.v1");
const keptByDiff = () => processMap<string, PendingReplacement>("kept-by-diff.v1");
const taken = () => processMap<string, true>("taken-tickets.v1");

/** Records that the resource `ref` is about to replace `pending.ticketId`. */
export function noteReplacement(ref: ResourceRef, pending: PendingReplacement): void {
  keptByDiff().delete(refKey(ref));
  registry().set(refKey(ref), pending);
}

/** Forgets a replacement the diff no longer plans (and what the diff kept: a create has run). */
export function forgetReplacement(ref: ResourceRef): void {
  registry().delete(refKey(ref));
  keptByDiff().delete(refKey(ref));
}

/**
 * Records that the diff of `ref` planned no replacement: the resource keeps `kept.ticketId`. A
 * create of `ref` that follows in this deployment is then a replacement the engine forced
 * (`replaceOnChanges`, which the engine applies itself for a plugin). `pulumi up --replace`
 * asks no diff (nor a check with the old inputs): its create cannot know, and a delete never
 * closes a ticket a create of the deployment took (`wasTaken`).
 */
export function noteKeptByDiff(ref: ResourceRef, kept: PendingReplacement): void {
  registry().delete(refKey(ref));
  keptByDiff().set(refKey(ref), kept);
}

/**
 * The replacement the engine forced on `ref` although its diff planned none: the ticket its diff
 * said it keeps (never set beside a planned replacement: the two notes replace each other). The
 * create must not take that ticket back by its marker, since the delete of the replaced resource
 * closes it.
 */
export function forcedReplacement(ref: ResourceRef): PendingReplacement | undefined {
  const kept = keptByDiff().get(refKey(ref));
  if (kept) forgetHeld(ref);
  return kept;
}

/** The replacement the resource `ref` is being created for, if any. */
export function pendingReplacement(ref: ResourceRef): PendingReplacement | undefined {
  return registry().get(refKey(ref));
}

/** Records that this process read the ticket as Closed (the delete of its replaced resource then sends nothing). */
export function noteClosed(t: TicketKey): void {
  closedMap().set(keyOf(t), true);
}

/** Whether this process read the ticket as Closed. */
export function seenClosed(t: TicketKey): boolean {
  return closedMap().has(keyOf(t));
}

/** Records that the ticket was replaced by `newTicketId` (its delete then says so on it). */
export function noteReplacedBy(t: TicketKey, newTicketId: string): void {
  if (t.id !== newTicketId) successors().set(keyOf(t), newTicketId);
}

/** The ticket that replaced this one, if any. */
export function replacedBy(t: TicketKey): string | undefined {
  return successors().get(keyOf(t));
}

/**
 * Records that the resource `ref` keeps the ticket after this deployment (a diff that plans no
 * replacement, a create that opened or adopted it); a resource holds one ticket at a time.
 */
export function noteHeld(t: TicketKey, ref: ResourceRef): void {
  const who = refKey(ref);
  for (const [k, v] of holders()) if (v === who) holders().delete(k);
  holders().set(keyOf(t), who);
}

/** Records that the resource `ref` no longer keeps a ticket (its diff plans a replacement). */
export function forgetHeld(ref: ResourceRef): void {
  const who = refKey(ref);
  for (const [k, v] of holders()) if (v === who) holders().delete(k);
}

/** Whether a resource of this deployment keeps the ticket (an unconfirmed record's delete must then not close it). */
export function isHeld(t: TicketKey): boolean {
  return holders().has(keyOf(t));
}

/** Records that a create of this deployment took the ticket (adopted it, or found it by its marker). */
export function noteTaken(t: TicketKey): void {
  taken().set(keyOf(t), true);
}

/** Whether a create of this deployment took the ticket: the delete of a record naming it must not close it. */
export function wasTaken(t: TicketKey): boolean {
  return taken().has(keyOf(t));
}
