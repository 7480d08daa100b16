/**
 * The stack config keys (`rackspace:*`), their RACKSPACE_* fallbacks and what each means: the one list the provider, the lookups and the README share.
 * Imports nothing.
 */

/** Reads one config value; the dynamic provider host hands us this shape. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

/** Stack config keys, their environment fallback, and what they mean (README's table is generated from the same list). */
export const CONFIG_KEYS = [
  { key: "rackspace:username", env: "RACKSPACE_USERNAME", doc: "Rackspace user name (with apiKey)." },
  { key: "rackspace:apiKey", env: "RACKSPACE_API_KEY", doc: "API key of that user; set it with --secret." },
  { key: "rackspace:authToken", env: "RACKSPACE_AUTH_TOKEN", doc: "A ready Identity token, instead of username + apiKey; set it with --secret." },
  { key: "rackspace:ticketingUrl", env: "RACKSPACE_TICKETING_URL", doc: "Ticketing API base URL (default https://ticketing.api.rackspace.com)." },
  { key: "rackspace:identityUrl", env: "RACKSPACE_IDENTITY_URL", doc: "Identity base URL (default https://identity.api.rackspacecloud.com)." },
  { key: "rackspace:resourcesUrl", env: "RACKSPACE_RESOURCES_URL", doc: "Resources API base URL, its own host (default https://resources.api.rackspace.com); used by getResources()." },
  { key: "rackspace:validateAgainstAccount", env: "RACKSPACE_VALIDATE_AGAINST_ACCOUNT", doc: "Check category, subcategory and severity against the account at preview (default false; costs one GET /accounts and one GET /categories per deployment)." },
  { key: "rackspace:rateWindowMs", env: "RACKSPACE_RATE_WINDOW_MS", doc: "Length of the rate window in ms (default 60000)." },
  { key: "rackspace:rateLimitCreate", env: "RACKSPACE_RATE_LIMIT_CREATE", doc: "Ticket creations per window (default 1)." },
  { key: "rackspace:rateLimitPatch", env: "RACKSPACE_RATE_LIMIT_PATCH", doc: "PATCH requests per window (default 5)." },
  { key: "rackspace:rateLimitComment", env: "RACKSPACE_RATE_LIMIT_COMMENT", doc: "Comments per window (default 5)." },
  { key: "rackspace:rateLimitRead", env: "RACKSPACE_RATE_LIMIT_READ", doc: "GET requests per window (default 60)." },
  { key: "rackspace:pacing", env: "RACKSPACE_PACING", doc: "In-process pacing on (default) or off." },
  {
    key: "rackspace:rateLimitRedisUrl",
    env: "RACKSPACE_RATE_LIMIT_REDIS_URL",
    doc: "Redis (redis:// or rediss://) shared by every runner deploying with the same account: the rate limits are then paced fleet-wide, not per process; set it with --secret.",
  },
  { key: "rackspace:retryBudgetMs", env: "RACKSPACE_RETRY_BUDGET_MS", doc: "Most time one request may spend in retries (default 600000)." },
  { key: "rackspace:retryMaxAttempts", env: "RACKSPACE_RETRY_MAX_ATTEMPTS", doc: "Most attempts for one request (default 8)." },
  { key: "rackspace:timeoutMs", env: "RACKSPACE_TIMEOUT_MS", doc: "Timeout of one HTTP request in ms (default 30000)." },
  { key: "rackspace:allowAnyCategory", env: "RACKSPACE_ALLOW_ANY_CATEGORY", doc: "Let a category the docs do not name through to the API (default false: check refuses anything but Account, Billing and Payments, Change, Request for Information, Incident)." },
  { key: "rackspace:markerFooter", env: "RACKSPACE_MARKER_FOOTER", doc: "Append the one-line footer naming project, stack and resource to the description (default true); false keeps only the marker." },
] as const;
