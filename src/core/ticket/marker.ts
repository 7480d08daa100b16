/**
 * The correlation marker: how a ticket is found again when the answer to its creation
 * was lost (a dropped connection, a killed CLI between the POST and the state write).
 *
 * The marker is a short token derived from the organization, project, stack, the
 * resource's parent and name, and the ticket's replace-forcing inputs (attachments by
 * name and content), so the same create retried finds the ticket it opened, while a
 * replacement or another component's child of the same name does not. An input passed as a
 * secret is left out (only its name counts): the marker is printed and recorded, and an
 * unsalted hash of a short secret gives the secret back. It is appended to
 * the description (the ticket's first comment), after a line naming the ticket it
 * replaces (if any) and a one-line footer naming project, stack and resource, unless
 * the footer is off (`rackspace:markerFooter false`): then only the token is appended.
 */
import { createHash } from "node:crypto";
import { attachmentKey } from "../history/entries";
import type { ResourceRef } from "../ref";
import type { TicketInputs } from "./inputs";

export const MARKER_PREFIX = "pulumi-rt-";
const MARKER_RE = /pulumi-rt-[0-9a-f]{16}/;

export type { ResourceRef } from "../ref";

/** The replace-forcing inputs the marker covers. */
export type MarkerInputs = Pick<TicketInputs, "accountId" | "subject" | "category" | "subcategory" | "severity" | "description" | "attachments" | "recipients">;

/** A value the marker covers, or its stand-in when the program passed it as a secret. */
export function unlessSecret<T>(field: string, value: T, secrets: ReadonlySet<string>): T | string {
  return secrets.has(field) ? `[secret ${field}]` : value;
}

/** The marker of one logical ticket creation (`secrets`: the inputs the program passed as secrets, left out). */
export function markerFor(ref: ResourceRef, given: MarkerInputs, secrets: ReadonlySet<string> = new Set()): string {
  const inputs = hideSecrets(given, secrets);
  const identity = JSON.stringify([
    ref.organization ?? "",
    ref.project ?? "",
    ref.stack ?? "",
    ref.parent ?? "",
    ref.name ?? "",
    inputs.accountId,
    inputs.subject,
    inputs.category,
    inputs.subcategory,
    inputs.severity ?? "",
    inputs.description ?? "",
    [...(inputs.recipients ?? [])].sort(),
    (inputs.attachments ?? []).map(attachmentKey),
  ]);
  return MARKER_PREFIX + createHash("sha256").update(identity).digest("hex").slice(0, 16);
}

/** The inputs with every secret one replaced by its stand-in (the same in every run: the marker stays the same). */
function hideSecrets(inputs: MarkerInputs, secrets: ReadonlySet<string>): MarkerInputs {
  if (secrets.size === 0) return inputs;
  const out: Record<string, unknown> = { ...inputs };
  for (const k of Object.keys(out)) if (secrets.has(k)) out[k] = unlessSecret(k, out[k], secrets);
  // Lists and files stand in as a string: keep the shape markerFor reads.
  if (secrets.has("recipients")) out.recipients = ["[secret recipients]"];
  if (secrets.has("attachments")) out.attachments = [];
  return out as MarkerInputs;
}

const FOOTER_START = "Managed by Pulumi (pulumi-rackspace-ticketing)";

/** The text sent as the ticket's first comment: the description, the ticket it replaces, the footer or marker. */
export function describeWithMarker(description: string | undefined, marker: string, ref: ResourceRef, footer: boolean, replaces?: string): string {
  const lines: string[] = [];
  if (replaces) lines.push(`Replaces ticket ${replaces}.`);
  lines.push(footer ? `${FOOTER_START}: project ${ref.project ?? "?"}, stack ${ref.stack ?? "?"}, resource ${ref.name ?? "?"}. Marker: ${marker}` : marker);
  const tail = `${footer ? "-- \n" : ""}${lines.join("\n")}`;
  return description ? `${description}\n\n${tail}` : tail;
}

/** The marker in a text, if any. */
export function findMarker(text: string | null | undefined): string | undefined {
  return text ? MARKER_RE.exec(text)?.[0] : undefined;
}

const TAIL_RE = /(?:^|\n\n)(?:-- \n)?(?:Replaces ticket [^\n]*\n)?(?:Managed by Pulumi \(pulumi-rackspace-ticketing\)[^\n]*|pulumi-rt-[0-9a-f]{16})$/;

/** The description a user wrote, without the lines this package appended. */
export function stripMarker(text: string): string {
  const m = TAIL_RE.exec(text);
  return m ? text.slice(0, m.index) : text;
}

/** The ticket a description says it replaces, if it says so. */
export function replacedTicket(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const m = /\n(?:-- \n)?Replaces ticket ([^\s\n]+)\.\n(?:Managed by Pulumi|pulumi-rt-)/.exec(`\n${text}`);
  return m?.[1];
}
