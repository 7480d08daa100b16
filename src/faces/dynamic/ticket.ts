/**
 * RackspaceTicket: a Rackspace support or change ticket declared in a Pulumi program.
 */
import * as pulumi from "@pulumi/pulumi";
import { organization, secretInputs } from "./program-context";
import { IMPORT_KEY, NAME_KEY, ORGANIZATION_KEY, PARENT_KEY, PROJECT_KEY, REPLACE_ON_CHANGES_KEY, SECRECY_KEYS, SECRET_INPUTS_KEY, STACK_KEY } from "../../core/keys";
import type { ApprovalOutput, AttachmentInput, CommentInput, EntryRecord, NoteRecord, PersonOutput, ThreadEntry, ThreadMessage, WaitForInput } from "../../core/public-types";
import type { RackspaceTicketArgs } from "../args";
import { SECRETABLE_INPUTS, THREAD_INPUTS } from "../../core/ticket/fields";

import { expandThread } from "../../core/history/thread-view";
import { providerStub } from "./stub";

export type { AttachmentArgs, CommentArgs, RackspaceTicketArgs, WaitForArgs } from "../args";

/** The inputs a program may pass as secrets: messages never print their values. */
const SECRETABLE: readonly (keyof RackspaceTicketArgs)[] = SECRETABLE_INPUTS;

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
    const texts = pulumi.all(THREAD_INPUTS.map((f) => pulumi.output(args?.[f] as pulumi.Input<unknown>)));
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
