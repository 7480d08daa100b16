/**
 * The retry decision of one failed attempt, as a pure function: the same outcome and context always give the same answer.
 *
 * - Never re-sends a write that may have been applied (a lost answer, a timeout, a dropped
 *   connection, a 500/502/504 or an unreadable 2xx on POST /tickets or a comment).
 * - Waits a Retry-After (429 or 503) only when it fits in what is left of the budget; a 429
 *   without one is spaced by the limiter's hold when pacing is on, by backoff otherwise.
 * - A 401 gets one token refresh (when the credentials can mint a new token); identity's own
 *   failures are not retried here (it has bounded retries of its own).
 */
import type { ErrorKind, Operation } from "./errors";

/** What the attempt ended with: the fields of its classified error that the decision reads. */
export interface AttemptOutcome {
  kind: ErrorKind;
  /** Whether another attempt of the same request could succeed (RackspaceApiError.transient: throttled, server, network). */
  transient: boolean;
  operation: Operation;
  status?: number;
  faultCode?: string;
  /** The server's Retry-After (429 or 503), in ms, if it sent one. */
  retryAfterMs?: number;
  /** A write left this machine and its outcome is unknown. */
  mayHaveBeenApplied: boolean;
}

/** Where the request stands when the attempt failed. */
export interface AttemptContext {
  /** The attempt that just failed (1-based). */
  attempt: number;
  maxAttempts: number;
  /** What is left of rackspace:retryBudgetMs (waits already slept are spent). */
  budgetLeftMs: number;
  /** The jittered backoff this attempt would wait (backoffDelay). */
  backoffMs: number;
  /** Whether an in-process limiter paces the request (it then holds the class after a 429). */
  paced: boolean;
  /** Whether a fresh token can be had (username + API key) and none was asked for yet in this request. */
  canRefreshToken: boolean;
}

/** Why a failure is final. */
export type FailReason =
  | "attempts-exhausted"
  | "identity-retries-its-own"
  | "auth-refused"
  | "not-transient"
  | "may-have-been-applied"
  | "retry-after-past-budget"
  | "backoff-past-budget";

export type RetryDecision =
  | { retry: true; delayMs: number; refreshToken: boolean }
  | { retry: false; reason: FailReason };

const retry = (delayMs: number, refreshToken = false): RetryDecision => ({ retry: true, delayMs, refreshToken });
const fail = (reason: FailReason): RetryDecision => ({ retry: false, reason });

/** Whether another attempt would be safe and useful: transient, and not a write that may already be applied. */
export function isRetryableOutcome(o: Pick<AttemptOutcome, "transient" | "mayHaveBeenApplied">): boolean {
  return o.transient && !o.mayHaveBeenApplied;
}

/**
 * Retry after `delayMs` (and, for a 401, with a fresh token), or fail with the attempt's own
 * error for `reason`. The error itself already says what to do (its hint names the budget
 * when a Retry-After is past it).
 */
export function decideRetry(o: AttemptOutcome, c: AttemptContext): RetryDecision {
  if (c.attempt >= c.maxAttempts) return fail("attempts-exhausted");
  if (o.operation === "authenticate") return fail("identity-retries-its-own");
  if (o.kind === "auth") {
    // A token can expire or be revoked mid-deployment: authenticate again, once.
    return o.status === 401 && c.canRefreshToken ? retry(0, true) : fail("auth-refused");
  }
  if (o.mayHaveBeenApplied) return fail("may-have-been-applied");
  if (!isRetryableOutcome(o)) return fail("not-transient");
  if (o.retryAfterMs !== undefined) return o.retryAfterMs <= c.budgetLeftMs ? retry(o.retryAfterMs) : fail("retry-after-past-budget");
  // A 429 without Retry-After: with pacing, the limiter's hold spaces the retry.
  if (o.kind === "rateLimited" && c.paced) return retry(0);
  return c.backoffMs <= c.budgetLeftMs ? retry(c.backoffMs) : fail("backoff-past-budget");
}
