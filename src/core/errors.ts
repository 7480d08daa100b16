/**
 * A failed operation that changed nothing the stack must record (a partial failure, which
 * does, is ./ticket/partial-failure), and how an error is handed to the dynamic provider host.
 */
import type { RackspaceApiError } from "../api/errors";

/** A failed operation on a ticket, naming the resource, the operation and what to do. */
export class TicketOperationError extends Error {
  constructor(
    message: string,
    readonly apiError?: RackspaceApiError,
  ) {
    super(message);
    this.name = "TicketOperationError";
  }
}

/**
 * An error as the dynamic provider host should print it. The host writes `${e}: ${e.stack}` to
 * stderr (the stack's row) before the engine prints the message on the resource's row, so a
 * message came out three times; this leaves a one-line pointer there, and the message once.
 */
export function forTheHost<E>(e: E, who: string): E {
  if (e instanceof Error) {
    Object.defineProperty(e, "toString", { value: () => who, enumerable: false, configurable: true });
    e.stack = "the error is on its row";
  }
  return e;
}
