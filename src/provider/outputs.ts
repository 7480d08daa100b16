/**
 * The outputs of a RackspaceTicket: every input (diff and update receive the old
 * outputs, so they must carry the inputs), plus what the API reports.
 */
import type { Person, Ticket } from "../api/schemas";
import type { ApprovalOutput } from "./approval";
import type { CommentInput } from "./entries";
import type { TicketInputs } from "./inputs";
import { stripMarker } from "./marker";
import type { NoteRecord } from "./notes";

/** One comment on the ticket as last read, Racker replies included. */
export interface ThreadEntry {
  id: string;
  text: string;
  created: string;
  authorName: string;
  /** "customer" or "racker". */
  authorType: string;
  /** Files attached to this entry, with the URL the API gives for each (absent when there are none). */
  attachments?: ThreadAttachment[];
}

export interface ThreadAttachment {
  filename: string;
  uuid: string;
  url: string;
}

export interface PersonOutput {
  id: string;
  name: string;
  type: string;
}

export interface TicketOutputs extends TicketInputs {
  ticketId: string;
  status: string;
  classification: string;
  created: string;
  modified: string;
  createdBy: PersonOutput;
  modifiedBy: PersonOutput;
  thread: ThreadEntry[];
  /** The resource list on the ticket (the API's, after a refresh). */
  resources: string[];
  /** The entries of `comments` posted so far (all of them after a successful update). */
  comments: CommentInput[];
  /** Every `note` posted on this ticket, oldest first (digests: the texts are in the thread). */
  notes: NoteRecord[];
  /** How the approval gate (`waitFor`) ended, when there is one. */
  approval?: ApprovalOutput;
}

/** What the outputs carry over from one record to the next, beside what the API reports. */
export interface KeptOutputs {
  notes?: NoteRecord[];
  approval?: ApprovalOutput;
}

function person(p: Person | null | undefined): PersonOutput {
  return { id: p?.id ?? "", name: p?.name ?? "", type: p?.type ?? "" };
}

export function threadOf(ticket: Ticket): ThreadEntry[] {
  return ticket.comments.map((c) => {
    const entry: ThreadEntry = { id: c.id ?? "", text: c.text, created: c.created ?? "", authorName: c.author?.name ?? "", authorType: c.author?.type ?? "" };
    // Only entries with files carry the key: the state repeats the thread on every ticket.
    if (c.attachments && c.attachments.length > 0) {
      entry.attachments = c.attachments.map((a) => ({ filename: a.filename ?? "", uuid: a.uuid ?? "", url: a.url ?? a.upload_url ?? "" }));
    }
    return entry;
  });
}

/**
 * Builds outputs from the declared inputs and a ticket read from (or returned by) the API.
 * `postedComments` is the prefix of `inputs.comments` known to be on the ticket.
 */
export function outputsFrom(inputs: TicketInputs, ticket: Ticket, postedComments: CommentInput[], kept: KeptOutputs = {}): TicketOutputs {
  const out: TicketOutputs = {
    accountId: inputs.accountId,
    subject: inputs.subject,
    category: inputs.category,
    subcategory: inputs.subcategory,
    resources: [...ticket.resources],
    comments: postedComments.map((c) => (typeof c === "string" ? c : { ...c })),
    ticketId: ticket.ticketId,
    status: ticket.status ?? "",
    classification: ticket.classification ?? "",
    created: ticket.created ?? "",
    modified: ticket.modified ?? "",
    createdBy: person(ticket.createdBy),
    modifiedBy: person(ticket.modifiedBy),
    thread: threadOf(ticket),
    notes: (kept.notes ?? []).map((n) => ({ ...n })),
  };
  if (kept.approval) out.approval = { ...kept.approval };
  if (inputs.severity !== undefined) out.severity = inputs.severity;
  if (inputs.description !== undefined) out.description = inputs.description;
  if (inputs.attachments !== undefined) out.attachments = inputs.attachments.map((a) => ({ ...a }));
  if (inputs.recipients !== undefined) out.recipients = [...inputs.recipients];
  if (inputs.adoptTicketId !== undefined) out.adoptTicketId = inputs.adoptTicketId;
  if (inputs.waitFor !== undefined) out.waitFor = JSON.parse(JSON.stringify(inputs.waitFor)) as TicketInputs["waitFor"];
  if (inputs.note !== undefined) out.note = typeof inputs.note === "string" ? inputs.note : { ...inputs.note };
  if (inputs.closingComment !== undefined) out.closingComment = inputs.closingComment;
  return out;
}

/** Texts of the comments after the description that are not a Racker's (a missing author counts as the customer). */
export function customerComments(ticket: Ticket): string[] {
  return ticket.comments
    .slice(1)
    .filter((c) => (c.author?.type ?? "customer") !== "racker")
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

/** Rebuilds the API view of a ticket from recorded outputs (before an update). */
export function ticketFromOutputs(id: string, olds: Record<string, unknown>): Ticket {
  const o = olds as Partial<TicketOutputs>;
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
    modifiedBy: o.modifiedBy ? { ...o.modifiedBy } : undefined,
    comments: (Array.isArray(o.thread) ? o.thread : []).map((t) => ({
      id: t.id,
      text: t.text,
      created: t.created,
      author: { name: t.authorName, type: t.authorType },
      ...(Array.isArray(t.attachments) ? { attachments: t.attachments.map((a) => ({ ...a })) } : {}),
    })),
    recipients: [],
  };
}
