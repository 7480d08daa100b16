/**
 * What a ticket's status and an API error say about the ticket: only `Closed` is final
 * (statuses are open strings), and only the API's `ticketNotFound` fault means the
 * ticket is gone; any other 404 (a gateway, a wrong base URL) proves nothing.
 */
import { isRackspaceApiError } from "../api/errors";

/** Whether a status is the one final state (compared without case or surrounding space). */
export function isClosed(status: unknown): boolean {
  return typeof status === "string" && status.trim().toLowerCase() === "closed";
}

/** Whether an error is the API's own word that the ticket does not exist. */
export function isTicketGone(e: unknown): boolean {
  return isRackspaceApiError(e) && e.status === 404 && e.faultCode === "ticketNotFound";
}

/** Whether the API refused a request as such (400): on an existing ticket, often because it is closed. */
export function isRefused(e: unknown): boolean {
  return isRackspaceApiError(e) && e.kind === "badRequest";
}
