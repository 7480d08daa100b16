/**
 * The plugin's resources for TypeScript and JavaScript programs (`pulumi-rackspace-ticketing/plugin`):
 * `Ticket`, `TicketComment` and an explicit `Provider`, registered under the plugin's type tokens
 * (the engine runs the plugin, found through `plugins.providers` in Pulumi.yaml or installed with
 * `pulumi plugin install`). They may sit beside the dynamic RackspaceTicket in one program. The
 * arguments are RackspaceTicket's; the outputs are what the plugin records.
 *
 * @module plugin
 */
import * as pulumi from "@pulumi/pulumi";
import type { RackspaceTicketArgs, RackspaceTicketCommentArgs } from "../args";
import type { ApprovalOutput, EntryRecord, PersonOutput, ThreadEntry } from "../../core/public-types";

/** The plugin's version these classes ask for (the package's). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION = (require("../../../package.json") as { version: string }).version;

const withVersion = <T extends pulumi.CustomResourceOptions>(opts: T | undefined): T => ({ version: VERSION, ...(opts ?? {}) }) as T;

/** A ticket, through the plugin. */
export class Ticket extends pulumi.CustomResource {
  declare readonly ticketId: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  declare readonly classification: pulumi.Output<string>;
  declare readonly created: pulumi.Output<string>;
  declare readonly createdBy: pulumi.Output<PersonOutput>;
  declare readonly resources: pulumi.Output<string[]>;
  /** The thread as the state records it: the stack's own entries name their input (`entry`) instead of repeating the text. */
  declare readonly thread: pulumi.Output<ThreadEntry[]>;
  declare readonly posted: pulumi.Output<EntryRecord[]>;
  declare readonly notes: pulumi.Output<EntryRecord[]>;
  declare readonly approval: pulumi.Output<ApprovalOutput | undefined>;

  constructor(name: string, args: RackspaceTicketArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = { ticketId: undefined, status: undefined, classification: undefined, created: undefined, modified: undefined, createdBy: undefined, modifiedBy: undefined, thread: undefined, posted: undefined, notes: undefined, approval: undefined, replaces: undefined, unconfirmed: undefined, descriptionDigest: undefined };
    super("rackspace:ticketing:Ticket", name, { ...args, ...outputs }, withVersion(opts));
  }
}

/** One comment on a ticket the stack does not manage, through the plugin. */
export class TicketComment extends pulumi.CustomResource {
  declare readonly commentId: pulumi.Output<string>;
  declare readonly marker: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;

  constructor(name: string, args: RackspaceTicketCommentArgs, opts?: pulumi.CustomResourceOptions) {
    super("rackspace:ticketing:TicketComment", name, { ...args, commentId: undefined, created: undefined, authorName: undefined, status: undefined, marker: undefined }, withVersion(opts));
  }
}

/** The provider's settings, as stack config names them without the `rackspace:` prefix (e.g. `username`, `apiKey`, `ticketingUrl`). */
export type ProviderArgs = Record<string, pulumi.Input<string>>;

/** An explicit provider: one program can use two accounts or endpoints. */
export class Provider extends pulumi.ProviderResource {
  constructor(name: string, args: ProviderArgs, opts?: pulumi.ResourceOptions) {
    super("rackspace", name, { ...args }, { version: VERSION, ...(opts ?? {}) });
  }
}
