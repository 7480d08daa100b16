/**
 * The arguments a program passes, shared by both faces: the dynamic resources
 * (RackspaceTicket, RackspaceTicketComment) and the plugin's classes take the same
 * shapes, documented once. Each property's doc is the field table's description
 * (core/ticket/fields.ts), word for word (checked by test/unit/plugin-schema.test.ts).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { WaitForInput } from "../core/public-types";
import type { Same } from "../core/same-shape";

/** A file to attach, as a program passes it (any field may be an Output). See `AttachmentInput`. */
export interface AttachmentArgs {
  /** The name Rackspace shows. Forbidden extensions (exe, js, bat, …) are refused at preview. */
  filename: pulumi.Input<string>;
  /** A file to upload, relative to the project directory (where Pulumi.yaml is); read at apply time. */
  path?: pulumi.Input<string> | undefined;
  /** Inline content; stored in the state like every input (pass it as a secret if it is one). */
  content?: pulumi.Input<string> | undefined;
  /** How `content` is encoded: `utf8` (default) or `base64`. */
  encoding?: pulumi.Input<"utf8" | "base64"> | undefined;
}

/** A comment as a program passes it: a text, or a text with files. */
export type CommentArgs = pulumi.Input<string> | { text: pulumi.Input<string>; attachments?: pulumi.Input<pulumi.Input<AttachmentArgs>[]> | undefined };

/**
 * The approval gate as a program declares it (the `waitFor` input). Patterns are a phrase
 * (`approved`) or a regular expression (`/^approved\b/i`); durations are `90s`, `45m`, `2h`.
 * The same shape as the validated WaitForInput, which the schema defines (checked below).
 */
export interface WaitForArgs {
  /** Statuses that meet the gate (open strings; compared without case, `In Progess` counts as `In Progress`). */
  statuses?: string[] | undefined;
  /**
   * A Racker reply after the wait began (see `waitFor`) that says it meets the gate. Plain text is a literal
   * phrase matched without case as whole words, and counts only outside quotes, in a clause that is
   * not a question, with no negation, condition or future (`not`, `if`, `once`, `will`, `needs`…)
   * before it; `/source/flags` is a regular expression tested as written (see docs/approval-gate.md).
   */
  approval?: string | undefined;
  /**
   * A Racker reply after the wait began (see `waitFor`) that says it fails the deployment with the Racker's words.
   * Plain text is a literal phrase matched without case as whole words, anywhere in the reply (quoted,
   * asked or negated too: failing is the safe side); `/source/flags` is a regular expression tested as written.
   */
  rejection?: string | undefined;
  /** How long to wait at most (default `1h`). */
  timeout?: string | undefined;
  /** What a timeout does: `fail` (default) or `continue` (warn and go on; the next `up` waits again). */
  onTimeout?: "fail" | "continue" | undefined;
  /** How often to read the ticket (default `30s`, at least `1s`): one GET /tickets/{id} each time, from the read budget. */
  pollInterval?: string | undefined;
  /** Wait again after an update that wrote to the ticket (a PATCH, a comment, a note). Default false: only the create waits. */
  onUpdate?: boolean | undefined;
}

/** Compile-time: WaitForArgs and the schema's WaitForInput are the same shape (a schema change that forgets the docs fails the build). */
const _waitForArgsMatchesSchema: Same<Required<WaitForArgs>, Required<WaitForInput>> = true;
void _waitForArgsMatchesSchema;

export interface RackspaceTicketArgs {
  /**
   * Account the ticket is opened in, as GET /accounts returns it (e.g. `hybrid:12345`). Changing it
   * opens a new ticket.
   */
  accountId: pulumi.Input<string>;
  /** Subject line. Changing it opens a new ticket. */
  subject: pulumi.Input<string>;
  /** Category name (e.g. `Change`, `Incident`). Changing it opens a new ticket. */
  category: pulumi.Input<string>;
  /**
   * Subcategory name valid for the account's product (e.g. `General` for hybrid accounts). Changing
   * it opens a new ticket.
   */
  subcategory: pulumi.Input<string>;
  /**
   * `Low`, `Normal`, `High` or `Urgent` (without regard to case), as the account allows (`Emergency`
   * appears only in responses). Changing it opens a new ticket.
   */
  severity?: pulumi.Input<string> | undefined;
  /**
   * The ticket's description (its first comment). May be a secret. Changing it opens a new ticket.
   */
  description?: pulumi.Input<string> | undefined;
  /**
   * Files attached to the description: `{ filename, path }` (read at apply time, relative to the
   * program's directory) or `{ filename, content }`. Forbidden extensions (exe, js, bat, …) are
   * refused at preview. Changing them opens a new ticket.
   */
  attachments?: pulumi.Input<pulumi.Input<AttachmentArgs>[]> | undefined;
  /** Contact ids (RPN-…) or e-mail addresses to notify. Changing them opens a new ticket. */
  recipients?: pulumi.Input<pulumi.Input<string>[]> | undefined;
  /** Resource URLs the ticket is about. A change is one PATCH with the full new list. */
  resources?: pulumi.Input<pulumi.Input<string>[]> | undefined;
  /**
   * Comments to post, in order. Entries added at the end are posted on the next `up`; entries
   * already posted cannot be edited, removed or reordered (the ticket's history is append-only).
   * Entries may be secrets. An entry is a text, or `{ text, attachments }` to attach files to it;
   * the files of a posted entry cannot change either.
   */
  comments?: pulumi.Input<pulumi.Input<CommentArgs>[]> | undefined;
  /**
   * Adopt this existing ticket instead of opening a new one: the ticket must match `accountId` and
   * `subject`; declared resources are applied and declared comments not yet on it are posted (a
   * ticket Rackspace closed is followed by a new ticket naming it). The `import` resource option
   * (and, with the plugin, `pulumi import`) adopts strictly instead. Only used when the resource is
   * created.
   */
  adoptTicketId?: pulumi.Input<string> | undefined;
  /**
   * The deployment's note, e.g. `Deployed ${commit} by run ${runId}`: posted as one comment each
   * time its value changes (an `up` with the same value posts nothing). The history stays in the
   * state (`notes`), so a CI job declares only the current note. A text, or `{ text, attachments }`.
   * May be a secret. A replacement ticket gets the current note only.
   */
  note?: pulumi.Input<CommentArgs> | undefined;
  /**
   * Posted on the ticket right before the stack closes it (destroy, or the old ticket of a
   * replacement).
   */
  closingComment?: pulumi.Input<string> | undefined;
  /**
   * The approval gate: create returns (and resources that depend on this ticket deploy) only once
   * Rackspace meets it: one of `statuses` reached, or a Racker reply saying `approval`, after the
   * wait began (where the waiting create or update first wrote to the ticket; a reply before your
   * own answer on the ticket does not count). A reply saying `rejection` fails the deployment with
   * the Racker's words; `timeout` (default `1h`) fails it, or warns and goes on with `onTimeout:
   * "continue"`. Each check is one GET /tickets/{id} every `pollInterval` (default `30s`) from the
   * read budget.
   */
  waitFor?: pulumi.Input<WaitForArgs> | undefined;
}

export interface RackspaceTicketCommentArgs {
  /** The ticket to comment on, e.g. `260101-iad-0000123`. Changing it posts the comment on the new ticket (the old one keeps its copy). */
  ticketId: pulumi.Input<string>;
  /**
   * The comment's text (may be a secret). Changing it posts a NEW comment: the old one
   * stays on the ticket, since the API cannot edit or remove a comment.
   */
  text: pulumi.Input<string>;
  /** Files attached to the comment, as for RackspaceTicket's `attachments`. Changing them posts a new comment. */
  attachments?: pulumi.Input<pulumi.Input<AttachmentArgs>[]> | undefined;
  /**
   * The ticket's account (e.g. `hybrid:12345`), if known: the first read is then paced under
   * the account's limits, and it is checked against the ticket. Without it the ticket says.
   */
  accountId?: pulumi.Input<string> | undefined;
}
