/**
 * Client configuration: explicit options first, then the RACKSPACE_* environment.
 *
 * - identityUrl is normalised to Identity's base: `/v2.0`, `/v2.0/tokens` and trailing slashes are dropped (the client adds `/v2.0/tokens`).
 * - Rate limits are whole numbers ≥ 1; windows, timeouts and budgets are positive numbers.
 */
import { DEFAULT_LIMITS, DEFAULT_WINDOW_MS, RateLimits } from "./limiter";
import { checkRedisUrl } from "./redis-url";

export const DEFAULT_TICKETING_URL = "https://ticketing.api.rackspace.com";
export const DEFAULT_IDENTITY_URL = "https://identity.api.rackspacecloud.com";
/** The resources API lives on its own host (docs §1, §4.8); no demo host is documented. */
export const DEFAULT_RESOURCES_URL = "https://resources.api.rackspace.com";

export interface RetryOptions {
  /** Most attempts for one request, first one included (default 8). */
  maxAttempts?: number;
  /** Total time (ms) one request may spend waiting between attempts (default 10 min). */
  budgetMs?: number;
  /** Base of the jittered exponential backoff for 5xx and connection errors (default 500 ms). */
  baseDelayMs?: number;
  /** Cap of one backoff delay (default 30 s). */
  maxDelayMs?: number;
}

export interface ClientOptions {
  /** Ticketing API base URL (RACKSPACE_TICKETING_URL). */
  ticketingUrl?: string;
  /** Identity base URL (RACKSPACE_IDENTITY_URL); a trailing /v2.0 or /v2.0/tokens, as the docs print it, is accepted. */
  identityUrl?: string;
  /** Resources API base URL, its own host (RACKSPACE_RESOURCES_URL). */
  resourcesUrl?: string;
  /** Rackspace user name (RACKSPACE_USERNAME). */
  username?: string;
  /** API key of that user (RACKSPACE_API_KEY). Never logged, never stored. */
  apiKey?: string;
  /** A ready Identity token (RACKSPACE_AUTH_TOKEN), used instead of username + key. */
  authToken?: string;
  /** Rate window length in ms (RACKSPACE_RATE_WINDOW_MS, default 60000). */
  windowMs?: number;
  /** Requests per window per operation class (RACKSPACE_RATE_LIMIT_CREATE/PATCH/COMMENT/READ). */
  limits?: Partial<RateLimits>;
  /** In-process pacing on (default) or off (RACKSPACE_PACING=off): off leaves 429s to the retries alone. */
  pacing?: boolean;
  /**
   * Redis shared by every process deploying with the same endpoint and credential
   * (RACKSPACE_RATE_LIMIT_REDIS_URL): redis:// or rediss://, may carry a password (a secret).
   * Set, the rate limits are paced fleet-wide; unset, in-process only.
   */
  rateLimitRedisUrl?: string;
  retry?: RetryOptions;
  /** Per-request timeout in ms (RACKSPACE_TIMEOUT_MS, default 30000). */
  timeoutMs?: number;
  /** Extra User-Agent product token. */
  userAgent?: string;
}

export interface ResolvedConfig {
  ticketingUrl: string;
  identityUrl: string;
  resourcesUrl: string;
  username?: string;
  apiKey?: string;
  authToken?: string;
  windowMs: number;
  limits: RateLimits;
  pacing: boolean;
  /** Never printed: only its host:port is. */
  rateLimitRedisUrl?: string;
  retry: Required<RetryOptions>;
  timeoutMs: number;
  userAgent: string;
}

type Env = Record<string, string | undefined>;

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

function positiveNumber(name: string, v: string | number | undefined): number | undefined {
  if (v === undefined || v === "") return undefined;
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`${name} must be a positive number, got ${JSON.stringify(v)}`);
  return n;
}

function wholeNumber(name: string, v: string | number | undefined): number | undefined {
  const n = positiveNumber(name, v);
  if (n !== undefined && !Number.isInteger(n)) {
    throw new RangeError(`${name} must be a whole number ≥ 1 (requests per window), got ${JSON.stringify(v)}; for fewer than one request per window, lengthen the window instead`);
  }
  return n;
}

/** Identity's base URL: what the docs print (…/v2.0) or the token URL itself (…/v2.0/tokens) work too. */
function identityBase(v: string): string {
  return baseUrl("identityUrl", v).replace(/\/v2\.0(\/tokens)?$/i, "");
}

function baseUrl(name: string, v: string): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new RangeError(`${name} must be an absolute URL, got ${JSON.stringify(v)}`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new RangeError(`${name} must be an http(s) URL, got ${JSON.stringify(v)}`);
  return v.replace(/\/+$/, "");
}

function pacingFrom(v: string | undefined): boolean | undefined {
  if (v === undefined || v === "") return undefined;
  return !/^(off|false|0|no)$/i.test(v.trim());
}

function redisUrlFrom(v: string | undefined): string | undefined {
  return v === undefined ? undefined : checkRedisUrl("rateLimitRedisUrl (rackspace:rateLimitRedisUrl, RACKSPACE_RATE_LIMIT_REDIS_URL)", v);
}

export function resolveConfig(opts: ClientOptions = {}, env: Env = process.env): ResolvedConfig {
  const limits: RateLimits = { ...DEFAULT_LIMITS };
  for (const k of Object.keys(limits) as (keyof RateLimits)[]) {
    const name = `RACKSPACE_RATE_LIMIT_${k.toUpperCase()}`;
    const v = opts.limits?.[k] !== undefined ? wholeNumber(`limits.${k}`, opts.limits[k]) : wholeNumber(name, env[name]);
    if (v !== undefined) limits[k] = v;
  }
  const retry = opts.retry ?? {};
  return {
    ticketingUrl: baseUrl("ticketingUrl", nonEmpty(opts.ticketingUrl) ?? nonEmpty(env.RACKSPACE_TICKETING_URL) ?? DEFAULT_TICKETING_URL),
    identityUrl: identityBase(nonEmpty(opts.identityUrl) ?? nonEmpty(env.RACKSPACE_IDENTITY_URL) ?? DEFAULT_IDENTITY_URL),
    resourcesUrl: baseUrl("resourcesUrl", nonEmpty(opts.resourcesUrl) ?? nonEmpty(env.RACKSPACE_RESOURCES_URL) ?? DEFAULT_RESOURCES_URL),
    username: nonEmpty(opts.username) ?? nonEmpty(env.RACKSPACE_USERNAME),
    apiKey: nonEmpty(opts.apiKey) ?? nonEmpty(env.RACKSPACE_API_KEY),
    authToken: nonEmpty(opts.authToken) ?? nonEmpty(env.RACKSPACE_AUTH_TOKEN),
    windowMs: positiveNumber("windowMs", opts.windowMs) ?? positiveNumber("RACKSPACE_RATE_WINDOW_MS", env.RACKSPACE_RATE_WINDOW_MS) ?? DEFAULT_WINDOW_MS,
    limits,
    pacing: opts.pacing ?? pacingFrom(env.RACKSPACE_PACING) ?? true,
    rateLimitRedisUrl: redisUrlFrom(nonEmpty(opts.rateLimitRedisUrl) ?? nonEmpty(env.RACKSPACE_RATE_LIMIT_REDIS_URL)),
    retry: {
      maxAttempts: positiveNumber("retry.maxAttempts", retry.maxAttempts) ?? positiveNumber("RACKSPACE_RETRY_MAX_ATTEMPTS", env.RACKSPACE_RETRY_MAX_ATTEMPTS) ?? 8,
      budgetMs: positiveNumber("retry.budgetMs", retry.budgetMs) ?? positiveNumber("RACKSPACE_RETRY_BUDGET_MS", env.RACKSPACE_RETRY_BUDGET_MS) ?? 600_000,
      baseDelayMs: positiveNumber("retry.baseDelayMs", retry.baseDelayMs) ?? 500,
      maxDelayMs: positiveNumber("retry.maxDelayMs", retry.maxDelayMs) ?? 30_000,
    },
    timeoutMs: positiveNumber("timeoutMs", opts.timeoutMs) ?? positiveNumber("RACKSPACE_TIMEOUT_MS", env.RACKSPACE_TIMEOUT_MS) ?? 30_000,
    userAgent: `pulumi-rackspace-ticketing${opts.userAgent ? ` ${opts.userAgent}` : ""}`,
  };
}
