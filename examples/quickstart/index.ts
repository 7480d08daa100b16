/**
 * Quick start: one change ticket, declared next to the change it describes.
 *
 * Everything a deployment changes is stack config here so the demo can walk through
 * the lifecycle; in a real program these would be your own values:
 *   pulumi config set quickstart:subject "Deploy web tier v2"
 *   pulumi config set --path 'quickstart:comments[0]' "Deployed build 42"
 *   pulumi config set --path 'quickstart:resources[0]' https://resources.api.rackspace.com/resources/dedicated:0001
 */
import * as pulumi from "@pulumi/pulumi";
import { RackspaceTicket } from "pulumi-rackspace-ticketing";

const config = new pulumi.Config("quickstart");

const ticket = new RackspaceTicket("web-tier-change", {
  accountId: config.get("accountId") ?? "hybrid:100001",
  subject: config.get("subject") ?? "Deploy web tier v2",
  category: "Change",
  subcategory: "General",
  severity: "Normal",
  // getSecret: a description set with `pulumi config set --secret` stays secret in the state.
  description: config.getSecret("description") ?? "Rolling out web tier v2 to the DFW cluster. Rollback: redeploy v1.",
  resources: config.getObject<string[]>("resources") ?? ["https://resources.api.rackspace.com/resources/dedicated:0001"],
  comments: config.getObject<string[]>("comments") ?? [],
});

export const ticketId = ticket.ticketId;
export const status = ticket.status;
export const resources = ticket.resources;
export const thread = ticket.thread.apply((t) => t.map((c) => `${c.authorName} (${c.authorType}): ${c.text}`));
