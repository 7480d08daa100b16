/**
 * How the provider's messages name things: a message never prints a value the program
 * passed as a secret, never prints a description or comment text, and cuts every other
 * value to a short excerpt. Fields are named by their path (`comments[1].text`), counted
 * from 0 like the program's own lists.
 */
import { isRackspaceApiError } from "../api/errors";

/** Longest excerpt of a value a message prints. */
export const MAX_SHOWN = 80;

/** `RackspaceTicket "name" (ticket id)`: how every message starts (`kind` names the resource type). */
export function label(name: string | undefined, ticketId?: string, kind: string = "RackspaceTicket"): string {
  return `${kind}${name ? ` "${name}"` : ""}${ticketId ? ` (ticket ${ticketId})` : ""}`;
}

/** The message of an error (API errors already carry operation, status, faultCode and hint). */
export function describe(e: unknown): string {
  if (isRackspaceApiError(e)) return e.message;
  if (e instanceof Error) return e.message;
  return cut(String(e));
}

/** A text cut to `max` characters, saying how long it was. */
export function cut(text: string, max: number = MAX_SHOWN): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length.toLocaleString("en-US")} characters)`;
}

/**
 * A value as a message may show it: `[secret]` for a field the program passed as a
 * secret, the length for free text, otherwise its JSON cut to {@link MAX_SHOWN}.
 */
export function shown(field: string, value: unknown, secrets: ReadonlySet<string>, texts: ReadonlySet<string> = new Set()): string {
  const top = field.replace(/[[.].*$/, "");
  if (secrets.has(top)) return "[secret]";
  if (value === undefined || value === null) return "nothing";
  if (texts.has(top) && typeof value === "string") return `a text of ${value.length.toLocaleString("en-US")} characters`;
  return cut(JSON.stringify(value));
}

/** The names in a `__secretInputs` value (anything else counts as none). */
export function secretSet(value: unknown): Set<string> {
  return new Set(Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);
}

/** Where two texts first differ (0-based), for messages that must not print them. */
export function firstDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}
