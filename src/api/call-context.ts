/**
 * What a caller hands to each client call and is told back: progress callbacks, the account acted on, the call's own retry limits and timeout, and the client's counters.
 *
 * - A call's own limits (`retry`, `timeoutMs`) apply to that call only, over the client's; anything left out keeps the client's value.
 */
import type { RetryOptions } from "./config";
import type { CallRetryLimits, Operation } from "./errors";

/** Why a caller is waiting: pacing (a rate-limit slot) or a retry after a failure. */
export type WaitReason = "rate-limit" | "retry";

export interface WaitInfo {
  operation: Operation;
  ticketId?: string;
  waitMs: number;
  reason: WaitReason;
  /** For retries: what failed (e.g. "HTTP 429 rateLimitExceeded"). */
  cause?: string;
}

/** Per-call context: progress callbacks for the caller (e.g. one Pulumi resource), and the account acted on. */
export interface CallContext {
  onWait?: (info: WaitInfo) => void;
  /**
   * The account the request acts on (the ticket's accountId). The API's limits are per account
   * (docs §5): with it, pacing is shared by every credential on that account. createTicket and
   * listTickets take it from the request when it names one.
   */
  accountId?: string;
  /**
   * This call's own retry limits, over the client's (rackspace:retryMaxAttempts,
   * rackspace:retryBudgetMs): e.g. a short read that must not hold up a preview. Each field left
   * out keeps the client's value; each given must be a positive number.
   *
   * - `maxAttempts`: the most attempts of this call, the first included.
   * - `budgetMs`: the most time this call waits between its attempts (backoff and Retry-After),
   *   as the client's budget counts it: a Retry-After, or a 429 hold another request saw, longer
   *   than what is left fails the call at once.
   * - `baseDelayMs`, `maxDelayMs`: its backoff.
   *
   * Unchanged: the wait for a rate-limit slot (pacing, not counted in the budget), the Identity
   * token fetch (shared by every call, on the client's policy), the 429 hold this call's answer
   * puts on other requests (judged by the client's budget), uploadAttachment (outside the paced
   * pipeline), and a write that may have been applied, which is never re-sent. A transient failure
   * that ends the call says so: `… (after 2 attempts within this call's retry budget: at most 2
   * attempts, 3 s of waiting).`, and its hint names no setting to raise.
   */
  retry?: RetryOptions;
  /** This call's timeout of each HTTP attempt, in ms, over the client's (rackspace:timeoutMs); a positive number. */
  timeoutMs?: number;
}

/** What one call runs with: the client's retry policy and timeout, with the call's own over them. */
export interface CallLimits {
  retry: Required<RetryOptions>;
  timeoutMs: number;
  /** Set when the call brought its own retry limits (messages name them). */
  callRetry?: CallRetryLimits;
}

function positive(name: string, v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) throw new RangeError(`CallContext.${name} must be a positive number, got ${JSON.stringify(v)}`);
  return v;
}

/** The client's policy and timeout with `ctx`'s own over them; throws RangeError on a limit that is not a positive number. */
export function callLimits(client: { retry: Required<RetryOptions>; timeoutMs: number }, ctx: CallContext | undefined): CallLimits {
  const own = ctx?.retry;
  const timeoutMs = positive("timeoutMs", ctx?.timeoutMs) ?? client.timeoutMs;
  if (!own) return { retry: client.retry, timeoutMs };
  const retry: Required<RetryOptions> = {
    maxAttempts: positive("retry.maxAttempts", own.maxAttempts) ?? client.retry.maxAttempts,
    budgetMs: positive("retry.budgetMs", own.budgetMs) ?? client.retry.budgetMs,
    baseDelayMs: positive("retry.baseDelayMs", own.baseDelayMs) ?? client.retry.baseDelayMs,
    maxDelayMs: positive("retry.maxDelayMs", own.maxDelayMs) ?? client.retry.maxDelayMs,
  };
  return { retry, timeoutMs, callRetry: { maxAttempts: retry.maxAttempts, budgetMs: retry.budgetMs } };
}

/** Counters of one client, for progress lines and benchmarks. */
export interface ClientStats {
  requests: number;
  retries: number;
  http429: number;
  pacedWaits: number;
  pacedWaitMs: number;
}
