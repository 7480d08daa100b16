/**
 * The account catalog: the accounts a user may use and the categories of the API,
 * fetched once per process and credential (GET /accounts, GET /categories), and the
 * rules that say whether a category, subcategory and severity fit an account.
 *
 * Both lists rarely change and the docs give them no paging (docs §8.32), so one fetch
 * serves a whole deployment; they are kept for 10 minutes.
 */
import type { CallContext, TicketingClient } from "../api/client";
import type { Account, Category, Resource, ResourcesQuery } from "../api/schemas";
import type { GetResourcesArgs, ResourceInfo } from "./public-types";

/** Compile-time: whether A and B are the same type (the identity relation; as src/core/same-shape.ts, which this room may not import). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** How long a fetched catalog is reused. */
export const CATALOG_TTL_MS = 10 * 60_000;

interface Entry<T> {
  at: number;
  value: Promise<T>;
}

interface Cache {
  accounts: Map<string, Entry<Account[]>>;
  categories: Map<string, Entry<Category[]>>;
}

const CACHE_KEY = Symbol.for("pulumi-rackspace-ticketing.catalog.v1");

function cache(): Cache {
  const g = globalThis as unknown as Record<symbol, Cache | undefined>;
  g[CACHE_KEY] ??= { accounts: new Map(), categories: new Map() };
  return g[CACHE_KEY];
}

function memo<T>(map: Map<string, Entry<T>>, key: string, load: () => Promise<T>, now = Date.now()): Promise<T> {
  const hit = map.get(key);
  if (hit && now - hit.at < CATALOG_TTL_MS) return hit.value;
  const value = load();
  map.set(key, { at: now, value });
  // A failure is not remembered: the next caller asks again.
  value.catch(() => {
    if (map.get(key)?.value === value) map.delete(key);
  });
  return value;
}

/** GET /accounts, once per process and credential. */
export function cachedAccounts(client: TicketingClient, ctx?: CallContext): Promise<Account[]> {
  return memo(cache().accounts, client.cacheKey, () => client.getAccounts(ctx));
}

/** GET /categories, once per process and credential. */
export function cachedCategories(client: TicketingClient, ctx?: CallContext): Promise<Category[]> {
  return memo(cache().categories, client.cacheKey, () => client.getCategories(ctx));
}

/** Forgets every cached catalog (tests). */
export function resetCatalogCache(): void {
  cache().accounts.clear();
  cache().categories.clear();
}

/**
 * Category names compared the way the docs advise (§8.7): case, `&` versus `and`, and a
 * plural do not make two names different ("Billing & Payment" = "Billing and Payments").
 */
export function normalizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, " and ")
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => (w.length > 3 && w.endsWith("s") ? w.slice(0, -1) : w))
    .join(" ");
}

export interface TicketChoice {
  accountId: string;
  category: string;
  subcategory: string;
  severity?: string;
}

export interface ChoiceProblem {
  property: "accountId" | "category" | "subcategory" | "severity";
  reason: string;
}

function listOf(names: string[], max = 12): string {
  const shown = names.slice(0, max).map((n) => JSON.stringify(n));
  return shown.join(", ") + (names.length > max ? `, … (${names.length - max} more)` : "");
}

/** Subcategories of `category` open to an account of product type `productType`. */
export function subcategoriesFor(category: Category, productType: string | undefined): string[] {
  return category.subcategories
    .filter((s) => !productType || s.allowedProducts.length === 0 || s.allowedProducts.includes(productType))
    .map((s) => s.name);
}

/**
 * Whether the choice fits the account, by the catalog. Every problem names the valid
 * values, so the fix is in the message.
 */
export function checkChoice(choice: TicketChoice, accounts: Account[], categories: Category[]): ChoiceProblem[] {
  const problems: ChoiceProblem[] = [];
  const account = accounts.find((a) => a.id === choice.accountId);
  if (!account) {
    problems.push({
      property: "accountId",
      reason: `account ${JSON.stringify(choice.accountId)} is not one this user may use; GET /accounts lists ${accounts.length ? listOf(accounts.map((a) => a.id)) : "no account"}`,
    });
    return problems;
  }
  const productType = account.type?.id ?? undefined;
  const category = categories.find((c) => normalizeName(c.name) === normalizeName(choice.category));
  if (!category) {
    problems.push({ property: "category", reason: `category ${JSON.stringify(choice.category)} does not exist; GET /categories lists ${listOf(categories.map((c) => c.name))}` });
  } else {
    const allowed = subcategoriesFor(category, productType);
    if (!allowed.some((s) => s.toLowerCase() === choice.subcategory.toLowerCase())) {
      problems.push({
        property: "subcategory",
        reason: `subcategory ${JSON.stringify(choice.subcategory)} of ${JSON.stringify(category.name)} is not open to ${productType ? `${productType} accounts` : "this account"}; use ${allowed.length ? listOf(allowed) : "another category (none of its subcategories is)"}`,
      });
    }
  }
  if (choice.severity !== undefined && account.severities.length > 0 && !account.severities.includes(choice.severity)) {
    problems.push({ property: "severity", reason: `severity ${JSON.stringify(choice.severity)} is not allowed on account ${account.id}; it allows ${listOf(account.severities)}` });
  }
  return problems;
}

export type { GetResourcesArgs, ResourceInfo } from "./public-types";

/** Compile-time: the public GetResourcesArgs is the API's query plus `allPages`. */
const _argsMatchTheQuery: Same<Omit<GetResourcesArgs, "allPages">, ResourcesQuery> = true;
void _argsMatchTheQuery;

function toInfo(r: Resource): ResourceInfo {
  return {
    id: r.id,
    name: r.name ?? "",
    accountId: r.accountId ?? "",
    platform: r.platform ?? "",
    type: r.type ?? "",
    location: r.location ?? "",
    status: r.status ?? "",
    url: r._links?.self ?? "",
    raw: r,
  };
}

/** GET /resources on the resources host: devices matching the query (docs §4.8), every page unless one is asked for. */
export async function resourcesOf(client: TicketingClient, args: GetResourcesArgs = {}, ctx?: CallContext): Promise<ResourceInfo[]> {
  const { allPages, ...query } = args;
  const paged = query.offset !== undefined || query.limit !== undefined;
  if (paged || allPages === false) return (await client.getResources(query, ctx)).map(toInfo);
  const all: Resource[] = [];
  const pageSize = 500;
  for (let offset = 0; ; offset += pageSize) {
    const page = await client.getResources({ ...query, offset, limit: pageSize }, ctx);
    all.push(...page);
    if (page.length < pageSize) break;
  }
  return all.map(toInfo);
}
