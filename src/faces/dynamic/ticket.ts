/**
 * RackspaceTicket: a Rackspace support or change ticket declared in a Pulumi program.
 */
import * as pulumi from "@pulumi/pulumi";
import { organization, secretInputs } from "./program-context";
import { IMPORT_KEY, NAME_KEY, ORGANIZATION_KEY, PARENT_KEY, PROJECT_KEY, REPLACE_ON_CHANGES_KEY, SECRECY_KEYS, SECRET_INPUTS_KEY, STACK_KEY } from "../../core/keys";
import type { ApprovalOutput, AttachmentInput, CommentInput, EntryRecord, NoteRecord, PersonOutput, ThreadEntry, ThreadMessage, WaitForInput } from "../../core/public-types";

/** A file to attach, as a program passes it (any field may be an Output). See {@link AttachmentInput}. */
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
import { expandThread } from "../../core/history/thread-view";
import type { Same } from "../../core/same-shape";
import { providerStub } from "./stub";

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

/** The inputs a program may pass as secrets: messages never print their values. */
const SECRETABLE = ["accountId", "subject", "category", "subcategory", "severity", "description", "attachments", "recipients", "resources", "comments", "note", "closingComment", "adoptTicketId"] as const;

/** One stub for the whole process: the SDK serializes it once and caches the text. */
let stub: pulumi.dynamic.ResourceProvider | undefined;

/**
 * Outputs are `declare`d: with ES2022 class fields, a plain field declaration would
 * reset the values the base constructor assigns.
 */
export class RackspaceTicket extends pulumi.dynamic.Resource {
  declare public readonly accountId: pulumi.Output<string>;
  declare public readonly subject: pulumi.Output<string>;
  declare public readonly category: pulumi.Output<string>;
  declare public readonly subcategory: pulumi.Output<string>;
  declare public readonly severity: pulumi.Output<string | undefined>;
  declare public readonly description: pulumi.Output<string | undefined>;
  /** The description's attachments as declared (with the SHA-256 the provider recorded). */
  declare public readonly attachments: pulumi.Output<AttachmentInput[] | undefined>;
  declare public readonly recipients: pulumi.Output<string[] | undefined>;
  /** The resource URLs on the ticket (as the API reports them after a refresh). */
  declare public readonly resources: pulumi.Output<string[]>;
  declare public readonly adoptTicketId: pulumi.Output<string | undefined>;
  /** The entries of `comments` posted so far (the declared entries, as many as `posted` records). */
  declare public readonly comments: pulumi.Output<CommentInput[]>;
  /** A record per entry of `comments` posted so far, in order: a digest of its text and files and its thread entry's id (the state keeps no second copy of the texts). */
  declare public readonly posted: pulumi.Output<EntryRecord[]>;
  declare public readonly note: pulumi.Output<CommentInput | undefined>;
  /** Every note posted on this ticket, oldest first: its digest and thread entry id (the texts and times are in `thread`). */
  declare public readonly notes: pulumi.Output<NoteRecord[]>;
  declare public readonly closingComment: pulumi.Output<string | undefined>;
  declare public readonly waitFor: pulumi.Output<WaitForInput | undefined>;
  /** How the approval gate ended: met (when, by whom, the Racker comment's id), rejected, closed or timed out. */
  declare public readonly approval: pulumi.Output<ApprovalOutput | undefined>;
  /** The ticket id the API assigned: the resource's id, known in the preview of an update. */
  declare public readonly ticketId: pulumi.Output<string>;
  /** Ticket status as last read, e.g. `Pending Rackspace`, `Pending Customer`, `Closed`. */
  declare public readonly status: pulumi.Output<string>;
  /** `Service Request`, `Change` or `Incident`. */
  declare public readonly classification: pulumi.Output<string>;
  declare public readonly created: pulumi.Output<string>;
  declare public readonly modified: pulumi.Output<string>;
  declare public readonly createdBy: pulumi.Output<PersonOutput>;
  declare public readonly modifiedBy: pulumi.Output<PersonOutput>;
  /**
   * Every comment on the ticket as last read, Racker replies included. Secret when the
   * description or a comment is. The entries the stack posted itself (`entry` says which
   * input) take their texts from the declared description (without the footer the package
   * appends) and comments: the state records them without a second copy.
   */
  declare public readonly thread: pulumi.Output<ThreadMessage[]>;

  constructor(name: string, args: RackspaceTicketArgs, opts?: pulumi.CustomResourceOptions) {
    const texts = pulumi.all([pulumi.output(args?.description), pulumi.output(args?.comments), pulumi.output(args?.attachments), pulumi.output(args?.note), pulumi.output(args?.closingComment)]);
    // The thread repeats the description, comments and notes, and the records digest them: when one
    // is a secret, so are they. Sent only when secret: an empty list would cost every ticket an
    // input and a dependency entry.
    const secrecy = pulumi.output(pulumi.isSecret(texts)).apply((secret) => (secret ? pulumi.secret([] as never[]) : undefined));
    stub ??= providerStub();
    // The engine's own import cannot reach a dynamic provider's read (pulumi/pulumi#3550), so
    // the `import` option is honoured here: the ticket is adopted when the resource is created,
    // strictly (every declared value must match it, and nothing is sent to change it).
    const { import: importId, ...options } = opts ?? {};
    super(
      stub,
      name,
      {
        ...args,
        ...(importId !== undefined ? { adoptTicketId: importId, [IMPORT_KEY]: true } : {}),
        [NAME_KEY]: name,
        [PROJECT_KEY]: pulumi.getProject(),
        [STACK_KEY]: pulumi.getStack(),
        [ORGANIZATION_KEY]: organization(),
        [PARENT_KEY]: options.parent?.urn,
        // The engine gets no changed keys from a dynamic provider's diff, so it cannot apply replaceOnChanges itself.
        [REPLACE_ON_CHANGES_KEY]: options.replaceOnChanges,
        [SECRET_INPUTS_KEY]: options.id ? undefined : secretInputs(args, SECRETABLE).apply((names) => (names.length > 0 ? names : undefined)),
        // Every output that repeats or digests a text (the key stays for `get` too: it registers the output).
        ...Object.fromEntries(SECRECY_KEYS.map((k) => [k, options.id ? undefined : secrecy])),
        ticketId: undefined,
        status: undefined,
        classification: undefined,
        created: undefined,
        modified: undefined,
        createdBy: undefined,
        modifiedBy: undefined,
        approval: undefined,
      },
      options,
      "rackspace",
      "Ticket",
    );
    // The state keeps the texts of the stack's own entries once, in the inputs: put them back here.
    const declared = pulumi.output(args?.comments) as pulumi.Output<CommentInput[] | undefined>;
    const description = pulumi.output(args?.description);
    const recorded = this.thread as unknown as pulumi.Output<ThreadEntry[] | undefined>;
    const view = this as unknown as {
      ticketId: pulumi.Output<string>;
      comments: pulumi.Output<CommentInput[]>;
      thread: pulumi.Output<ThreadMessage[]>;
      description: pulumi.Output<string | undefined>;
      modifiedBy: pulumi.Output<PersonOutput>;
    };
    // The resource's id is the ticket's, and the engine knows it during the preview of an update
    // (the recorded output is not known then): a RackspaceTicketComment on this ticket previews no replacement.
    view.ticketId = this.id;
    view.comments = pulumi.all([declared, this.posted]).apply(([c, p]) => (c ?? []).slice(0, (p ?? []).length));
    view.thread = pulumi
      .all([recorded, description, declared, this.createdBy, this.created, this.posted])
      .apply(([t, d, c, by, at, p]) => expandThread(t ?? [], d, c ?? [], { creator: by?.name, created: at, posted: p ?? [] }));
    view.description = description;
    // Recorded only when someone else changed the ticket last.
    const modifiedBy = this.modifiedBy as pulumi.Output<PersonOutput | undefined>;
    view.modifiedBy = pulumi.all([modifiedBy, this.createdBy]).apply(([m, c]) => m ?? c);
  }
}
