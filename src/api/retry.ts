/**
 * Retries with p-retry: 429 (honouring Retry-After), 502/503/504 and connection
 * failures, with full-jitter exponential backoff, a cap on attempts and an overall
 * time budget. A write whose outcome is unknown (`mayHaveBeenApplied`) is never
 * re-sent: it is returned to the caller, who can look before writing again.
 *
 * p-retry 4 is the last CommonJS release (5+ is ESM-only): it loads with a plain
 * require() from this CommonJS package, from jest, and from inside the Pulumi dynamic
 * provider host on every Node version we support, with no loader tricks.
 */
import pRetry from "p-retry";
import { RackspaceApiError } from "./errors";
import { isRetryableOutcome } from "./retry-decision";

export interface RetryPolicy {
  maxAttempts: number;
  budgetMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RetryHooks {
  /**
   * Decides the delay before the next attempt after `error`, or undefined to stop.
   * Called only for errors the generic rules consider retryable or for auth refreshes.
   */
  delayFor?: (error: RackspaceApiError, attempt: number, backoffMs: number) => number | undefined;
  /** Told about every wait between attempts (for progress lines). */
  onRetryWait?: (error: RackspaceApiError, delayMs: number, attempt: number) => void;
  /** Random source in [0, 1) for the jitter (tests). */
  random?: () => number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Full jitter: uniform in [0, min(cap, base·2^(attempt-1))], at least 1 ms. */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(ceiling * random()));
}

/** The generic rule: transient failures are retryable unless a write may already have been applied (./retry-decision). */
export function isRetryable(error: RackspaceApiError): boolean {
  return isRetryableOutcome(error);
}

export interface RetryStats {
  attempts: number;
  waitedMs: number;
}

/**
 * Runs `attempt(n)` until it succeeds or the policy says stop; rethrows the last
 * attempt's error (which carries the attempt count).
 */
export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
  stats?: RetryStats,
): Promise<T> {
  let waited = 0;
  return pRetry(
    async (n: number) => {
      if (stats) stats.attempts = n;
      return attempt(n);
    },
    {
      // p-retry drives the attempt loop; the delay is ours (Retry-After or jittered backoff), slept in onFailedAttempt.
      retries: Math.max(0, policy.maxAttempts - 1),
      factor: 1,
      minTimeout: 0,
      maxTimeout: 0,
      randomize: false,
      onFailedAttempt: async (failure) => {
        const error = failure as unknown as Error;
        if (!(error instanceof RackspaceApiError)) throw error;
        const n = failure.attemptNumber;
        if (failure.retriesLeft <= 0) throw error;
        const backoff = backoffDelay(n, policy, hooks.random);
        const delay = hooks.delayFor ? hooks.delayFor(error, n, backoff) : isRetryable(error) ? backoff : undefined;
        if (delay === undefined) throw error;
        if (waited + delay > policy.budgetMs) throw error;
        waited += delay;
        if (stats) stats.waitedMs = waited;
        if (delay > 0) {
          hooks.onRetryWait?.(error, delay, n);
          await sleep(delay);
        }
      },
    },
  );
}
