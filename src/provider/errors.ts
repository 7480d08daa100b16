/**
 * The provider's two errors: a failed operation that changed nothing the stack must
 * record, and a partial failure after the ticket exists, which carries the id and what to
 * record (built from the ticket as last known), so the engine records the ticket and the
 * next `up` resumes.
 */
import type { RackspaceApiError } from "../api/errors";
import type { Ticket } from "../api/schemas";
import type { TicketInputs } from "./inputs";
import { KeptOutputs, outputsFrom } from "./outputs";
import type { EntryRecord } from "./posted";

/** What a record is built from: the declared inputs, the ticket as last known, the records of what the stack posted. */
export interface RecordParts {
  inputs: TicketInputs;
  ticket: Ticket;
  /** Records of the entries of `comments` on the ticket. */
  posted: readonly EntryRecord[];
  /** The notes posted and the gate's record. */
  kept: KeptOutputs;
}

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
  /** @internal Thrown by the provider only. */
  constructor(
    message: string,
    readonly id: string,
    private readonly parts: RecordParts,
  ) {
    super(message);
    this.name = "TicketPartialFailure";
    this.reasons = [message];
    this.properties = { ...outputsFrom(parts.inputs, parts.ticket, parts.posted, parts.kept) };
  }

  /**
   * The same failure, recording only the given comment and note records. An update that fails
   * is recorded by the engine with the OLD inputs beside these outputs (pulumi/pulumi#2011), so
   * the records must be those the old inputs declare: the entries this update posted are found
   * in the thread by the next `up`, instead of making the old inputs look like a removal.
   */
  withRecords(posted: readonly EntryRecord[], notes: readonly EntryRecord[]): TicketPartialFailure {
    const e = new TicketPartialFailure(this.message, this.id, { ...this.parts, posted, kept: { ...this.parts.kept, notes: [...notes] } });
    e.stack = this.stack;
    return e;
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
