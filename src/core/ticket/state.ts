/**
 * The version of what a RackspaceTicket records, and the migration of older records:
 * diff, update, read and delete see every recorded state in the current shape, and a
 * state written by a newer version of the package is refused, never misread.
 *
 *   1 (0.2.x, unversioned): the outputs as 0.2.0 wrote them.
 *   2 (0.3.x, 0.4.x): the same fields plus `__stateVersion`; `status`, `comments`, `resources`
 *      and `thread` are always present.
 *   3 (0.5.x): `posted` (a record per posted comment: digest and thread entry id) instead of
 *      `comments` (their texts), `descriptionDigest` instead of `description`; `thread` names
 *      the stack's own entries instead of repeating their texts (an older thread, with texts,
 *      reads the same); `modifiedBy` only when it is not `createdBy`.
 *   4 (0.6.x): the same, and maybe `replaces` (tickets a replacement replaced), `unconfirmed`
 *      (a create never confirmed: its record's id is `unconfirmed-<marker>`), `approval.baseline`
 *      and `withheld` thread entries. Nothing to migrate from 3; the version keeps an older
 *      package from misreading an unconfirmed record (it refuses the newer state).
 */
import { NAME_KEY, STATE_VERSION_KEY } from "../keys";
import { label } from "../messages";
import type { TicketOutputs } from "./outputs";
import { recordsFor, recordsOf } from "../history/posted";
import type { CommentInput } from "../history/entries";
import type { EngineInputs, MigratedRecord, TicketRecord } from "./records";
import { descriptionDigestOf, ticketFromOutputs } from "./outputs";

export const STATE_VERSION = 4;

/** The version a record was written with (1 when it carries none). */
export function stateVersionOf(props: TicketRecord | undefined): number {
  const v = props?.[STATE_VERSION_KEY];
  return typeof v === "number" && Number.isInteger(v) && v >= 1 ? v : 1;
}

/** A recorded state in the current shape (a copy); throws for a state from a newer package. */
export function migrateState(props: TicketRecord | undefined, name?: string, ticketId?: string): MigratedRecord {
  const version = stateVersionOf(props);
  if (version > STATE_VERSION) {
    throw new Error(
      `${label(name, ticketId)}: the stack was written by a newer pulumi-rackspace-ticketing (state version ${version}; this one reads up to ${STATE_VERSION}). ` +
        "Install the version that wrote it (see the stack's last update) in the program's package.json, then run the command again.",
    );
  }
  const out: Record<string, unknown> = { ...(props ?? {}) };
  if (version < 2) {
    for (const k of ["comments", "resources", "thread"]) if (!Array.isArray(out[k])) out[k] = [];
    if (typeof out.status !== "string") out.status = "";
  }
  if (version < 3) {
    // The posted texts become records, tied to the thread entries (which still hold the texts).
    const posted = Array.isArray(out.comments) ? (out.comments as CommentInput[]) : [];
    out.posted = recordsFor(posted, ticketFromOutputs(String(out.ticketId ?? ticketId ?? ""), out), recordsOf(out.notes));
    delete out.comments;
    // The description's text is in the inputs: the record keeps its digest.
    const digest = descriptionDigestOf(typeof out.description === "string" ? out.description : undefined);
    if (digest !== undefined) out.descriptionDigest = digest;
    delete out.description;
    // Note records of 0.3 ({sha256, textSha256}) and 0.4 (128 bits) in this version's shape.
    out.notes = recordsOf(out.notes);
  }
  out[STATE_VERSION_KEY] = STATE_VERSION;
  // The fields 0.3 always records are now there; the rest is as the package wrote it.
  return out as MigratedRecord;
}

/** Stamps outputs with the current version. */
export function versioned<T extends object>(outs: T): T & { [STATE_VERSION_KEY]: number } {
  return { ...outs, [STATE_VERSION_KEY]: STATE_VERSION };
}

/** Outputs as recorded: versioned, naming the resource `from` names (for the messages of read and delete). */
export function recordOf(outs: TicketOutputs | TicketRecord, from: EngineInputs | TicketRecord): TicketRecord {
  const name = (from as Record<string, unknown>)[NAME_KEY];
  return versioned({ ...outs, ...(typeof name === "string" && name ? { [NAME_KEY]: name } : {}) });
}
