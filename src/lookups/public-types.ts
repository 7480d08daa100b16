/**
 * What the lookups take and give (`getAccounts`, `getCategories`, `getResources` and their
 * `…Output` forms), as plain interfaces that import nothing: what the package's public
 * declarations reach, so a user's compiler checks no zod (or other library) declaration through
 * them. Optional properties admit `undefined` (`exactOptionalPropertyTypes`). Each is checked
 * against the API client's own type in ./index (a client change that forgets them fails the build).
 */

/** Explicit client options; anything left out comes from stack config (`rackspace:*`), then the environment (`RACKSPACE_*`). */
export interface LookupOptions {
  /** Ticketing API base URL (RACKSPACE_TICKETING_URL). */
  ticketingUrl?: string | undefined;
  /** Identity base URL (RACKSPACE_IDENTITY_URL); a trailing /v2.0 or /v2.0/tokens, as the docs print it, is accepted. */
  identityUrl?: string | undefined;
  /** Resources API base URL, its own host (RACKSPACE_RESOURCES_URL). */
  resourcesUrl?: string | undefined;
  /** Rackspace user name (RACKSPACE_USERNAME). */
  username?: string | undefined;
  /** API key of that user (RACKSPACE_API_KEY). Never logged, never stored. */
  apiKey?: string | undefined;
  /** A ready Identity token (RACKSPACE_AUTH_TOKEN), used instead of username + key. */
  authToken?: string | undefined;
  /** Rate window length in ms (RACKSPACE_RATE_WINDOW_MS, default 60000). */
  windowMs?: number | undefined;
  /** Requests per window per operation class (RACKSPACE_RATE_LIMIT_CREATE/PATCH/COMMENT/READ). */
  limits?: { create?: number | undefined; patch?: number | undefined; comment?: number | undefined; read?: number | undefined } | undefined;
  /** In-process pacing on (default) or off (RACKSPACE_PACING=off): off leaves 429s to the retries alone. */
  pacing?: boolean | undefined;
  /**
   * Redis shared by every process deploying with the same endpoint and credential
   * (RACKSPACE_RATE_LIMIT_REDIS_URL): redis:// or rediss://, may carry a password (a secret).
   * Set, the rate limits are paced fleet-wide; unset, in-process only.
   */
  rateLimitRedisUrl?: string | undefined;
  /** How one request is retried. */
  retry?:
    | {
        /** Most attempts for one request, first one included (default 8). */
        maxAttempts?: number | undefined;
        /** Total time (ms) one request may spend waiting between attempts (default 10 min). */
        budgetMs?: number | undefined;
        /** Base of the jittered exponential backoff for 5xx and connection errors (default 500 ms). */
        baseDelayMs?: number | undefined;
        /** Cap of one backoff delay (default 30 s). */
        maxDelayMs?: number | undefined;
      }
    | undefined;
  /** Per-request timeout in ms (RACKSPACE_TIMEOUT_MS, default 30000). */
  timeoutMs?: number | undefined;
  /** Extra User-Agent product token. */
  userAgent?: string | undefined;
}

/** An account the credentials can see (GET /accounts), as the API returns it. */
export interface Account {
  /** The id a ticket's `accountId` takes, e.g. `hybrid:12345`. */
  id: string;
  name?: string | null | undefined;
  rcn?: string | null | undefined;
  serviceLevel?: string | null | undefined;
  /** The severities a ticket in this account may have. */
  severities: string[];
  /** The account's product type (its `name` decides which subcategories are allowed). */
  type?: { id?: string | null | undefined; name?: string | null | undefined; [key: string]: unknown } | null | undefined;
  permission?: string | null | undefined;
  tags?: string[] | null | undefined;
  npsOptOut?: boolean | null | undefined;
  /** Whatever else the API returned. */
  [key: string]: unknown;
}

/** A ticket category with its subcategories (GET /categories). */
export interface Category {
  id?: string | null | undefined;
  name: string;
  description?: string | null | undefined;
  classification?: string | null | undefined;
  subcategories: Subcategory[];
  /** Whatever else the API returned. */
  [key: string]: unknown;
}

/** A subcategory and the product types (account `type.name`) it is open to. */
export interface Subcategory {
  name: string;
  allowedProducts: string[];
  /** Whatever else the API returned. */
  [key: string]: unknown;
}

/** Which devices `getResources` asks for (GET /resources). */
export interface GetResourcesArgs {
  /** Substring search over id, name, IP addresses, type, location. */
  q?: string | undefined;
  offset?: number | undefined;
  /** Page size, at most 500. */
  limit?: number | undefined;
  status?: "online" | "offline" | "all" | undefined;
  sortBy?: "id" | "name" | undefined;
  sort?: "asc" | "desc" | undefined;
  /**
   * Without `offset` or `limit`, every page is fetched (500 at a time) and the whole list
   * returned; with either, exactly that page.
   */
  allPages?: boolean | undefined;
}

/** A device the user may attach, with the URL a ticket's `resources` takes. */
export interface ResourceInfo {
  id: string;
  name: string;
  accountId: string;
  platform: string;
  type: string;
  location: string;
  status: string;
  /** `_links.self`: put this in a RackspaceTicket's `resources`. */
  url: string;
  /** Everything the API returned for the device. */
  raw: { id: string; [key: string]: unknown };
}
