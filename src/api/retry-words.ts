/**
 * How messages name a request's retry budget: rackspace:retryBudgetMs, which the user can raise, or a call's own limits (CallContext.retry), which the caller chose and no setting raises.
 */

/** A call's own retry limits (CallContext.retry over the client's policy), as its messages name them. */
export interface CallRetryLimits {
  maxAttempts: number;
  budgetMs: number;
}

/**
 * The retry budget of one request: the whole of it, and what is left when an answer arrives;
 * `call` when it is the call's own (CallContext.retry) rather than rackspace:retryBudgetMs.
 */
export interface RetryBudget {
  budgetMs: number;
  leftMs: number;
  call?: CallRetryLimits | undefined;
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;
const attemptWords = (n: number) => `${n} attempt${n === 1 ? "" : "s"}`;

/** "after 2 attempts within this call's retry budget: at most 2 attempts, 3 s of waiting". */
export function callRetryWords(attempts: number, limits: CallRetryLimits): string {
  return `after ${attemptWords(attempts)} within this call's retry budget: at most ${attemptWords(limits.maxAttempts)}, ${seconds(limits.budgetMs)} of waiting`;
}

/**
 * Why a Retry-After is not waited out: longer than (what is left of) the budget, rackspace:retryBudgetMs
 * or the call's own (then no setting is named: the caller chose it); `held` when another request saw it.
 */
export function retryAfterPastBudgetHint(retryAfterMs: number, budget: RetryBudget, held = false): string {
  const name = budget.call ? "this call's retry budget" : "rackspace:retryBudgetMs";
  const allowed = budget.leftMs < budget.budgetMs ? `what is left of ${name} (${seconds(budget.leftMs)} of ${seconds(budget.budgetMs)})` : `${name} (${seconds(budget.budgetMs)})`;
  const who = held ? "Not sent: another request was told by the API to wait" : "Not retried: the API asked to wait";
  const next = budget.call ? "retry later" : "raise rackspace:retryBudgetMs (`pulumi config set rackspace:retryBudgetMs <ms>`), or retry later";
  return `${who} ${Math.ceil(retryAfterMs / 1000)} s (Retry-After), more than ${allowed} allows; ${next}.`;
}
