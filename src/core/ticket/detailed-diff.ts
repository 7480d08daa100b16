/**
 * What a diff changes, element by element, as a reviewer should read it: a comment added at
 * the end is `comments[50]: add`, a resource URL added or removed is that element, a new note
 * is `note: update`, and a field that forces a new ticket is `field: update-replace`. Pure: from
 * the plan, the recorded ticket and the old and new inputs (old inputs when the face has them;
 * the record's copy otherwise).
 */
import { isUnknown } from "../keys";
import type { TicketPlan } from "./plan";

/** How one property changes (the Pulumi engine's PropertyDiff kinds). */
export type DiffKind = "add" | "add-replace" | "delete" | "delete-replace" | "update" | "update-replace";

/** A property's change: its kind, and whether it is an input (else an output: a ticket Rackspace closed). */
export interface PropertyChange {
  kind: DiffKind;
  inputDiff: boolean;
}

const present = (v: unknown) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);

/** The kind of a change of a whole property, from whether it was and is set. */
function wholeKind(before: unknown, after: unknown, replace: boolean): DiffKind {
  const kind: DiffKind = !present(before) ? "add" : !present(after) ? "delete" : "update";
  return replace ? (`${kind}-replace` as DiffKind) : kind;
}

/**
 * The changes of a diff: `replaces` (the inputs and outputs that force a new ticket), the plan,
 * the recorded resources and posted count, and the old and new inputs.
 */
export function detailedDiff(plan: TicketPlan, replaces: readonly string[], recorded: { resources: readonly string[]; posted: number }, before: Record<string, unknown>, after: Record<string, unknown>): Record<string, PropertyChange> {
  const out: Record<string, PropertyChange> = {};
  for (const f of replaces) {
    if (f === "status" || f === "ticketId") out[f] = { kind: "update-replace", inputDiff: false };
    else out[f] = { kind: wholeKind(before[f], after[f], true), inputDiff: true };
  }
  if (!replaces.includes("resources")) {
    const want = after.resources;
    if (isUnknown(want) || (Array.isArray(want) && want.some(isUnknown))) out.resources = { kind: "update", inputDiff: true };
    else if (plan.resources) {
      const had = Array.isArray(before.resources) ? (before.resources as string[]) : [...recorded.resources];
      const next = plan.resources;
      next.forEach((url, i) => {
        if (!had.includes(url)) out[`resources[${i}]`] = { kind: "add", inputDiff: true };
      });
      had.forEach((url, i) => {
        if (!next.includes(url)) out[`resources[${i}]`] = { kind: "delete", inputDiff: true };
      });
      if (!Object.keys(out).some((k) => k.startsWith("resources["))) out.resources = { kind: "update", inputDiff: true };
    }
  }
  if (!replaces.includes("comments")) {
    if (isUnknown(after.comments)) out.comments = { kind: "update", inputDiff: true };
    else if (Array.isArray(after.comments)) for (let i = recorded.posted; i < after.comments.length; i++) out[`comments[${i}]`] = { kind: "add", inputDiff: true };
  }
  if (!replaces.includes("note") && (plan.note !== undefined || isUnknown(after.note))) out.note = { kind: wholeKind(before.note, after.note, false), inputDiff: true };
  for (const f of plan.settings) if (!replaces.includes(f)) out[f] = { kind: wholeKind(before[f], after[f], false), inputDiff: true };
  return out;
}

/** The top-level properties a set of changes touches (what the engine's `diffs` lists). */
export function changedKeys(changes: Record<string, PropertyChange>): string[] {
  return [...new Set(Object.keys(changes).map((k) => k.replace(/[[.].*$/, "")))];
}
