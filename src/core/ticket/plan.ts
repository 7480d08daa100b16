/**
 * The planner: what an existing ticket needs to become the declared one.
 * Pure functions over old outputs and new inputs; `diff` and `update` both use it, so
 * the preview shows exactly the calls an update makes.
 */
import { AttachmentInput, CommentInput, sameAttachments } from "../history/entries";
import { notePending } from "../history/notes";
import { SETTING_INPUTS } from "./fields";
import { recordsOf } from "../history/posted";
import { REPLACE_FIELDS } from "./inputs";
import { UNKNOWN } from "../keys";
import { descriptionDigestOf } from "./outputs";

export interface TicketPlan {
  /** Fields whose change forces a new ticket. */
  replaces: string[];
  /** The full new resource list to PATCH, if the set changed. */
  resources?: string[];
  /** Comments to post, in order. */
  newComments: CommentInput[];
  /** The note to post after them: its value differs from the last note posted. */
  note?: CommentInput;
  /** Whether the update waits for the approval gate (not met on this ticket yet, or `onUpdate` after a write). */
  gate: boolean;
  /** Settings the ticket does not see that changed (`waitFor`, `closingComment`): the update records them and sends nothing. */
  settings: string[];
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

/** JSON with sorted keys (a parsed value keeps the schema's key order, a declared one the program's). */
function canonical(v: unknown): string {
  return JSON.stringify(v ?? null, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
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
      f === "description"
        ? (typeof olds.descriptionDigest === "string" ? olds.descriptionDigest : undefined) === descriptionDigestOf(typeof b === "string" ? b : undefined)
        : f === "attachments"
        ? sameAttachments(olds[f] as AttachmentInput[] | undefined, b as AttachmentInput[] | undefined)
        : f === "recipients"
          ? sameResourceSet(asList(olds[f]) as string[], asList(b) as string[]) // the API keeps recipients as a set: order is no change
          : equalValue(olds[f], b);
    if (!same) replaces.push(f);
  }
  return replaces;
}

/**
 * Plans the change from `olds` (the outputs last recorded, which carry the inputs, the
 * resources on the ticket and a record per comment posted) to `news` (the new inputs).
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
    // The records of the entries on the ticket (the outputs keep no texts of them).
    const posted = asList(olds.posted).length;
    for (let i = posted; i < want.length; i++) {
      changes = true;
      if (!isUnknown(want[i])) newComments.push(want[i] as CommentInput);
    }
  }
  let note: CommentInput | undefined;
  if (isUnknown(news.note)) changes = true;
  else if (news.note !== undefined && notePending(news.note as CommentInput, recordsOf(olds.notes))) {
    note = news.note as CommentInput;
    changes = true;
  }
  // Settings the ticket does not see: a change is recorded by an update that sends nothing.
  const settings = SETTING_INPUTS.filter((f) => canonical(olds[f]) !== canonical(news[f]));
  if (settings.length > 0) changes = true;
  const waitFor = news.waitFor as { onUpdate?: boolean } | undefined;
  const writes = resources !== undefined || newComments.length > 0 || note !== undefined;
  const approval = olds.approval as { met?: boolean } | undefined;
  const gate = waitFor !== undefined && !isUnknown(waitFor) && (approval?.met !== true || (waitFor.onUpdate === true && writes));
  if (gate) changes = true;
  return { replaces, resources, newComments, note, gate, settings, changes };
}
