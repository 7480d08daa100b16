/**
 * pulumi-rackspace-ticketing: Rackspace support and change tickets as Pulumi resources.
 */
export { RackspaceTicket } from "./provider/resource";
export type { AttachmentArgs, CommentArgs, RackspaceTicketArgs, WaitForArgs } from "./provider/resource";
export { RackspaceTicketComment } from "./provider/comment-resource";
export type { RackspaceTicketCommentArgs } from "./provider/comment-resource";
export { RackspaceTicketCommentProvider } from "./provider/comment-provider";
export type { TicketCommentOutputs } from "./provider/comment-outputs";
export type { CommentResourceInputs } from "./provider/comment-inputs";
export { RackspaceTicketProvider, TicketOperationError, TicketPartialFailure } from "./provider/provider";
export type { ThreadEntry, ThreadAttachment, PersonOutput, TicketOutputs } from "./provider/outputs";
export type { WaitForInput } from "./provider/wait-for";
export type { ApprovalOutput } from "./provider/approval";
export type { NoteRecord } from "./provider/notes";
export type { AttachmentInput, CommentInput } from "./provider/entries";
export { getAccounts, getAccountsOutput, getCategories, getCategoriesOutput, getResources, getResourcesOutput } from "./lookups";
export type { GetResourcesArgs, LookupOptions, ResourceInfo } from "./lookups";
export type { CheckFailure, TicketInputs } from "./provider/inputs";
export type { Bookkeeping, EngineInputs, TicketRecord } from "./provider/records";
export type { ReadOutcome } from "./provider/read";
export { CONFIG_KEYS } from "./config/keys";
export * as api from "./api";
