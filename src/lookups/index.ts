/**
 * Lookups for Pulumi programs: the accounts the user may open tickets in, the API's
 * categories, and the devices (resources) that can be attached to a ticket.
 *
 *   const accounts = await rackspace.getAccounts();
 *   const web = await rackspace.getResources({ q: "web" });
 *   new rackspace.RackspaceTicket("change", { resources: web.map((r) => r.url), ... });
 *
 * They read the same stack config as the resource (`rackspace:*`, then RACKSPACE_*),
 * run in the program process during preview and update alike, and cache accounts and
 * categories for the process (GET /accounts and GET /categories are rate limited).
 * Each has an `…Output` form for use with other Outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { TicketingClient } from "../api/client";
import type { ClientOptions } from "../api/config";
import { fingerprint } from "../api/identity";
import type * as Api from "../api/schemas";
import { optionsFromConfig } from "../config/client-options";
import { cachedAccounts, cachedCategories, resourcesOf } from "./catalog";
import type { Account, Category, GetResourcesArgs, LookupOptions, ResourceInfo } from "./public-types";

export { checkChoice, normalizeName, subcategoriesFor, resetCatalogCache, CATALOG_TTL_MS } from "./catalog";
export type { TicketChoice, ChoiceProblem } from "./catalog";
export type { Account, Category, GetResourcesArgs, LookupOptions, ResourceInfo, Subcategory } from "./public-types";

/** Compile-time: the public shapes are the client's (options) and the API's (answers), so neither drifts unseen. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const _publicShapes: [Same<LookupOptions, ClientOptions>, Same<Account, Api.Account>, Same<Category, Api.Category>] = [true, true, true];
void _publicShapes;

/** Stack config as the program sees it (secrets included: they are read, never returned). */
function programConfig() {
  return { get: (key: string) => pulumi.runtime.getConfig(key) };
}

const CLIENTS = Symbol.for("pulumi-rackspace-ticketing.lookup-clients.v1");

function clientFor(options: LookupOptions | undefined): TicketingClient {
  const merged: ClientOptions = { ...optionsFromConfig(programConfig()) };
  for (const [k, v] of Object.entries(options ?? {})) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  // One client per distinct configuration for the process: they share tokens and limiters anyway.
  const g = globalThis as unknown as Record<symbol, Map<string, TicketingClient> | undefined>;
  const clients = (g[CLIENTS] ??= new Map());
  // The key holds fingerprints of the secrets, never the secrets.
  const key = JSON.stringify(merged, (k, v: unknown) => ((k === "apiKey" || k === "authToken") && typeof v === "string" ? fingerprint(v) : v));
  let client = clients.get(key);
  if (!client) {
    client = new TicketingClient(merged);
    clients.set(key, client);
  }
  return client;
}

/** GET /accounts: every account the user may view or open tickets in. */
export function getAccounts(options?: LookupOptions): Promise<Account[]> {
  return cachedAccounts(clientFor(options));
}

/** GET /categories: categories with their subcategories and the products each allows. */
export function getCategories(options?: LookupOptions): Promise<Category[]> {
  return cachedCategories(clientFor(options));
}

/** GET /resources on the resources host: devices matching the query (docs §4.8). */
export function getResources(args: GetResourcesArgs = {}, options?: LookupOptions): Promise<ResourceInfo[]> {
  return resourcesOf(clientFor(options), args);
}

/** {@link getAccounts} as an Output. */
export function getAccountsOutput(options?: pulumi.Input<LookupOptions>): pulumi.Output<Account[]> {
  return pulumi.output(options).apply((o) => getAccounts(o as LookupOptions | undefined));
}

/** {@link getCategories} as an Output. */
export function getCategoriesOutput(options?: pulumi.Input<LookupOptions>): pulumi.Output<Category[]> {
  return pulumi.output(options).apply((o) => getCategories(o as LookupOptions | undefined));
}

/** {@link getResources} as an Output. */
export function getResourcesOutput(args?: pulumi.Input<GetResourcesArgs>, options?: pulumi.Input<LookupOptions>): pulumi.Output<ResourceInfo[]> {
  return pulumi.all([args, options]).apply(([a, o]) => getResources((a ?? {}) as GetResourcesArgs, o as LookupOptions | undefined));
}
