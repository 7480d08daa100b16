/**
 * Provider configuration: stack config (`rackspace:*`, delivered to `configure` at
 * apply time) first, then the RACKSPACE_* environment (resolved by the client).
 *
 * - Rate limits (rackspace:rateLimit*) are whole numbers ≥ 1; windows, timeouts and budgets are positive numbers.
 */
import type { ClientOptions } from "../api/config";

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

function num(v: string | undefined, key: string): number | undefined {
  if (v === undefined || v.trim() === "") return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`stack config ${key} must be a positive number (got ${JSON.stringify(v)}); fix it with \`pulumi config set ${key} <number>\``);
  return n;
}

/** A rate limit: a whole number ≥ 1 (the limiter counts requests; fewer than one per window is a longer window). */
function wholeNumber(v: string | undefined, key: string): number | undefined {
  if (v === undefined || v.trim() === "") return undefined;
  const n = Number(v);
  if (Number.isInteger(n) && n >= 1) return n;
  const suggestion = Number.isFinite(n) ? Math.max(1, Math.floor(n)) : 1;
  throw new Error(
    `stack config ${key} must be a whole number ≥ 1 (requests per window), got ${JSON.stringify(v)}; fix it with \`pulumi config set ${key} ${suggestion}\` ` +
      "(for fewer than one request per window, lengthen rackspace:rateWindowMs instead)",
  );
}

/** Whether the description footer is on (stack config, then RACKSPACE_MARKER_FOOTER; default on). */
export function markerFooterFromConfig(config: ConfigSource | undefined, env: Record<string, string | undefined> = process.env): boolean {
  const v = config?.get("rackspace:markerFooter") ?? env.RACKSPACE_MARKER_FOOTER;
  return v === undefined || v.trim() === "" || !/^(off|false|0|no)$/i.test(v.trim());
}

/** Whether `check` validates category, subcategory and severity against the account (opt-in: it costs two GETs). */
export function validateAgainstAccountFromConfig(config: ConfigSource | undefined, env: Record<string, string | undefined> = process.env): boolean {
  const v = config?.get("rackspace:validateAgainstAccount") ?? env.RACKSPACE_VALIDATE_AGAINST_ACCOUNT;
  return v !== undefined && /^(on|true|1|yes)$/i.test(v.trim());
}

/** Maps stack config to client options; anything missing falls back to the environment in the client. */
export function optionsFromConfig(config: ConfigSource | undefined): ClientOptions {
  const get = (k: string) => {
    const v = config?.get(k);
    return typeof v === "string" && v.trim() !== "" ? v : undefined;
  };
  const limits: NonNullable<ClientOptions["limits"]> = {};
  const create = wholeNumber(get("rackspace:rateLimitCreate"), "rackspace:rateLimitCreate");
  const patch = wholeNumber(get("rackspace:rateLimitPatch"), "rackspace:rateLimitPatch");
  const comment = wholeNumber(get("rackspace:rateLimitComment"), "rackspace:rateLimitComment");
  const read = wholeNumber(get("rackspace:rateLimitRead"), "rackspace:rateLimitRead");
  if (create !== undefined) limits.create = create;
  if (patch !== undefined) limits.patch = patch;
  if (comment !== undefined) limits.comment = comment;
  if (read !== undefined) limits.read = read;
  const pacing = get("rackspace:pacing");
  const budgetMs = num(get("rackspace:retryBudgetMs"), "rackspace:retryBudgetMs");
  const maxAttempts = num(get("rackspace:retryMaxAttempts"), "rackspace:retryMaxAttempts");
  return {
    username: get("rackspace:username"),
    apiKey: get("rackspace:apiKey"),
    authToken: get("rackspace:authToken"),
    ticketingUrl: get("rackspace:ticketingUrl"),
    identityUrl: get("rackspace:identityUrl"),
    resourcesUrl: get("rackspace:resourcesUrl"),
    windowMs: num(get("rackspace:rateWindowMs"), "rackspace:rateWindowMs"),
    limits,
    pacing: pacing === undefined ? undefined : !/^(off|false|0|no)$/i.test(pacing.trim()),
    rateLimitRedisUrl: get("rackspace:rateLimitRedisUrl"),
    retry: budgetMs !== undefined || maxAttempts !== undefined ? { budgetMs, maxAttempts } : undefined,
    timeoutMs: num(get("rackspace:timeoutMs"), "rackspace:timeoutMs"),
  };
}

/** Whether `check` lets a category the docs do not name through to the API (opt-out of the documented five; default off). */
export function allowAnyCategoryFromConfig(config: ConfigSource | undefined, env: Record<string, string | undefined> = process.env): boolean {
  const v = config?.get("rackspace:allowAnyCategory") ?? env.RACKSPACE_ALLOW_ANY_CATEGORY;
  return v !== undefined && /^(on|true|1|yes)$/i.test(v.trim());
}
