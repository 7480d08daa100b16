/**
 * The correlation marker: how a ticket is found again when the answer to its creation
 * was lost (a dropped connection, a killed CLI between the POST and the state write).
 *
 * The marker is a short token derived from the stack, the resource and the ticket's
 * replace-forcing inputs, so the same create retried finds the ticket it opened, while a
 * replacement (different inputs) or a re-creation after the old ticket was closed does
 * not adopt the wrong one. It is appended to the description (the ticket's first comment),
 * with a one-line footer naming the project, stack and resource unless the footer is
 * turned off (`rackspace:markerFooter false`): then only the token is appended.
 */
import { createHash } from "node:crypto";
import type { TicketInputs } from "./inputs";

export const MARKER_PREFIX = "pulumi-rt-";
const MARKER_RE = /pulumi-rt-[0-9a-f]{16}/;

export interface ResourceRef {
  project?: string;
  stack?: string;
  name?: string;
}

/** The marker of one logical ticket creation. */
export function markerFor(ref: ResourceRef, inputs: TicketInputs): string {
  const identity = JSON.stringify([
    ref.project ?? "",
    ref.stack ?? "",
    ref.name ?? "",
    inputs.accountId,
    inputs.subject,
    inputs.category,
    inputs.subcategory,
    inputs.severity ?? "",
    inputs.description ?? "",
    inputs.recipients ?? [],
  ]);
  return MARKER_PREFIX + createHash("sha256").update(identity).digest("hex").slice(0, 16);
}

/** The text sent as the ticket's first comment: the description plus the marker. */
export function describeWithMarker(description: string | undefined, marker: string, ref: ResourceRef, footer: boolean): string {
  const tail = footer
    ? `-- \nManaged by Pulumi (pulumi-rackspace-ticketing): project ${ref.project ?? "?"}, stack ${ref.stack ?? "?"}, resource ${ref.name ?? "?"}. Marker: ${marker}`
    : marker;
  return description ? `${description}\n\n${tail}` : tail;
}

/** The marker in a text, if any. */
export function findMarker(text: string | null | undefined): string | undefined {
  return text ? MARKER_RE.exec(text)?.[0] : undefined;
}

/** The description a user wrote, without the footer or marker this package appended. */
export function stripMarker(text: string): string {
  const i = text.search(/\n\n(?:-- \nManaged by Pulumi \(pulumi-rackspace-ticketing\)[^\n]*|pulumi-rt-[0-9a-f]{16})$/);
  if (i >= 0) return text.slice(0, i);
  return MARKER_RE.test(text) && text.trim() === findMarker(text) ? "" : text;
}
