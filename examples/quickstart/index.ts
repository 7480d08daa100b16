/**
 * Quick start: one change ticket, declared next to the change it describes.
 *
 * Everything a deployment changes is stack config here so the demo can walk through
 * the lifecycle; in a real program these would be your own values:
 *   pulumi config set quickstart:subject "Deploy web tier v2"
 *   pulumi config set --path 'quickstart:comments[0]' "Deployed build 42"
 *   pulumi config set --path 'quickstart:resources[0]' https://resources.api.rackspace.com/resources/dedicated:0001
 *   pulumi config set quickstart:note "Deployed build 43"
 *
 * With `pulumi config set quickstart:approvalGate true` the ticket is a gate: the part of the
 * change that needs Rackspace's approval (here a stand-in resource) is created only once a
 * Racker has replied "approved" after the stack's last entry on the ticket.
 */
import * as pulumi from "@pulumi/pulumi";
import { RackspaceTicket } from "pulumi-rackspace-ticketing";

const config = new pulumi.Config("quickstart");
const gated = config.getBoolean("approvalGate") ?? false;

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
  // One comment per deployment: posted when its value changes, nothing when it does not.
  note: config.get("note"),
  closingComment: config.get("closingComment"),
  // The approval gate (the demo turns it on): the ticket's create returns once a Racker has
  // replied "approved" after the stack's last entry on the ticket.
  waitFor: gated
    ? { approval: "approved", rejection: "/rejected|denied/i", timeout: config.get("approvalTimeout") ?? "30m", pollInterval: config.get("pollInterval") ?? "30s" }
    : undefined,
});

/**
 * Stands in for the risky part of the change (a failover, a DNS cut-over): it depends on the
 * ticket, so the engine creates it only after the approval gate is met.
 */
class CutOver extends pulumi.dynamic.Resource {
  declare public readonly startedAt: pulumi.Output<string>;
  constructor(name: string, opts: pulumi.CustomResourceOptions) {
    const provider: pulumi.dynamic.ResourceProvider = {
      async create() {
        return { id: `cutover-${Date.now()}`, outs: { startedAt: new Date().toISOString() } };
      },
    };
    super(provider, name, { startedAt: undefined }, opts);
  }
}
const riskyPart = gated ? new CutOver("web-tier-cutover", { dependsOn: [ticket] }) : undefined;

export const ticketId = ticket.ticketId;
export const status = ticket.status;
export const resources = ticket.resources;
export const approval = ticket.approval;
export const cutoverStartedAt = riskyPart?.startedAt;
export const thread = ticket.thread.apply((t) => t.map((c) => `${c.authorName} (${c.authorType}): ${c.text}`));
