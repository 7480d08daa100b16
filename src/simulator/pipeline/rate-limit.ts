/**
 * Stage 4, rate limit: every request that reaches it draws from its budget, even one later refused with 400, as a gateway limiter would (429 with Retry-After when spent).
 */
import { ApiFault } from "../errors";
import type { SlidingWindow } from "../ratelimit";
import type { Route } from "../routes";
import type { TokenRecord } from "../tokens";
import type { RateClass, RateLimits } from "../types/operations";
import type { Exchange } from "./exchange";

export interface RateLimitDeps {
  readonly window: SlidingWindow;
  readonly limits: RateLimits;
  readonly rateLimitScope: "user" | "token" | "account";
  /** The account of a stored ticket. */
  ticketAccount(ticketId: string): string | undefined;
}

/** The account a request touches: its ticket's, or the one its body (POST /tickets) or query names. */
function accountOf(deps: RateLimitDeps, ex: Exchange, r: Route, url: URL): string | undefined {
  if (r.ticketId !== undefined) return deps.ticketAccount(r.ticketId);
  const body = ex.json?.ok ? ex.json.value : undefined;
  if (r.operation === "createTicket" && body && typeof body === "object" && typeof (body as { accountId?: unknown }).accountId === "string") {
    return (body as { accountId: string }).accountId;
  }
  return (r.operation === "listTickets" ? url.searchParams.get("accountId") : null) ?? undefined;
}

/** Whose budget a request draws from (see SimulatorOptions.rateLimitScope). */
function rateKey(deps: RateLimitDeps, record: TokenRecord, ex: Exchange, r: Route, url: URL): string {
  if (deps.rateLimitScope === "token") return `token:${record.hash}`;
  const account = deps.rateLimitScope === "account" ? accountOf(deps, ex, r, url) : undefined;
  return account !== undefined ? `account:${account}` : `user:${record.username}`;
}

export function rateLimitStage(deps: RateLimitDeps, record: TokenRecord, ex: Exchange, r: Route, url: URL): void {
  if (!r.rateClass) return;
  const cls: RateClass = r.rateClass;
  const limit = deps.limits[cls];
  const got = deps.window.tryAcquire(`${rateKey(deps, record, ex, r, url)}:${cls}`, limit);
  if (got.ok) return;
  const seconds = String(got.retryAfterSeconds);
  throw new ApiFault(429, `Rate limit exceeded: ${limit} ${cls} request(s) per ${deps.window.window} ms; retry after ${seconds} s`, "rateLimitExceeded", {
    "Retry-After": seconds,
  });
}
