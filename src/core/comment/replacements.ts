/**
 * What the comment provider learned in a deployment's diff for the create that follows:
 * "comment resource R is being replaced and supersedes comment C on ticket T", so the new
 * comment says which one it supersedes, and its marker differs from any earlier comment of
 * the same text. The engine runs a deployment's diff and create in one provider process,
 * so memory is enough; without an entry the comment is posted without that line.
 */
import type { ResourceRef } from "../ticket/marker";
import { processMap, refKey } from "../process-memory";

export interface SupersededComment {
  ticketId: string;
  /** The superseded comment's id (or its marker when the API gave no id). */
  commentId: string;
}

const registry = () => processMap<string, SupersededComment>("comment-replacements.v1");

export function noteSuperseded(ref: ResourceRef, old: SupersededComment): void {
  registry().set(refKey(ref), old);
}

export function forgetSuperseded(ref: ResourceRef): void {
  registry().delete(refKey(ref));
}

export function superseded(ref: ResourceRef): SupersededComment | undefined {
  return registry().get(refKey(ref));
}
