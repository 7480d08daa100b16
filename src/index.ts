/**
 * pulumi-rackspace-ticketing: Rackspace support and change tickets as Pulumi resources.
 *
 * A program loads only the resources and their stubs: everything else here (the providers,
 * the lookups, the API client with axios and zod) is loaded on first use, so a `pulumi
 * preview` pays nothing for what it does not run.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- the lazy exports below require their module on first use */
import type * as ApiModule from "./api";
import type * as CommentProviderModule from "./faces/dynamic/comment-provider";
import type * as LookupsModule from "./lookups";
import type * as ProviderModule from "./faces/dynamic/provider";

export { RackspaceTicket } from "./faces/dynamic/ticket";
export type { AttachmentArgs, CommentArgs, RackspaceTicketArgs, WaitForArgs } from "./faces/dynamic/ticket";
export { RackspaceTicketComment } from "./faces/dynamic/comment";
export type { RackspaceTicketCommentArgs } from "./faces/dynamic/comment";
export type { TicketCommentOutputs } from "./core/comment/outputs";
export type { CommentResourceInputs } from "./core/comment/inputs";
export type { ThreadEntry, ThreadAttachment, PersonOutput, TicketOutputs, UnconfirmedCreate } from "./core/ticket/outputs";
export type { WaitForInput } from "./core/gate/wait-for";
export type { ApprovalOutput, GateBaseline } from "./core/gate/approval";
export type { NoteRecord } from "./core/history/notes";
export type { EntryRecord } from "./core/history/posted";
export type { ThreadMessage } from "./core/history/thread-view";
export type { AttachmentInput, CommentInput } from "./core/history/entries";
export type { GetResourcesArgs, LookupOptions, ResourceInfo } from "./lookups";
export type { CheckFailure, TicketInputs } from "./core/ticket/inputs";
export type { Bookkeeping, EngineInputs, TicketRecord } from "./core/ticket/records";
export type { ReadOutcome } from "./core/ticket/read";
// Light modules (types and constants only): loaded with the package.
export { TicketOperationError } from "./core/errors";
export { TicketPartialFailure } from "./core/ticket/partial-failure";
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

lazy("RackspaceTicketProvider", () => (require("./faces/dynamic/provider") as typeof ProviderModule).RackspaceTicketProvider);
lazy("RackspaceTicketCommentProvider", () => (require("./faces/dynamic/comment-provider") as typeof CommentProviderModule).RackspaceTicketCommentProvider);
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
