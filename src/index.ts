/**
 * pulumi-rackspace-ticketing: Rackspace support and change tickets as Pulumi resources.
 *
 * A program loads only the resources and their stubs: everything else here (the providers,
 * the lookups, the API client with axios and zod) is loaded on first use, so a `pulumi
 * preview` pays nothing for what it does not run.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- the lazy exports below require their module on first use */
import type * as ApiModule from "./api";
import type * as CommentProviderModule from "./provider/comment-provider";
import type * as LookupsModule from "./lookups";
import type * as ProviderModule from "./provider/provider";

export { RackspaceTicket } from "./provider/resource";
export type { AttachmentArgs, CommentArgs, RackspaceTicketArgs, WaitForArgs } from "./provider/resource";
export { RackspaceTicketComment } from "./provider/comment-resource";
export type { RackspaceTicketCommentArgs } from "./provider/comment-resource";
export type { TicketCommentOutputs } from "./provider/comment-outputs";
export type { CommentResourceInputs } from "./provider/comment-inputs";
export type { ThreadEntry, ThreadAttachment, PersonOutput, TicketOutputs, UnconfirmedCreate } from "./provider/outputs";
export type { WaitForInput } from "./provider/wait-for";
export type { ApprovalOutput, GateBaseline } from "./provider/approval";
export type { NoteRecord } from "./provider/notes";
export type { EntryRecord } from "./provider/posted";
export type { ThreadMessage } from "./provider/thread-view";
export type { AttachmentInput, CommentInput } from "./provider/entries";
export type { GetResourcesArgs, LookupOptions, ResourceInfo } from "./lookups";
export type { CheckFailure, TicketInputs } from "./provider/inputs";
export type { Bookkeeping, EngineInputs, TicketRecord } from "./provider/records";
export type { ReadOutcome } from "./provider/read";
// Light modules (types and constants only): loaded with the package.
export { TicketOperationError, TicketPartialFailure } from "./provider/errors";
export { CONFIG_KEYS } from "./config/keys";

/** Defines `name` on this module's exports as a getter that loads its module once. */
function lazy(name: string, load: () => unknown): void {
  Object.defineProperty(exports, name, { enumerable: true, configurable: false, get: load });
}

/** The dynamic provider behind RackspaceTicket (the host loads it by name; tests drive it directly). */
export declare const RackspaceTicketProvider: typeof ProviderModule.RackspaceTicketProvider;
export type RackspaceTicketProvider = ProviderModule.RackspaceTicketProvider;
/** The dynamic provider behind RackspaceTicketComment. */
export declare const RackspaceTicketCommentProvider: typeof CommentProviderModule.RackspaceTicketCommentProvider;
export type RackspaceTicketCommentProvider = CommentProviderModule.RackspaceTicketCommentProvider;
/** The API client (TicketingClient, its errors and schemas), for programs that call the API themselves. */
export declare const api: typeof ApiModule;

lazy("RackspaceTicketProvider", () => (require("./provider/provider") as typeof ProviderModule).RackspaceTicketProvider);
lazy("RackspaceTicketCommentProvider", () => (require("./provider/comment-provider") as typeof CommentProviderModule).RackspaceTicketCommentProvider);
lazy("api", () => require("./api") as typeof ApiModule);

const lookups = () => require("./lookups") as typeof LookupsModule;
/** The accounts the credentials can see (GET /accounts). See the README's Lookups. */
export const getAccounts: typeof LookupsModule.getAccounts = (...args) => lookups().getAccounts(...args);
/** {@link getAccounts} as an Output. */
export const getAccountsOutput: typeof LookupsModule.getAccountsOutput = (...args) => lookups().getAccountsOutput(...args);
/** The categories and subcategories of an account (GET /categories). */
export const getCategories: typeof LookupsModule.getCategories = (...args) => lookups().getCategories(...args);
/** {@link getCategories} as an Output. */
export const getCategoriesOutput: typeof LookupsModule.getCategoriesOutput = (...args) => lookups().getCategoriesOutput(...args);
/** Devices of an account (the resources API), to fill `resources`. */
export const getResources: typeof LookupsModule.getResources = (...args) => lookups().getResources(...args);
/** {@link getResources} as an Output. */
export const getResourcesOutput: typeof LookupsModule.getResourcesOutput = (...args) => lookups().getResourcesOutput(...args);
