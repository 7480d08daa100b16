/**
 * RackspaceTicket: a Rackspace support or change ticket declared in a Pulumi program.
 */
import * as pulumi from "@pulumi/pulumi";
import { NAME_KEY, THREAD_KEY } from "./inputs";
import type { PersonOutput, ThreadEntry } from "./outputs";
import { providerStub } from "./stub";

export interface RackspaceTicketArgs {
  /** Account the ticket is opened in, as GET /accounts returns it (e.g. `hybrid:12345`). Changing it opens a new ticket. */
  accountId: pulumi.Input<string>;
  /** Subject line. Changing it opens a new ticket. */
  subject: pulumi.Input<string>;
  /** Category name (e.g. `Change`, `Incident`). Changing it opens a new ticket. */
  category: pulumi.Input<string>;
  /** Subcategory name valid for the account's product (e.g. `General` for hybrid accounts). Changing it opens a new ticket. */
  subcategory: pulumi.Input<string>;
  /** `Low`, `Normal`, `High`, `Urgent` or `Emergency`, as the account allows. Changing it opens a new ticket. */
  severity?: pulumi.Input<string>;
  /** The ticket's description (its first comment). May be a secret. Changing it opens a new ticket. */
  description?: pulumi.Input<string>;
  /** Contact ids (RPN-…) or e-mail addresses to notify. Changing them opens a new ticket. */
  recipients?: pulumi.Input<pulumi.Input<string>[]>;
  /** Resource URLs the ticket is about. A change is one PATCH with the full new list. */
  resources?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Comments to post, in order. Entries added at the end are posted on the next `up`;
   * entries already posted cannot be edited, removed or reordered (the ticket's history
   * is append-only). Entries may be secrets.
   */
  comments?: pulumi.Input<pulumi.Input<string>[]>;
}

/** One stub for the whole process: the SDK serializes it once and caches the text. */
let stub: pulumi.dynamic.ResourceProvider | undefined;

export class RackspaceTicket extends pulumi.dynamic.Resource {
  public readonly accountId!: pulumi.Output<string>;
  public readonly subject!: pulumi.Output<string>;
  public readonly category!: pulumi.Output<string>;
  public readonly subcategory!: pulumi.Output<string>;
  public readonly severity!: pulumi.Output<string | undefined>;
  public readonly description!: pulumi.Output<string | undefined>;
  public readonly recipients!: pulumi.Output<string[] | undefined>;
  /** The resource URLs on the ticket (as the API reports them after a refresh). */
  public readonly resources!: pulumi.Output<string[]>;
  /** The entries of `comments` posted so far. */
  public readonly comments!: pulumi.Output<string[]>;
  /** The ticket id the API assigned (also the resource id). */
  public readonly ticketId!: pulumi.Output<string>;
  /** Ticket status as last read, e.g. `Pending Rackspace`, `Pending Customer`, `Closed`. */
  public readonly status!: pulumi.Output<string>;
  /** `Service Request`, `Change` or `Incident`. */
  public readonly classification!: pulumi.Output<string>;
  public readonly created!: pulumi.Output<string>;
  public readonly modified!: pulumi.Output<string>;
  public readonly createdBy!: pulumi.Output<PersonOutput>;
  public readonly modifiedBy!: pulumi.Output<PersonOutput>;
  /** Every comment on the ticket as last read, Racker replies included. Secret when the description or a comment is. */
  public readonly thread!: pulumi.Output<ThreadEntry[]>;

  constructor(name: string, args: RackspaceTicketArgs, opts?: pulumi.CustomResourceOptions) {
    const texts = pulumi.all([pulumi.output(args?.description), pulumi.output(args?.comments)]);
    // The thread repeats the description and comments: when either is a secret, so is the thread.
    const thread = pulumi.output(pulumi.isSecret(texts)).apply((secret) => (secret ? pulumi.secret([] as ThreadEntry[]) : ([] as ThreadEntry[])));
    stub ??= providerStub();
    super(
      stub,
      name,
      {
        ...args,
        [NAME_KEY]: name,
        [THREAD_KEY]: opts?.id ? undefined : thread,
        ticketId: undefined,
        status: undefined,
        classification: undefined,
        created: undefined,
        modified: undefined,
        createdBy: undefined,
        modifiedBy: undefined,
      },
      opts,
      "rackspace",
      "Ticket",
    );
  }
}
