/**
 * The resources API (docs §4.8, §8.23): a user sees only the devices of their accounts, filtered, sorted and paged as the query asks (400 on a bad query).
 *
 * Served on its own listener like the real resources.api.rackspace.com host: GET /resources and GET /resources/{id}.
 *
 * Assumptions, where the docs are silent:
 * - `limit` defaults to 100 and must be 1–500; `offset` defaults to 0; both whole numbers.
 * - `status` defaults to `online`; `sortBy` to `id`; `sort` to `asc`. Values are lower-case and
 *   exact (`Online` is a 400). Name sorting is case-insensitive, ties broken by id.
 * - `q` is a case-insensitive substring match over id, name, IP addresses, type and location
 *   (not platform or account); an empty `q` matches everything.
 * - Unknown or repeated query parameters are a 400 (a typo would otherwise silently widen the list).
 * - No total count or next link (none documented): page with offset/limit until a short page.
 * - GET /resources/{id} returns the bare resource object, whatever its status, except
 *   decommissioned devices (never listed, 404 by id). Both routes are the `getResources`
 *   operation and the `resources` rate class.
 */
import { ApiFault } from "./errors";
import { describeIssues, SimResourceSchema } from "./schemas";
import type { SimResource } from "./types/entities";

export const RESOURCES_DEFAULT_LIMIT = 100;
export const RESOURCES_MAX_LIMIT = 500;

export interface ResourcesQuery {
  q?: string | undefined;
  offset: number;
  limit: number;
  status: "online" | "offline" | "all";
  sortBy: "id" | "name";
  sort: "asc" | "desc";
}

const PARAMS = ["q", "offset", "limit", "status", "sortBy", "sort"] as const;

function bad(message: string): ApiFault {
  return new ApiFault(400, message, "badRequest");
}

function oneOf<T extends string>(name: string, raw: string | null, allowed: readonly T[], dflt: T): T {
  if (raw === null) return dflt;
  if (!(allowed as readonly string[]).includes(raw)) throw bad(`Invalid ${name} '${raw}' (allowed: ${allowed.join(", ")})`);
  return raw as T;
}

function whole(name: string, raw: string | null, dflt: number, min: number, max: number): number {
  if (raw === null) return dflt;
  const n = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw bad(`Invalid ${name} '${raw}': must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`}`);
  }
  return n;
}

/** Parses and checks the query string of GET /resources (400 ApiFault on any bad value). */
export function parseResourcesQuery(params: URLSearchParams): ResourcesQuery {
  for (const key of new Set(params.keys())) {
    if (!(PARAMS as readonly string[]).includes(key)) throw bad(`Unknown query parameter '${key}' (allowed: ${PARAMS.join(", ")})`);
    if (params.getAll(key).length > 1) throw bad(`Query parameter '${key}' is given more than once`);
  }
  const q = params.get("q");
  return {
    ...(q !== null && q !== "" ? { q } : {}),
    offset: whole("offset", params.get("offset"), 0, 0, Number.MAX_SAFE_INTEGER),
    limit: whole("limit", params.get("limit"), RESOURCES_DEFAULT_LIMIT, 1, RESOURCES_MAX_LIMIT),
    status: oneOf("status", params.get("status"), ["online", "offline", "all"] as const, "online"),
    sortBy: oneOf("sortBy", params.get("sortBy"), ["id", "name"] as const, "id"),
    sort: oneOf("sort", params.get("sort"), ["asc", "desc"] as const, "asc"),
  };
}

function matches(r: SimResource, q: string): boolean {
  const needle = q.toLowerCase();
  return [r.id, r.name, r.type, r.location, ...r.network.ips].some((v) => v.toLowerCase().includes(needle));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One page of the devices of `accountIds` that match the query. */
export function listResources(all: readonly SimResource[], accountIds: ReadonlySet<string>, query: ResourcesQuery): SimResource[] {
  const dir = query.sort === "desc" ? -1 : 1;
  return all
    .filter((r) => accountIds.has(r.accountId) && r.status !== "decommissioned")
    .filter((r) => query.status === "all" || r.status === query.status)
    .filter((r) => query.q === undefined || matches(r, query.q))
    .sort((a, b) => dir * (query.sortBy === "name" ? compare(a.name.toLowerCase(), b.name.toLowerCase()) || compare(a.id, b.id) : compare(a.id, b.id)))
    .slice(query.offset, query.offset + query.limit);
}

/** A visible device by id, or a 404. */
export function findResource(all: readonly SimResource[], accountIds: ReadonlySet<string>, id: string): SimResource {
  const r = all.find((x) => x.id === id && accountIds.has(x.accountId) && x.status !== "decommissioned");
  if (!r) throw new ApiFault(404, `Resource ${id} could not be found`, "notFound");
  return r;
}

/** `{resourcesUrl}/resources/{id}`, with ':' left readable as in the docs' examples. */
export function resourceUrl(resourcesUrl: string, id: string): string {
  return `${resourcesUrl}/resources/${encodeURIComponent(id).replace(/%3A/gi, ":")}`;
}

/** The wire form of a device. */
export function resourceView(r: SimResource, resourcesUrl: string): Record<string, unknown> {
  return {
    accountId: r.accountId,
    name: r.name,
    id: r.id,
    platform: r.platform,
    type: r.type,
    location: r.location,
    status: r.status,
    network: { ips: [...r.network.ips] },
    _links: { self: resourceUrl(resourcesUrl, r.id) },
  };
}

/** Checks configured devices (RangeError on a bad entry or a duplicate id). */
export function checkResources(list: readonly SimResource[]): SimResource[] {
  const ids = new Set<string>();
  return list.map((r, i) => {
    const parsed = SimResourceSchema.safeParse(r);
    if (!parsed.success) throw new RangeError(`resources[${i}]: ${describeIssues(parsed.error)}`);
    if (ids.has(r.id)) throw new RangeError(`resources[${i}]: duplicate id '${r.id}'`);
    ids.add(r.id);
    return structuredClone(parsed.data);
  });
}
