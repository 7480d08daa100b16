/**
 * Adopting a ticket opened outside Pulumi (in the portal, by a script, by a colleague).
 *
 *   pulumi config set import-existing:ticketId 261128-iad-0000123
 *   pulumi config set import-existing:subject "Patch the load balancers"
 *   pulumi up
 *
 * `adoptTicketId` makes the first `up` take over the ticket instead of opening one: the
 * ticket must be open and have this account and subject (those cannot be changed on an
 * existing ticket); the declared resources are applied and the declared comments not yet on
 * the ticket are posted. From then on it is an ordinary resource: comments appended to
 * `import-existing:comments` are posted, and `pulumi destroy` closes the ticket.
 *
 * Why not `new RackspaceTicket(..., { import: ticketId })`? For an import Pulumi calls the
 * provider's read without any state, and the Node.js dynamic provider host cannot load a
 * dynamic provider without it (pulumi/pulumi#3550): the import fails before any API call.
 */
import * as pulumi from "@pulumi/pulumi";
import { RackspaceTicket } from "pulumi-rackspace-ticketing";

const config = new pulumi.Config();

const ticket = new RackspaceTicket("adopted-ticket", {
  adoptTicketId: config.require("ticketId"),
  accountId: config.get("accountId") ?? "hybrid:100001",
  subject: config.require("subject"),
  category: config.get("category") ?? "Change",
  subcategory: config.get("subcategory") ?? "General",
  // The ticket's first comment, as it was opened (kept in the stack; it cannot be edited).
  description: config.get("description"),
  resources: config.getObject<string[]>("resources"),
  // Customer comments after the first, in order; entries added at the end are posted.
  comments: config.getObject<string[]>("comments"),
});

export const adoptedTicketId = ticket.ticketId;
export const status = ticket.status;
export const created = ticket.created;
export const createdBy = ticket.createdBy.apply((p) => p.name);
export const comments = ticket.comments;
/** One line per comment on the ticket, Racker replies included. */
export const thread = ticket.thread.apply((entries) => entries.map((c) => `${c.authorName} (${c.authorType}): ${c.text.split("\n")[0]}`));
