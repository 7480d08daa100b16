/**
 * The request pipeline of one API call, as named steps: validate, then per attempt authenticate, pace, send once, classify; p-retry runs the attempts and decideRetry (pure) says whether another may follow.
 *
 * - The token is fetched before the rate-limit slot (a re-authentication never sits between a slot and its send), and the slot's send-time check runs right before the send.
 * - No wait outlasts rackspace:retryBudgetMs: a Retry-After (429 or 503) longer than what is left fails the request at once, and a 429 hold never keeps another request past its budget.
 * - A call's own limits (CallContext.retry, timeoutMs) replace the client's for that call's attempts, waits and messages only.
 * - Request bodies are validated with the zod schemas before anything is sent.
 */
import { CallContext, CallLimits, callLimits, ClientStats } from "./call-context";
import type { ResolvedConfig } from "./config";
import { InvalidRequestError, RackspaceApiError, RateLimitedError, retryAfterPastBudgetHint, RetryBudget } from "./errors";
import { classifyResponse, classifyTransportFailure, HttpResponse, HttpTransport, TransportFailure } from "./http";
import type { IdentityClient } from "./identity";
import { LimiterHoldError, OperationClass, SlotHandle } from "./limiter";
import type { Pacer } from "./pacing";
import { parseSuccess } from "./parse-response";
import { CLASS_OF, pacingAccount, RequestSpec } from "./request-spec";
import { RetryStats, withRetries } from "./retry";
import { decideRetry } from "./retry-decision";
import { describeIssues, TICKETING_MEDIA_TYPE } from "./schemas";

/** What the pipeline needs from its client. */
export interface PipelineDeps {
  config: Readonly<ResolvedConfig>;
  transport: HttpTransport;
  identity: IdentityClient;
  stats: ClientStats;
  /** The pacer of a class on an account (without one: on the credential), in process or fleet-wide (./pacing). */
  pacer(cls: OperationClass, accountId?: string): Pacer;
}

/** Validates and serializes the body: nothing is sent when it does not match its schema. */
function encodeBody(spec: RequestSpec<unknown>): string | Buffer | undefined {
  if (spec.body === undefined) return spec.rawBody;
  const checked = spec.bodySchema ? spec.bodySchema.safeParse(spec.body) : { success: true as const, data: spec.body };
  if (!checked.success) throw new InvalidRequestError(describeIssues(checked.error), { operation: spec.operation, ticketId: spec.ticketId });
  return JSON.stringify(checked.data);
}

/** What a retry wait says it waits for (e.g. "HTTP 429 rateLimitExceeded"). */
function causeOf(error: RackspaceApiError): string {
  return error.status !== undefined ? `HTTP ${error.status}${error.faultCode ? ` ${error.faultCode}` : ""}` : error.kind;
}

/** Runs one API call through the pipeline; resolves with the parsed answer or rejects with the last attempt's typed error. */
export async function runRequest<T>(deps: PipelineDeps, spec: RequestSpec<T>): Promise<T> {
  // Async: an invalid body rejects the call's promise rather than throwing at the call.
  return new Request(deps, spec, encodeBody(spec)).run();
}

class Request<T> {
  /** Undefined with pacing off. */
  private readonly pacer: Pacer | undefined;
  /** The client's retry policy and timeout, with the call's own over them. */
  private readonly limits: CallLimits;
  private readonly retryStats: RetryStats = { attempts: 0, waitedMs: 0 };
  private refreshedAuth = false;
  private lastToken?: string;

  constructor(
    private readonly deps: PipelineDeps,
    private readonly spec: RequestSpec<T>,
    private readonly body: string | Buffer | undefined,
  ) {
    this.limits = callLimits(deps.config, spec.ctx);
    this.pacer = deps.config.pacing ? deps.pacer(CLASS_OF[spec.operation], pacingAccount(spec)) : undefined;
  }

  private get ctx(): CallContext | undefined {
    return this.spec.ctx;
  }

  /** The retry budget as it stands (the call's own, if it brought one): what was already slept between attempts is spent. */
  private budget(): RetryBudget {
    const { budgetMs } = this.limits.retry;
    const call = this.limits.callRetry;
    return { budgetMs, leftMs: Math.max(0, budgetMs - this.retryStats.waitedMs), ...(call ? { call } : {}) };
  }

  run(): Promise<T> {
    const { spec } = this;
    return withRetries(
      (n) => this.attempt(n),
      this.limits.retry,
      {
        delayFor: (error, attempt, backoffMs) => this.decide(error, attempt, backoffMs),
        onRetryWait: (error, waitMs) => this.ctx?.onWait?.({ operation: spec.operation, ticketId: spec.ticketId, waitMs, reason: "retry", cause: causeOf(error) }),
      },
      this.retryStats,
    );
  }

  /** One attempt: authenticate, pace, send once, classify. */
  private async attempt(n: number): Promise<T> {
    if (n > 1) this.deps.stats.retries++;
    // The token first: a re-authentication must not sit between a slot and its send.
    await this.authenticate();
    const permit = await this.pace(n);
    // Cached: immediate, unless a long wait outlived the token.
    const token = await this.authenticate();
    const res = await this.sendOnce(n, token, permit);
    return this.classify(res, n);
  }

  private async authenticate(): Promise<string> {
    const token = await this.deps.identity.token();
    this.lastToken = token;
    return token;
  }

  /** Waits for a send permit; a 429 hold longer than what is left of the budget fails at once. */
  private async pace(attempts: number): Promise<SlotHandle | undefined> {
    const pacer = this.pacer;
    if (!pacer) return undefined;
    const onPaced = (waitMs: number) => {
      this.deps.stats.pacedWaits++;
      this.deps.stats.pacedWaitMs += waitMs;
      this.ctx?.onWait?.({ operation: this.spec.operation, ticketId: this.spec.ticketId, waitMs, reason: "rate-limit" });
    };
    const budget = this.budget();
    try {
      return await pacer.acquire(onPaced, { maxHoldMs: budget.leftMs });
    } catch (e) {
      if (!(e instanceof LimiterHoldError)) throw e;
      throw new RateLimitedError({
        operation: this.spec.operation,
        ticketId: this.spec.ticketId,
        attempts,
        retryAfterMs: e.holdMs,
        hint: retryAfterPastBudgetHint(e.holdMs, budget, true),
        callRetry: budget.call,
      });
    }
  }

  /** Sends the request once; a connection-level failure becomes a NetworkError (may-have-been-applied on a write that left). */
  private async sendOnce(attempts: number, token: string, permit: SlotHandle | undefined): Promise<HttpResponse> {
    const { spec, body } = this;
    const baseUrl = this.baseUrl;
    const headers: Record<string, string> = { Accept: spec.accept ?? TICKETING_MEDIA_TYPE, "X-Auth-Token": token };
    if (body !== undefined) headers["Content-Type"] = spec.contentType ?? TICKETING_MEDIA_TYPE;
    this.deps.stats.requests++;
    // The send-time rule: however late this send comes after its slot, no window holds more than the limit.
    await permit?.ready();
    try {
      return await this.deps.transport.send({
        method: spec.method,
        url: `${baseUrl}${spec.path}`,
        headers,
        body,
        timeoutMs: this.limits.timeoutMs,
        freshConnection: !spec.idempotent,
      });
    } catch (e) {
      if (e instanceof TransportFailure) throw classifyTransportFailure(e, { ...this.classifyContext(attempts), url: baseUrl });
      throw e;
    } finally {
      // The server accepted the request somewhere between the send and the answer: count the
      // window from the answer, the one instant known to be no earlier than the server's.
      permit?.sent();
    }
  }

  private get baseUrl(): string {
    return this.spec.baseUrl ?? this.deps.config.ticketingUrl;
  }

  private classifyContext(attempts: number) {
    return { operation: this.spec.operation, ticketId: this.spec.ticketId, attempts, idempotent: this.spec.idempotent, url: this.baseUrl, budget: this.budget() };
  }

  /** A 2xx is parsed; anything else becomes its typed error, and a 429 holds the class for everyone in process. */
  private classify(res: HttpResponse, attempts: number): T {
    if (res.status >= 200 && res.status <= 299) return parseSuccess(res, this.spec, attempts);
    const err = classifyResponse(res, this.classifyContext(attempts));
    if (err instanceof RateLimitedError) {
      this.deps.stats.http429++;
      const pacer = this.pacer;
      const hold = err.retryAfterMs ?? (pacer ? pacer.settings.windowMs / pacer.settings.limit : 0);
      // Hold the class for everyone, unless no request may wait that long at all (it then fails at once, holding nobody):
      // judged by the client's budget, not this call's own (a short one must not spare the others the hold).
      if (pacer && hold <= this.deps.config.retry.budgetMs) pacer.penalize(hold);
    }
    throw err;
  }

  /** Asks decideRetry; carries out a token refresh it calls for. Undefined: the attempt's error is final. */
  private decide(error: RackspaceApiError, attempt: number, backoffMs: number): number | undefined {
    const decision = decideRetry(error, {
      attempt,
      maxAttempts: this.limits.retry.maxAttempts,
      budgetLeftMs: this.budget().leftMs,
      backoffMs,
      paced: this.pacer !== undefined,
      canRefreshToken: !this.refreshedAuth && this.deps.identity.canRefresh,
    });
    if (!decision.retry) return undefined;
    if (decision.refreshToken) {
      this.refreshedAuth = true;
      if (this.lastToken) this.deps.identity.invalidate(this.lastToken);
    }
    return decision.delayMs;
  }
}
