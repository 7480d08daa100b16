/**
 * RackspaceTicketProvider: the dynamic face of the TicketEngine (../../core/ticket/engine). The
 * dynamic provider host loads it by name through ./impl, never serialized; its lines go to the
 * engine's log, on the resource's row (../engine-log).
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { TicketEngine } from "../../core/ticket/engine";
import type { EngineInputs, TicketRecord } from "../../core/ticket/records";
import { DYNAMIC_TICKET_TYPE } from "../../core/ticket/urn";
import { engineAddressFromArgv, engineSink } from "../engine-log";

export { TicketOperationError } from "../../core/errors";
export { TicketPartialFailure } from "../../core/ticket/partial-failure";
export { WAIT_NOTICE_MS } from "../../core/context";
export type { ReadOutcome } from "../../core/ticket/read";
export type { TicketDiff } from "../../core/ticket/diff";
export type { DiffKind, PropertyChange } from "../../core/ticket/detailed-diff";

export class RackspaceTicketProvider extends TicketEngine implements dynamic.ResourceProvider<EngineInputs, TicketRecord> {
  constructor() {
    super(DYNAMIC_TICKET_TYPE, (fallback) => engineSink(engineAddressFromArgv(), fallback));
  }
}
