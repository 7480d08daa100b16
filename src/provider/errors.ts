/**
 * The provider's two errors: a failed operation that changed nothing the stack must
 * record, and a partial failure after the ticket exists, which carries the id and the
 * outputs so the engine records the ticket and the next `up` resumes.
 */
import type { RackspaceApiError } from "../api/errors";
import type { TicketOutputs } from "./outputs";

/**
 * An operation failed after the ticket exists. `id` and `properties` let the dynamic
 * provider host report "resource created but failed to initialise", so Pulumi records
 * the ticket and the next `up` resumes where this one stopped. `reasons` is what the
 * CLI prints: the whole message, guidance included.
 */
export class TicketPartialFailure extends Error {
  readonly reasons: string[];
  /** What the engine records as the outputs (the provider adds the serialized provider and the version). */
  properties: Record<string, unknown>;
  constructor(
    message: string,
    readonly id: string,
    outputs: TicketOutputs,
  ) {
    super(message);
    this.name = "TicketPartialFailure";
    this.reasons = [message];
    this.properties = { ...outputs };
  }
}

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
