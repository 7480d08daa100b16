/**
 * The planner: what an existing ticket needs to become the declared one.
 * Pure functions over old outputs and new inputs; `diff` and `update` both use it, so
 * the preview shows exactly the calls an update makes.
 */
import { AttachmentInput, CommentInput, sameAttachments } from "./entries";
import { REPLACE_FIELDS } from "./inputs";
import { UNKNOWN } from "./keys";

export interface TicketPlan {
  /** Fields whose change forces a new ticket. */
  replaces: string[];
  /** The full new resource list to PATCH, if the set changed. */
  resources?: string[];
  /** Comments to post, in order. */
  newComments: CommentInput[];
  /** Whether anything differs (an unknown value counts as a possible change). */
  changes: boolean;
}

const isUnknown = (v: unknown) => v === UNKNOWN;

function asList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return v === undefined || v === null ? [] : [v];
}

function equalValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    const x = asList(a);
    const y = asList(b);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  // An optional input that is absent, null or empty means the same thing.
  const norm = (v: unknown) => (v === null || v === "" ? undefined : v);
  return norm(a) === norm(b);
}

/** Resource lists are sets to the API: order and repeats do not matter. */
export function sameResourceSet(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a);
  const y = new Set(b);
  if (x.size !== y.size) return false;
  for (const v of x) if (!y.has(v)) return false;
  return true;
}

/**
 * The fields that force a new ticket and differ between `olds` and `news` (a value not
 * known until apply counts as different). Files compare by name and content.
 */
export function replacingFields(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  const replaces: string[] = [];
  for (const f of REPLACE_FIELDS) {
    const b = news[f];
    if (isUnknown(b) || (Array.isArray(b) && b.some(isUnknown))) {
      replaces.push(f);
      continue;
    }
    const same =
      f === "attachments"
        ? sameAttachments(olds[f] as AttachmentInput[] | undefined, b as AttachmentInput[] | undefined)
        : f === "recipients"
          ? sameResourceSet(asList(olds[f]) as string[], asList(b) as string[]) // the API keeps recipients as a set: order is no change
          : equalValue(olds[f], b);
    if (!same) replaces.push(f);
  }
  return replaces;
}

/**
 * Plans the change from `olds` (the outputs last recorded, which carry the inputs and
 * the resources and comments actually on the ticket) to `news` (the new inputs).
 */
export function planChanges(olds: Record<string, unknown>, news: Record<string, unknown>): TicketPlan {
  const replaces = replacingFields(olds, news);
  let changes = replaces.length > 0;
  let resources: string[] | undefined;
  const newRes = news.resources;
  if (isUnknown(newRes) || (Array.isArray(newRes) && newRes.some(isUnknown))) {
    changes = true;
  } else {
    const want = asList(newRes) as string[];
    const have = asList(olds.resources) as string[];
    if (!sameResourceSet(have, want)) {
      resources = want;
      changes = true;
    }
  }

  const newComments: CommentInput[] = [];
  const wantComments = news.comments;
  if (isUnknown(wantComments)) {
    changes = true;
  } else {
    const want = asList(wantComments);
    const posted = asList(olds.comments).length;
    for (let i = posted; i < want.length; i++) {
      changes = true;
      if (!isUnknown(want[i])) newComments.push(want[i] as CommentInput);
    }
  }
  return { replaces, resources, newComments, changes };
}
