/**
 * The URN of a resource from what its provider knows (project, stack, parent URN, name, type),
 * computed the way the engine forms it, for messages that give the exact command to run.
 */
import type { ResourceRef } from "./marker";

/** The type token of a RackspaceTicket declared through the dynamic provider. */
export const DYNAMIC_TICKET_TYPE = "pulumi-nodejs:dynamic/rackspace:Ticket";
/** The type token of a RackspaceTicketComment declared through the dynamic provider. */
export const DYNAMIC_COMMENT_TYPE = "pulumi-nodejs:dynamic/rackspace:TicketComment";

/** The resource's URN, or undefined when the project or stack is not known. */
export function urnOf(ref: ResourceRef, type: string): string | undefined {
  if (!ref.project || !ref.stack || !ref.name) return undefined;
  const parentType = ref.parent?.split("::")[2];
  const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
  return `urn:pulumi:${ref.stack}::${ref.project}::${qualified}::${ref.name}`;
}
