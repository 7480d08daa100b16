/**
 * Stack config as client options: what the provider (at `configure`) and the lookups (in the program) both read; a bad number is refused with the command that fixes it.
 * Anything left out falls back to the RACKSPACE_* environment in the client.
 */
import type { ClientOptions } from "../api/config";
import type { ConfigSource } from "./keys";

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
