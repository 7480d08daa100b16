/**
 * pulumi-rackspace-ticketing: Rackspace support and change tickets as Pulumi resources.
 */
export { RackspaceTicket } from "./provider/resource";
export type { RackspaceTicketArgs } from "./provider/resource";
export { RackspaceTicketProvider, TicketOperationError, TicketPartialFailure } from "./provider/provider";
export type { ThreadEntry, PersonOutput, TicketOutputs } from "./provider/outputs";
export type { TicketInputs } from "./provider/inputs";
export { CONFIG_KEYS } from "./provider/config";
export * as api from "./api";
