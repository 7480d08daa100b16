/**
 * The shapes a program reads from a ticket or a comment (their outputs, and what the state
 * records), as plain interfaces that import nothing: what the package's public declarations
 * reach, so a user's compiler checks no zod (or other library) declaration through them.
 * Optional properties admit `undefined` (`exactOptionalPropertyTypes`). The core uses these very
 * types; the ones a zod schema validates are checked against its output where the schema lives
 * (a schema change that forgets them fails the build).
 */

/** A file attached to an entry, as declared and recorded. */
export interface AttachmentInput {
  /** The name Rackspace shows. */
  filename: string;
  /** A file to upload, relative to the project directory (where Pulumi.yaml is). */
  path?: string | undefined;
  /** Inline content. */
  content?: string | undefined;
  /** How `content` is encoded: `utf8` (default) or `base64`. */
  encoding?: "utf8" | "base64" | undefined;
  /** The SHA-256 of the file's bytes (hex), filled in by the provider. */
  sha256?: string | undefined;
}

/** A comment as declared and recorded: a text, or a text with files. */
export type CommentInput = string | { text: string; attachments?: AttachmentInput[] | undefined };

/** The approval gate as declared and validated (`waitFor`; each field is documented on WaitForArgs). */
export interface WaitForInput {
  statuses?: string[] | undefined;
  approval?: string | undefined;
  rejection?: string | undefined;
  timeout?: string | undefined;
  onTimeout?: "fail" | "continue" | undefined;
  pollInterval?: string | undefined;
  onUpdate?: boolean | undefined;
}

/**
 * Where a wait begins. Recorded with a gate not met yet, so the next `up` that waits without
 * writing resumes from the same point.
 */
export interface GateBaseline {
  /** How many thread entries the ticket had before the operation's first write: replies among them do not count. */
  entries: number;
  /**
   * The status then, when it was one of the statuses waited for: it does not meet the gate
   * until the ticket has been seen with another status (empty: any status waited for counts).
   */
  status: string;
}

/** What the outputs record of the gate (`approval`). */
export interface ApprovalOutput {
  /** Whether the gate was met. */
  met: boolean;
  /** `status`, `comment`, `rejected`, `closed` or `timeout`. */
  how: "status" | "comment" | "rejected" | "closed" | "timeout";
  /** When it was met or ended (the Racker comment's time, or when the status was read). */
  at: string;
  /** Who met or ended it: the Racker's name (the ticket's `modifiedBy` for a status). */
  by: string;
  /** The id of the Racker comment that met or rejected it (empty for a status or a timeout). */
  commentId: string;
  /** The status when it was met or ended. */
  status: string;
  /** Where the wait began, while the gate is not met (the next `up` waits from there). */
  baseline?: GateBaseline | undefined;
}

/** One posted entry, as the state keeps it. */
export interface EntryRecord {
  /** Digest of the entry's text and files (64 bits of SHA-256, hex): what "the same entry" means. */
  digest: string;
  /** Digest of its text alone, when it had files (how the thread, which shows texts, is matched). */
  textDigest?: string | undefined;
  /** The thread entry's id (empty while the API has not shown it). */
  commentId: string;
  /** The names of its files, when it had any (what the append-only error tells the user to restore). */
  files?: string[] | undefined;
}

/**
 * One note posted on the ticket, as the state keeps it (about 60 bytes, whatever the text:
 * with its thread entry a note costs its text plus under 200 bytes). When it was posted
 * and by whom is in the thread entry with `commentId`.
 */
export type NoteRecord = EntryRecord;

/**
 * One comment on the ticket as last read, Racker replies included. An entry the stack posted
 * itself (the description, an entry of `comments`) is recorded without its text and author,
 * naming instead the input it came from in `entry`; the program's `thread` fills them in.
 */
export interface ThreadEntry {
  /** The API's id (absent from the state for an entry of `comments`: its record in `posted` holds it). */
  id?: string | undefined;
  /** The text (absent from the state for an entry the stack posted: see `entry`). */
  text?: string | undefined;
  /** When it was posted (absent from the state for the description posted with the ticket: the ticket's `created`). */
  created?: string | undefined;
  /** Who wrote it (absent from the state for an entry the stack posted by the ticket's creator, `createdBy.name`). */
  authorName?: string | undefined;
  /** "customer" or "racker" (absent from the state for an entry the stack posted, which is the customer's). */
  authorType?: string | undefined;
  /** For an entry the stack posted: `description` or `comments[i]`, the input that holds its text. */
  entry?: string | undefined;
  /**
   * True for an entry another resource of this package posted (a RackspaceTicketComment): its
   * text is not recorded here, since it may be a secret of that resource; read it there.
   */
  withheld?: boolean | undefined;
  /** Files attached to this entry, with the URL the API gives for each (absent when there are none). */
  attachments?: ThreadAttachment[] | undefined;
}

/** A file on a thread entry. */
export interface ThreadAttachment {
  filename: string;
  uuid: string;
  /** The file's download URL, when the API gave a plain one (a signed or upload URL is never recorded). */
  url?: string | undefined;
}

/** One comment on the ticket as the program sees it: always with its id, text, time and author. */
export interface ThreadMessage extends ThreadEntry {
  id: string;
  created: string;
  text: string;
  authorName: string;
  authorType: string;
}

/** A person as the API names them (`createdBy`, `modifiedBy`). */
export interface PersonOutput {
  id: string;
  name: string;
  type: string;
}

/** A create whose outcome is unknown (see TicketOutputs.unconfirmed). */
export interface UnconfirmedCreate {
  /** The marker at the end of the ticket's description, if the ticket exists. */
  marker: string;
  /** When the create was sent. */
  at: string;
}

/**
 * What the state records of a RackspaceTicket (`pulumi stack export`): the inputs as validated
 * (diff and update receive the old outputs), what the API reports, and records of the entries
 * posted; each text once (the program's `thread`, `comments` and `description` put the texts
 * back).
 */
export interface TicketOutputs {
  accountId: string;
  subject: string;
  category: string;
  subcategory: string;
  severity?: "Low" | "Normal" | "High" | "Urgent" | undefined;
  description?: string | undefined;
  attachments?: AttachmentInput[] | undefined;
  recipients?: string[] | undefined;
  /** The resource list on the ticket (the API's, after a refresh). */
  resources: string[];
  comments?: CommentInput[] | undefined;
  note?: CommentInput | undefined;
  closingComment?: string | undefined;
  waitFor?: WaitForInput | undefined;
  adoptTicketId?: string | undefined;
  ticketId: string;
  status: string;
  classification: string;
  created: string;
  modified: string;
  createdBy: PersonOutput;
  /** Absent from the state when it is `createdBy` (the program's `modifiedBy` is then `createdBy`). */
  modifiedBy?: PersonOutput | undefined;
  /** 64 bits of SHA-256 of the declared description, in hex (the text is in the inputs). */
  descriptionDigest?: string | undefined;
  thread: ThreadEntry[];
  /** A record (digest and thread entry id) per entry of `comments` posted so far, in order: their texts are the inputs'. */
  posted: EntryRecord[];
  /** Every `note` posted on this ticket, oldest first (digests: the texts are in the thread). */
  notes: NoteRecord[];
  /** How the approval gate (`waitFor`) ended, when there is one. */
  approval?: ApprovalOutput | undefined;
  /** The tickets this one replaced whose close may still be pending (newest first): a later deployment's delete names this ticket on them. */
  replaces?: string[] | undefined;
  /**
   * Set on a record whose create could not be confirmed (the answer to POST /tickets was lost
   * and the list did not show the ticket): the marker its ticket carries, if it exists. The
   * next `up`, `refresh` or `destroy` resolves it by the marker; nothing is opened again
   * without proof.
   */
  unconfirmed?: UnconfirmedCreate | undefined;
}

/** What the state records of a RackspaceTicketComment. */
export interface TicketCommentOutputs {
  ticketId: string;
  /** The text as declared (what was sent adds the marker line). */
  text: string;
  attachments?: AttachmentInput[] | undefined;
  /** The ticket's account, as the ticket says (or as declared, when the ticket does not say). */
  accountId: string;
  /** The thread entry's id, found by reading the thread after posting (POST …/comments returns none). */
  commentId: string;
  /** When Rackspace recorded the comment. */
  created: string;
  /** Who the thread names as the comment's author. */
  authorName: string;
  /** The ticket's status as last read, e.g. `Pending Rackspace`, `Closed`. */
  status: string;
  /** The correlation marker at the end of the posted text. */
  marker: string;
}
