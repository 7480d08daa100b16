/**
 * A partial failure after the ticket exists: it carries the id and what to record (built from
 * the ticket as last known), so the engine records the ticket and the next `up` resumes. What
 * only the provider uses is `@internal`: left out of the published declarations
 * (`stripInternal`), which then reach no zod type through this class.
 */
import type { Ticket } from "../../api/schemas";
import type { EntryRecord } from "../history/posted";
import type { TicketInputs } from "./inputs";
import { KeptOutputs, outputsFrom } from "./outputs";

/** @internal What a record is built from: the declared inputs, the ticket as last known, the records of what the stack posted. */
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
   * @internal
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

