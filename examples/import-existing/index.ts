/**
 * Adopting a ticket opened outside Pulumi (in the portal, by a script, by a colleague).
 *
 *   pulumi config set import-existing:ticketId 261128-iad-0000123
 *   pulumi config set import-existing:subject "Patch the load balancers"
 *   pulumi up
 *
 * The `import` resource option makes the first `up` take over the ticket instead of opening
 * one. As with any Pulumi import, the declared values must match the ticket (the run fails,
 * naming each difference, otherwise) and nothing is sent to change it. From then on it is an
 * ordinary resource: comments appended to `import-existing:comments` are posted, and
 * `pulumi destroy` closes the ticket. Keeping `import` in the program afterwards is harmless.
 *
 * (The engine's own import cannot reach a dynamic provider, pulumi/pulumi#3550; RackspaceTicket
 * honours the option itself by adopting the ticket when the resource is created. To take over
 * a ticket while changing its resources or adding comments in the same run, use the
 * `adoptTicketId` input instead.)
 */
import * as pulumi from "@pulumi/pulumi";
import { RackspaceTicket } from "pulumi-rackspace-ticketing";

const config = new pulumi.Config();

const ticket = new RackspaceTicket(
  "adopted-ticket",
  {
    accountId: config.get("accountId") ?? "hybrid:100001",
    subject: config.require("subject"),
    category: config.get("category") ?? "Change",
    subcategory: config.get("subcategory") ?? "General",
    // The ticket's first comment, as it was opened (kept in the stack; it cannot be edited).
    description: config.get("description"),
    resources: config.getObject<string[]>("resources"),
    // Customer comments after the first, in order; entries added at the end are posted.
    comments: config.getObject<string[]>("comments"),
  },
  { import: config.require("ticketId") },
);

export const adoptedTicketId = ticket.ticketId;
export const status = ticket.status;
export const created = ticket.created;
export const createdBy = ticket.createdBy.apply((p) => p.name);
export const comments = ticket.comments;
/** One line per comment on the ticket, Racker replies included. */
export const thread = ticket.thread.apply((entries) => entries.map((c) => `${c.authorName} (${c.authorType}): ${c.text.split("\n")[0]}`));
