/**
 * What the comment provider learned in a deployment's diff for the create that follows:
 * "comment resource R is being replaced and supersedes comment C on ticket T", so the new
 * comment says which one it supersedes, and its marker differs from any earlier comment of
 * the same text. The engine runs a deployment's diff and create in one provider process,
 * so memory is enough; without an entry the comment is posted without that line.
 */
import type { ResourceRef } from "./marker";

export interface SupersededComment {
  ticketId: string;
  /** The superseded comment's id (or its marker when the API gave no id). */
  commentId: string;
}

const REGISTRY_KEY = Symbol.for("pulumi-rackspace-ticketing.comment-replacements.v1");

function registry(): Map<string, SupersededComment> {
  const g = globalThis as unknown as Record<symbol, Map<string, SupersededComment> | undefined>;
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

export function noteSuperseded(ref: ResourceRef, old: SupersededComment): void {
  registry().set(keyOf(ref), old);
}

export function forgetSuperseded(ref: ResourceRef): void {
  registry().delete(keyOf(ref));
}

export function superseded(ref: ResourceRef): SupersededComment | undefined {
  return registry().get(keyOf(ref));
}
