/**
 * RackspaceTicketComment: one comment, declared in a Pulumi program, on a ticket this
 * stack does not manage (opened by hand, or by another stack), posted exactly once.
 */
import * as pulumi from "@pulumi/pulumi";
import { organization, secretInputs } from "./program-context";
import { commentProviderStub } from "./comment-stub";
import { NAME_KEY, ORGANIZATION_KEY, PARENT_KEY, PROJECT_KEY, SECRET_INPUTS_KEY, STACK_KEY } from "../../core/keys";
import type { AttachmentInput } from "../../core/public-types";
import type { RackspaceTicketCommentArgs } from "../args";

export type { RackspaceTicketCommentArgs } from "../args";

/** The inputs a program may pass as secrets: messages never print their values. */
const SECRETABLE = ["ticketId", "text", "attachments", "accountId"] as const;

/** One stub for the whole process: the SDK serializes it once and caches the text. */
let stub: pulumi.dynamic.ResourceProvider | undefined;

/** Outputs are `declare`d: with ES2022 class fields, a plain field would reset what the base constructor assigns. */
export class RackspaceTicketComment extends pulumi.dynamic.Resource {
  declare public readonly ticketId: pulumi.Output<string>;
  declare public readonly text: pulumi.Output<string>;
  declare public readonly attachments: pulumi.Output<AttachmentInput[] | undefined>;
  /** The ticket's account, as the ticket says. */
  declare public readonly accountId: pulumi.Output<string>;
  /** The thread entry's id (found by reading the thread after posting; the API's POST returns none). */
  declare public readonly commentId: pulumi.Output<string>;
  /** When Rackspace recorded the comment. */
  declare public readonly created: pulumi.Output<string>;
  /** The comment's author as the thread names it. */
  declare public readonly authorName: pulumi.Output<string>;
  /** The ticket's status as last read (`pulumi refresh` reads it again). */
  declare public readonly status: pulumi.Output<string>;
  /** The correlation marker at the end of the posted text. */
  declare public readonly marker: pulumi.Output<string>;

  constructor(name: string, args: RackspaceTicketCommentArgs, opts?: pulumi.CustomResourceOptions) {
    stub ??= commentProviderStub();
    super(
      stub,
      name,
      {
        ...args,
        [NAME_KEY]: name,
        [PROJECT_KEY]: pulumi.getProject(),
        [STACK_KEY]: pulumi.getStack(),
        [ORGANIZATION_KEY]: organization(),
        [PARENT_KEY]: opts?.parent?.urn,
        [SECRET_INPUTS_KEY]: opts?.id ? undefined : secretInputs(args, SECRETABLE),
        accountId: args?.accountId,
        commentId: undefined,
        created: undefined,
        authorName: undefined,
        status: undefined,
        marker: undefined,
      },
      opts,
      "rackspace",
      "TicketComment",
    );
  }
}
