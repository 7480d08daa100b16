/**
 * pulumi-rackspace-ticketing: Rackspace support and change tickets as Pulumi resources.
 *
 * The public surface, and nothing else: the resources, the shapes of their arguments and
 * outputs (plain interfaces: a user's compiler checks no zod declaration through them), the
 * errors, the lookups and the stack config keys. A program loads only the resources and their
 * stubs: the lookups (with the API client, axios and zod) are loaded on first use, so a
 * `pulumi preview` pays nothing for what it does not run.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- the lookups below require their module on first use */
import type * as LookupsModule from "./lookups";
import type { Account, Category, GetResourcesArgs, LookupOptions, ResourceInfo } from "./lookups/public-types";
import type * as pulumi from "@pulumi/pulumi";

export { RackspaceTicket } from "./faces/dynamic/ticket";
export type { AttachmentArgs, CommentArgs, RackspaceTicketArgs, WaitForArgs } from "./faces/dynamic/ticket";
export { RackspaceTicketComment } from "./faces/dynamic/comment";
export type { RackspaceTicketCommentArgs } from "./faces/dynamic/comment";
export type {
  ApprovalOutput,
  AttachmentInput,
  CommentInput,
  EntryRecord,
  GateBaseline,
  NoteRecord,
  PersonOutput,
  ThreadAttachment,
  ThreadEntry,
  ThreadMessage,
  TicketCommentOutputs,
  TicketOutputs,
  UnconfirmedCreate,
  WaitForInput,
} from "./core/public-types";
export type { Account, Category, GetResourcesArgs, LookupOptions, ResourceInfo, Subcategory } from "./lookups/public-types";
// Light modules (classes and constants only): loaded with the package.
export { TicketOperationError } from "./core/errors";
export { TicketPartialFailure } from "./core/ticket/partial-failure";
export { RackspaceApiError } from "./api/errors";
export type { CallRetryLimits as ApiCallRetryLimits, ErrorKind as ApiErrorKind, Operation as ApiOperation } from "./api/errors";
export { CONFIG_KEYS } from "./config/keys";

const lookups = () => require("./lookups") as typeof LookupsModule;

/** The accounts the credentials can see (GET /accounts). See the README's Lookups. */
export function getAccounts(options?: LookupOptions): Promise<Account[]> {
  return lookups().getAccounts(options);
}

/** {@link getAccounts} as an Output. */
export function getAccountsOutput(options?: pulumi.Input<LookupOptions>): pulumi.Output<Account[]> {
  return lookups().getAccountsOutput(options);
}

/** The categories and subcategories of an account (GET /categories), with the products each allows. */
export function getCategories(options?: LookupOptions): Promise<Category[]> {
  return lookups().getCategories(options);
}

/** {@link getCategories} as an Output. */
export function getCategoriesOutput(options?: pulumi.Input<LookupOptions>): pulumi.Output<Category[]> {
  return lookups().getCategoriesOutput(options);
}

/** Devices of an account (the resources API), to fill `resources`: every page unless `offset` or `limit` asks for one. */
export function getResources(args?: GetResourcesArgs, options?: LookupOptions): Promise<ResourceInfo[]> {
  return lookups().getResources(args, options);
}

/** {@link getResources} as an Output. */
export function getResourcesOutput(args?: pulumi.Input<GetResourcesArgs>, options?: pulumi.Input<LookupOptions>): pulumi.Output<ResourceInfo[]> {
  return lookups().getResourcesOutput(args, options);
}
