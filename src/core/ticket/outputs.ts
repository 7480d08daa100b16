/**
 * The outputs of a RackspaceTicket: the inputs diff and update need (they receive the old
 * outputs), what the API reports, and records of the entries posted; each text once.
 *
 * The texts of `comments` are in the inputs only: the outputs keep a record per posted entry
 * (./posted) and, in `thread`, a reference (`entry`) in place of the text of every entry the
 * stack posted itself (the description, a comment). The description is kept as a digest
 * (`descriptionDigest`), and what only repeats another field is left out (an own entry's id,
 * which its record holds; `modifiedBy` equal to `createdBy`; the description entry's time when
 * it is the ticket's). RackspaceTicket puts it all back in the program (see its `thread`,
 * `comments`, `description` and `modifiedBy`), and ticketFromOutputs for an update.
 */
import type { Person, Ticket } from "../../api/schemas";
import type { ApprovalOutput } from "../gate/approval";
import type { TicketInputs } from "./inputs";
import { stripMarker } from "./marker";
import { COPIED_INPUTS } from "./fields";
import type { NoteRecord } from "../history/notes";
import { EntryRecord, isCustomerEntry, textDigest, withIds } from "../history/posted";
import { commentRef, DESCRIPTION_REF, expandThread, ThreadEntry } from "../history/thread-view";
import type { PersonOutput, TicketOutputs, UnconfirmedCreate } from "../public-types";
import type { Same } from "../same-shape";

export type { ThreadAttachment, ThreadEntry } from "../history/thread-view";
export type { PersonOutput, TicketOutputs, UnconfirmedCreate } from "../public-types";

/** Compile-time: the public TicketOutputs records every input as the schema validates it (`resources` as the API reports it). */
type RecordedInputs = Exclude<keyof TicketInputs, "resources">;
const _outputsRecordTheInputs: Same<Pick<TicketInputs, RecordedInputs>, Pick<TicketOutputs, RecordedInputs>> = true;
void _outputsRecordTheInputs;

/** What the outputs carry over from one record to the next, beside what the API reports. */
export interface KeptOutputs {
  notes?: NoteRecord[];
  approval?: ApprovalOutput;
  /** The recorded description digest, for outputs built without the description (a refresh). */
  descriptionDigest?: string;
  replaces?: string[];
  unconfirmed?: UnconfirmedCreate;
}

function person(p: Person | null | undefined): PersonOutput {
  return { id: p?.id ?? "", name: p?.name ?? "", type: p?.type ?? "" };
}

/** The digest of a description as the outputs record it (undefined for none: an empty one is none). */
export function descriptionDigestOf(description: string | undefined): string | undefined {
  return description ? textDigest(description) : undefined;
}

/** Whether a thread's first text is the declared description (known by its digest), with the lines the package appends. */
function isDeclaredDescription(text: string, digest: string | undefined): boolean {
  const written = stripMarker(text);
  return digest === undefined ? written === "" : textDigest(written) === digest;
}

/**
 * Whether a text ends with this package's marker line: after the description, an entry a
 * RackspaceTicketComment posted.
 */
export function postedByThisPackage(text: string): boolean {
  const last = text.trimEnd().split("\n").pop() ?? "";
  return /(?:^|Marker: )pulumi-rt-[0-9a-f]{16}$/.test(last);
}

/**
 * A file's URL as the state may keep it: a plain download URL. An upload URL (`upload_url`) or
 * any URL carrying a signature (object storage temp URLs, presigned URLs) is a credential for
 * minutes and is never recorded.
 */
function readableUrl(url: string | null | undefined): url is string {
  if (!url) return false;
  const query = url.includes("?") ? url.slice(url.indexOf("?") + 1).toLowerCase() : "";
  return !/(?:^|&)(?:temp_url_sig|temp_url_expires|x-amz-signature|x-amz-credential|signature|sig|se|sp|token|expires)=/.test(query);
}

/**
 * The thread to record: the stack's own entries (the description, known by `descriptionDigest`;
 * the posted comments) as references, the others as the API gave them.
 */
export function threadOf(ticket: Ticket, descriptionDigest?: string, posted: readonly EntryRecord[] = []): ThreadEntry[] {
  const own = new Map(posted.map((r, i) => [r.commentId, commentRef(i)] as const).filter(([id]) => id !== ""));
  return ticket.comments.map((c, i) => {
    const created = c.created ?? "";
    const id = c.id ?? "";
    const ref = i === 0 && isCustomerEntry(c) && isDeclaredDescription(c.text, descriptionDigest) ? DESCRIPTION_REF : own.get(id);
    const author = c.author?.name ?? "";
    const entry: ThreadEntry =
      ref === undefined
        ? i > 0 && isCustomerEntry(c) && postedByThisPackage(c.text)
          ? // Another resource of this package posted it (a RackspaceTicketComment): its text may be a secret there.
            { id, created, authorName: author, authorType: c.author?.type ?? "", withheld: true }
          : { id, text: c.text, created, authorName: author, authorType: c.author?.type ?? "" }
        : {
            // What the record, the ticket or the creator already say is not repeated.
            ...(ref === DESCRIPTION_REF ? { id } : {}),
            ...(ref === DESCRIPTION_REF && created === (ticket.created ?? "") ? {} : { created }),
            entry: ref,
            ...(author !== (ticket.createdBy?.name ?? "") ? { authorName: author } : {}),
          };
    // Only entries with files carry the key: the state repeats the thread on every ticket.
    if (c.attachments && c.attachments.length > 0) {
      entry.attachments = c.attachments.map((a) => ({ filename: a.filename ?? "", uuid: a.uuid ?? "", ...(readableUrl(a.url) ? { url: a.url } : {}) }));
    }
    return entry;
  });
}

/**
 * Builds outputs from the declared inputs and a ticket read from (or returned by) the API.
 * `posted` holds a record per entry of `inputs.comments` known to be on the ticket (ids are
 * filled in from the ticket's thread where missing).
 */
export function outputsFrom(inputs: TicketInputs, ticket: Ticket, posted: readonly EntryRecord[], kept: KeptOutputs = {}): TicketOutputs {
  const notes = (kept.notes ?? []).map((n) => ({ ...n }));
  const records = withIds(posted, ticket, notes);
  const descriptionDigest = inputs.description !== undefined ? descriptionDigestOf(inputs.description) : kept.descriptionDigest;
  const createdBy = person(ticket.createdBy);
  const modifiedBy = person(ticket.modifiedBy);
  const out: TicketOutputs = {
    accountId: inputs.accountId,
    subject: inputs.subject,
    category: inputs.category,
    subcategory: inputs.subcategory,
    resources: [...ticket.resources],
    posted: records,
    ticketId: ticket.ticketId,
    status: ticket.status ?? "",
    classification: ticket.classification ?? "",
    created: ticket.created ?? "",
    modified: ticket.modified ?? "",
    createdBy,
    thread: threadOf(ticket, descriptionDigest, records),
    notes,
  };
  if (JSON.stringify(modifiedBy) !== JSON.stringify(createdBy)) out.modifiedBy = modifiedBy;
  if (descriptionDigest !== undefined) out.descriptionDigest = descriptionDigest;
  if (kept.approval) out.approval = { ...kept.approval };
  if (kept.replaces && kept.replaces.length > 0) out.replaces = [...kept.replaces];
  if (kept.unconfirmed) out.unconfirmed = { ...kept.unconfirmed };
  const copies = out as unknown as Record<string, unknown>;
  for (const f of COPIED_INPUTS) if (inputs[f] !== undefined) copies[f] = structuredClone(inputs[f]);
  return out;
}

/** Texts of the comments after the description that are not a Racker's (a missing author counts as the customer). */
export function customerComments(ticket: Ticket): string[] {
  return ticket.comments
    .slice(1)
    .filter(isCustomerEntry)
    .map((c) => c.text);
}

/**
 * The inputs an existing ticket corresponds to (for `pulumi import`): the first comment
 * is the description, later customer comments are `comments`.
 */
export function inputsFromTicket(ticket: Ticket): TicketInputs {
  const inputs: TicketInputs = {
    accountId: ticket.accountId ?? "",
    subject: ticket.subject ?? "",
    category: ticket.category ?? "",
    subcategory: ticket.subcategory ?? "",
  };
  // The API's word, as it is: a response-only severity (Emergency) is kept, and the next check names it.
  if (ticket.severity) inputs.severity = ticket.severity as TicketInputs["severity"];
  const first = ticket.comments[0];
  // The description as the user wrote it: without the marker this package appends.
  const description = first?.text ? stripMarker(first.text) : "";
  if (description) inputs.description = description;
  const customer = customerComments(ticket);
  if (customer.length) inputs.comments = customer;
  if (ticket.recipients.length) inputs.recipients = ticket.recipients.map((r) => r.value);
  if (ticket.resources.length) inputs.resources = [...ticket.resources];
  return inputs;
}

/**
 * Rebuilds the API view of a ticket from recorded outputs (before an update). The texts of
 * the stack's own entries come from `inputs` (the description; `comments`, whose posted
 * entries cannot change), so the thread reads as the API would show it.
 */
export function ticketFromOutputs(id: string, olds: Record<string, unknown>, inputs?: Pick<TicketInputs, "description" | "comments">): Ticket {
  const o = olds as Partial<TicketOutputs>;
  const thread = expandThread(Array.isArray(o.thread) ? o.thread : [], inputs?.description, inputs?.comments ?? [], {
    creator: o.createdBy?.name,
    created: o.created,
    posted: Array.isArray(o.posted) ? o.posted : [],
  });
  return {
    ticketId: id,
    accountId: o.accountId,
    subject: o.subject,
    status: o.status,
    severity: o.severity,
    classification: o.classification,
    category: o.category,
    subcategory: o.subcategory,
    resources: Array.isArray(o.resources) ? [...o.resources] : [],
    created: o.created,
    modified: o.modified,
    createdBy: o.createdBy ? { ...o.createdBy } : undefined,
    modifiedBy: o.modifiedBy ? { ...o.modifiedBy } : o.createdBy ? { ...o.createdBy } : undefined,
    comments: thread.map((t) => ({
      id: t.id,
      text: t.text,
      created: t.created,
      author: { name: t.authorName, type: t.authorType },
      ...(Array.isArray(t.attachments) ? { attachments: t.attachments.map((a) => ({ ...a })) } : {}),
    })),
    recipients: [],
  };
}
