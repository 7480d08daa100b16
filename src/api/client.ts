/**
 * The Rackspace Ticketing API v2 client. It knows nothing of Pulumi.
 *
 * - Every request pins the v2 media type, carries a token from the shared Identity cache (refreshed once on a 401) and is retried by the rules in ./retry.
 * - Pacing is per endpoint, account and operation class (per credential when no account is known), in process and, with `rateLimitRedisUrl`, fleet-wide (./shared-pacing).
 * - The token is fetched before the rate-limit slot, and the slot's send-time check runs right before the send.
 * - No wait outlasts rackspace:retryBudgetMs: a Retry-After (429 or 503) longer than what is left fails the request at once, and a 429 hold never keeps another request past its budget.
 * - Request bodies are validated with the zod schemas before anything is sent; responses are parsed tolerantly (PATCH and comments accept any 2xx body).
 */
import type { z } from "zod";
import { ClientOptions, ResolvedConfig, resolveConfig } from "./config";
import { attachmentNameProblem, attachmentSlotBody } from "./attachments";
import { InvalidRequestError, InvalidResponseError, Operation, RackspaceApiError, RateLimitedError, retryAfterPastBudgetHint, RetryBudget, UploadSlotExpiredError } from "./errors";
import { classifyResponse, classifyTransportFailure, HttpResponse, HttpTransport, Method, TransportFailure } from "./http";
import { IdentityClient } from "./identity";
import { defaultMargin, LimiterHoldError, OperationClass, sharedLimiter, SlidingWindowLimiter, SlotHandle } from "./limiter";
import { isRetryable, RetryStats, withRetries } from "./retry";
import { ClaimedSlot, SharedPacer, sharedPacer } from "./shared-pacing";
import {
  Account,
  AccountsResponse,
  AddCommentRequest,
  AttachmentRef,
  AttachmentSlot,
  AttachmentSlotResponse,
  CategoriesResponse,
  Category,
  CommentBody,
  CreateTicketRequest,
  describeIssues,
  PatchTicketRequest,
  Resource,
  ResourcesQuery,
  ResourcesResponse,
  Ticket,
  TICKETING_MEDIA_TYPE,
  TicketList,
} from "./schemas";

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
}

/** Counters of one client, for progress lines and benchmarks. */
export interface ClientStats {
  requests: number;
  retries: number;
  http429: number;
  pacedWaits: number;
  pacedWaitMs: number;
}

export interface ListTicketsQuery {
  accountId?: string;
  status?: string;
  subject?: string;
  /** Free text (simulator and undocumented API: best effort). */
  q?: string;
}

/** Operations that go through the paced, authenticated pipeline (uploads go to a temp URL: neither). */
type PacedOperation = Exclude<Operation, "authenticate" | "uploadAttachment">;

const CLASS_OF: Record<PacedOperation, OperationClass> = {
  createTicket: "create",
  patchTicket: "patch",
  addComment: "comment",
  // No documented limit: share the comments' budget (docs §5), since each attachment precedes a comment.
  createAttachment: "comment",
  // The resources host documents no limit either: the conservative read budget.
  getResources: "read",
  getTicket: "read",
  listTickets: "read",
  getAccounts: "read",
  getCategories: "read",
};

/** Requests that name no account: paced per credential. */
const NO_ACCOUNT = new Set<PacedOperation>(["getAccounts", "getCategories", "getResources"]);

/** `?k=v&…` of the fields that are set (empty when none is), or "". */
function queryString(query: object): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") qs.set(k, String(v));
  const s = qs.toString();
  return s ? `?${s}` : "";
}

interface RequestSpec<T> {
  operation: PacedOperation;
  method: Method;
  path: string;
  ticketId?: string;
  /** Body before validation. */
  body?: unknown;
  bodySchema?: z.ZodType;
  /** Parses a 2xx response; `undefined` for a 204 or an empty body. */
  parse: (json: unknown | undefined) => T;
  /** A 2xx body that is not JSON counts as no body (PATCH and comments: 204, or 200 with anything). */
  anyBody?: boolean;
  /** The account the request names (its body or query), for pacing. */
  accountId?: string;
  idempotent: boolean;
  /** A body already encoded (multipart), sent as is with `contentType`. */
  rawBody?: Buffer;
  contentType?: string;
  /** Accept header (default the pinned v2 media type). */
  accept?: string;
  /** Another API host (the resources API); default the ticketing URL. */
  baseUrl?: string;
  ctx?: CallContext;
}

export class TicketingClient {
  readonly config: Readonly<ResolvedConfig>;
  readonly stats: ClientStats = { requests: 0, retries: 0, http429: 0, pacedWaits: 0, pacedWaitMs: 0 };
  private readonly transport: HttpTransport;
  private readonly identity: IdentityClient;

  constructor(options: ClientOptions = {}, env: Record<string, string | undefined> = process.env) {
    this.config = resolveConfig(options, env);
    this.transport = new HttpTransport(this.config.userAgent);
    this.identity = new IdentityClient(
      {
        identityUrl: this.config.identityUrl,
        username: this.config.username,
        apiKey: this.config.apiKey,
        authToken: this.config.authToken,
        timeoutMs: this.config.timeoutMs,
        retry: this.config.retry,
      },
      this.transport,
    );
  }

  /** The process-wide limiter of an operation class on `accountId` (without one: on this credential). */
  limiter(cls: OperationClass, accountId?: string): SlidingWindowLimiter {
    const windowMs = this.config.windowMs;
    // With the fleet-wide grid in use, the grid holds the margin and the local limiter keeps
    // only the in-process order, bursts and 429 holds: a margin here as well would make each
    // process miss every other slot of its own.
    const shared = this.config.rateLimitRedisUrl ? { marginMs: this.sharedPacer(cls, accountId)?.active ? 0 : defaultMargin(windowMs) } : {};
    return sharedLimiter(this.limiterKey(cls, accountId), { limit: this.config.limits[cls], windowMs, ...shared });
  }

  /**
   * The fleet-wide pacer for an operation class (Redis at `rateLimitRedisUrl`), shared by every
   * process with the same endpoint and account (or credential, without one); undefined without
   * the setting or with pacing off.
   */
  sharedPacer(cls: OperationClass, accountId?: string): SharedPacer | undefined {
    const url = this.config.rateLimitRedisUrl;
    if (!url || !this.config.pacing) return undefined;
    return sharedPacer(url, this.limiterKey(cls, accountId), { limit: this.config.limits[cls], windowMs: this.config.windowMs });
  }

  /** `${ticketingUrl}|account:${accountId}|${cls}`: the limits are per account (docs §5); the credential only when no account is known. */
  private limiterKey(cls: OperationClass, accountId?: string): string {
    return accountId ? `${this.config.ticketingUrl}|account:${accountId}|${cls}` : `${this.cacheKey}|${cls}`;
  }

  // -------------------------------------------------------------------------
  // Operations
  // -------------------------------------------------------------------------

  /** Identifies the API endpoint and credential, for per-credential caches (no secret in it). */
  get cacheKey(): string {
    return `${this.config.ticketingUrl}|${this.identity.credentialId}`;
  }

  /** Whether credentials were supplied at all (options or RACKSPACE_* environment). */
  get hasCredentials(): boolean {
    return Boolean((this.config.username && this.config.apiKey) || this.config.authToken);
  }

  /** POST /tickets. Not idempotent: a lost answer is reported with `mayHaveBeenApplied`. */
  createTicket(request: CreateTicketRequest, ctx?: CallContext): Promise<Ticket> {
    return this.request({
      operation: "createTicket",
      method: "POST",
      path: "/tickets",
      body: request,
      bodySchema: CreateTicketRequest,
      idempotent: false,
      accountId: request.accountId,
      ctx,
      parse: (json) => {
        if (json === undefined) throw new Error("POST /tickets answered without a ticket");
        return Ticket.parse(json);
      },
    });
  }

  /** PATCH /tickets/{id}: close, or replace the resource list. Idempotent (full state). */
  patchTicket(ticketId: string, patch: PatchTicketRequest, ctx?: CallContext): Promise<Ticket | undefined> {
    return this.request({
      operation: "patchTicket",
      method: "PATCH",
      path: `/tickets/${encodeURIComponent(ticketId)}`,
      ticketId,
      body: patch,
      bodySchema: PatchTicketRequest,
      idempotent: true,
      ctx,
      // The docs say 204 with no body, or 200 (docs §8.1): a 200 whose body is not a Ticket is a success too.
      anyBody: true,
      parse: (json) => {
        const ticket = json === undefined ? undefined : Ticket.safeParse(json);
        return ticket?.success ? ticket.data : undefined;
      },
    });
  }

  closeTicket(ticketId: string, ctx?: CallContext): Promise<Ticket | undefined> {
    return this.patchTicket(ticketId, { status: "Closed" }, ctx);
  }

  setResources(ticketId: string, resources: string[], ctx?: CallContext): Promise<Ticket | undefined> {
    return this.patchTicket(ticketId, { resources }, ctx);
  }

  /** POST /tickets/{id}/comments. Not idempotent. */
  async addComment(ticketId: string, comment: CommentBody, ctx?: CallContext): Promise<void> {
    await this.request({
      operation: "addComment",
      method: "POST",
      path: `/tickets/${encodeURIComponent(ticketId)}/comments`,
      ticketId,
      body: { comment },
      bodySchema: AddCommentRequest,
      idempotent: false,
      ctx,
      anyBody: true,
      parse: () => undefined,
    });
  }

  /** GET /tickets/{id} (listed only in the rate-limit table: best effort, docs §4.6). */
  getTicket(ticketId: string, ctx?: CallContext): Promise<Ticket> {
    return this.request({
      operation: "getTicket",
      method: "GET",
      path: `/tickets/${encodeURIComponent(ticketId)}`,
      ticketId,
      idempotent: true,
      ctx,
      parse: (json) => {
        if (json === undefined) throw new Error("GET /tickets/{id} answered without a ticket");
        return Ticket.parse(json);
      },
    });
  }

  /** GET /tickets (undocumented: best effort; filters may be ignored by the server). */
  listTickets(query: ListTicketsQuery = {}, ctx?: CallContext): Promise<Ticket[]> {
    return this.request({
      operation: "listTickets",
      method: "GET",
      path: `/tickets${queryString(query)}`,
      idempotent: true,
      accountId: query.accountId,
      ctx,
      parse: (json) => (json === undefined ? [] : TicketList.parse(json)),
    });
  }

  async getAccounts(ctx?: CallContext): Promise<Account[]> {
    return this.request({
      operation: "getAccounts",
      method: "GET",
      path: "/accounts",
      idempotent: true,
      ctx,
      parse: (json) => AccountsResponse.parse(json).accounts,
    });
  }

  async getCategories(ctx?: CallContext): Promise<Category[]> {
    return this.request({
      operation: "getCategories",
      method: "GET",
      path: "/categories",
      idempotent: true,
      ctx,
      parse: (json) => CategoriesResponse.parse(json).categories,
    });
  }

  /**
   * POST /attachment: an upload slot for one file (docs §4.7). The file name is checked
   * against the forbidden extensions first. Not idempotent, but harmless to repeat: an
   * unused slot simply expires, so failures are retried like reads.
   */
  createAttachmentSlot(filename: string, ctx?: CallContext): Promise<AttachmentSlot> {
    const problem = attachmentNameProblem(filename);
    if (problem) return Promise.reject(new InvalidRequestError([`filename: ${problem}`], { operation: "createAttachment" }));
    return attachmentSlotBody(filename).then((form) =>
      this.request({
        operation: "createAttachment",
        method: "POST",
        path: "/attachment",
        rawBody: form.bytes,
        contentType: form.contentType,
        // The page documents `Accept: multipart/form-data` for a structured answer (docs §8.22).
        accept: `application/json, ${TICKETING_MEDIA_TYPE}`,
        idempotent: true,
        ctx,
        parse: (json) => AttachmentSlotResponse.parse(json),
      }),
    );
  }

  /**
   * Uploads the bytes to a slot's temporary URL. The URL is object storage signed for
   * this one upload: no token is sent there. A PUT of the same bytes is idempotent.
   */
  async uploadAttachment(slot: AttachmentSlot, bytes: Buffer, ctx?: CallContext): Promise<void> {
    if (slot.maxFileSize !== undefined && bytes.length > slot.maxFileSize) {
      throw new InvalidRequestError([`the file is ${bytes.length} bytes; the API accepts at most ${slot.maxFileSize} per attachment`], { operation: "uploadAttachment" });
    }
    let where: string;
    try {
      const u = new URL(slot.uploadUrl);
      where = `${u.protocol}//${u.host}`;
    } catch {
      throw new InvalidResponseError("POST /attachment gave an upload URL that is not a URL", { operation: "createAttachment" });
    }
    await withRetries(
      async (attempts) => {
        const classify = { operation: "uploadAttachment" as const, attempts, idempotent: true, url: where };
        let res: HttpResponse;
        try {
          res = await this.transport.send({
            method: "PUT",
            url: slot.uploadUrl,
            headers: { "Content-Type": "application/octet-stream" },
            body: bytes,
            timeoutMs: this.config.timeoutMs,
          });
        } catch (e) {
          if (e instanceof TransportFailure) throw classifyTransportFailure(e, classify);
          throw e;
        }
        if (res.status < 200 || res.status > 299) {
          // A temp URL answers 401/403 when its signature no longer holds (expired, used up).
          if (res.status === 401 || res.status === 403) throw new UploadSlotExpiredError({ ...classify, status: res.status });
          throw classifyResponse(res, classify);
        }
      },
      this.config.retry,
      {
        onRetryWait: (error, delayMs) => {
          ctx?.onWait?.({ operation: "uploadAttachment", waitMs: delayMs, reason: "retry", cause: error.status !== undefined ? `HTTP ${error.status}` : error.kind });
        },
      },
    );
  }

  /**
   * The whole documented flow for one file: slot, upload, and the `{filename, uuid}` to
   * put in a ticket or comment. If the slot expired before the upload (a long wait for
   * a rate-limit slot), a new one is asked for, once.
   */
  async attachFile(filename: string, bytes: Buffer, ctx?: CallContext): Promise<AttachmentRef> {
    for (let round = 1; ; round++) {
      const slot = await this.createAttachmentSlot(filename, ctx);
      try {
        await this.uploadAttachment(slot, bytes, ctx);
        return { filename, uuid: slot.uuid };
      } catch (e) {
        if (e instanceof UploadSlotExpiredError && round === 1) continue;
        throw e;
      }
    }
  }

  /** GET {resourcesUrl}/resources: one page of the devices this user may attach (docs §4.8). */
  getResources(query: ResourcesQuery = {}, ctx?: CallContext): Promise<Resource[]> {
    const checked = ResourcesQuery.safeParse(query);
    if (!checked.success) return Promise.reject(new InvalidRequestError(describeIssues(checked.error), { operation: "getResources" }));
    return this.request({
      operation: "getResources",
      method: "GET",
      path: `/resources${queryString(checked.data)}`,
      baseUrl: this.config.resourcesUrl,
      idempotent: true,
      ctx,
      parse: (json) => ResourcesResponse.parse(json).resources,
    });
  }

  // -------------------------------------------------------------------------
  // The request pipeline
  // -------------------------------------------------------------------------

  private async request<T>(spec: RequestSpec<T>): Promise<T> {
    let body: string | Buffer | undefined = spec.rawBody;
    if (spec.body !== undefined) {
      const checked = spec.bodySchema ? spec.bodySchema.safeParse(spec.body) : { success: true as const, data: spec.body };
      if (!checked.success) {
        throw new InvalidRequestError(describeIssues(checked.error), { operation: spec.operation, ticketId: spec.ticketId });
      }
      body = JSON.stringify(checked.data);
    }
    const cls = CLASS_OF[spec.operation];
    const account = NO_ACCOUNT.has(spec.operation) ? undefined : (spec.accountId ?? spec.ctx?.accountId);
    const limiter = this.config.pacing ? this.limiter(cls, account) : undefined;
    const fleet = limiter ? this.sharedPacer(cls, account) : undefined;
    let refreshedAuth = false;
    let lastToken: string | undefined;
    const stats: RetryStats = { attempts: 0, waitedMs: 0 };
    const { budgetMs } = this.config.retry;
    const budget = (): RetryBudget => ({ budgetMs, leftMs: Math.max(0, budgetMs - stats.waitedMs) });
    const onPaced = (waitMs: number) => {
      this.stats.pacedWaits++;
      this.stats.pacedWaitMs += waitMs;
      spec.ctx?.onWait?.({ operation: spec.operation, ticketId: spec.ticketId, waitMs, reason: "rate-limit" });
    };

    return withRetries(
      async (attempts) => {
        if (attempts > 1) this.stats.retries++;
        // The token first: a re-authentication must not sit between a slot and its send.
        let token = await this.identity.token();
        const granted = limiter ? await this.slot(limiter, spec, attempts, budget(), onPaced) : undefined;
        // Fleet-wide: claim a slot on the shared grid and sleep until it starts. Undefined when
        // Redis cannot be used: this request is then paced in-process only.
        const claimed: ClaimedSlot | undefined = fleet ? await fleet.claim(onPaced) : undefined;
        // Cached: immediate, unless a long wait outlived the token.
        token = await this.identity.token();
        lastToken = token;
        const baseUrl = spec.baseUrl ?? this.config.ticketingUrl;
        const classify = { operation: spec.operation, ticketId: spec.ticketId, attempts, idempotent: spec.idempotent, url: baseUrl };
        const headers: Record<string, string> = { Accept: spec.accept ?? TICKETING_MEDIA_TYPE, "X-Auth-Token": token };
        if (body !== undefined) headers["Content-Type"] = spec.contentType ?? TICKETING_MEDIA_TYPE;
        let res: HttpResponse;
        this.stats.requests++;
        // The send-time rule: however late this send comes after its slot, no window holds more than the limit.
        await granted?.ready();
        try {
          res = await this.transport.send({
            method: spec.method,
            url: `${baseUrl}${spec.path}`,
            headers,
            body,
            timeoutMs: this.config.timeoutMs,
            freshConnection: !spec.idempotent,
          });
        } catch (e) {
          if (e instanceof TransportFailure) throw classifyTransportFailure(e, classify);
          throw e;
        } finally {
          // The server accepted the request somewhere between the send and the answer: count the
          // window from the answer, the one instant known to be no earlier than the server's.
          // (Not on the fleet-wide grid: its slots carry the margin, and the local chain must
          // stay in step with them.)
          if (!claimed) granted?.sent();
        }
        if (res.status < 200 || res.status > 299) {
          const err = classifyResponse(res, { ...classify, budget: budget() });
          if (err instanceof RateLimitedError) {
            this.stats.http429++;
            const hold = err.retryAfterMs ?? (limiter ? limiter.settings.windowMs / limiter.settings.limit : 0);
            // Hold the class for everyone, unless no request may wait that long at all (it then fails at once, holding nobody).
            if (limiter && hold <= budgetMs) limiter.penalize(hold);
          }
          throw err;
        }
        return this.parseSuccess(res, spec, attempts);
      },
      this.config.retry,
      {
        delayFor: (error, _attempt, backoff) => {
          // Identity has its own bounded retries; retrying here too would multiply them.
          if (error.operation === "authenticate") return undefined;
          if (error.kind === "auth") {
            // A token can expire or be revoked mid-deployment: authenticate again, once.
            if (refreshedAuth || !this.identity.canRefresh || error.status !== 401) return undefined;
            refreshedAuth = true;
            if (lastToken) this.identity.invalidate(lastToken);
            return 0;
          }
          if (!isRetryable(error)) return undefined;
          // Retry-After (429 or 503) is waited here, inside the budget: longer, and withRetries gives up with the error's hint.
          if (error.retryAfterMs !== undefined) return error.retryAfterMs;
          // A 429 without Retry-After: with pacing, the limiter's hold spaces the retry.
          if (error instanceof RateLimitedError) return limiter ? 0 : backoff;
          return backoff;
        },
        onRetryWait: (error, delayMs) => {
          spec.ctx?.onWait?.({
            operation: spec.operation,
            ticketId: spec.ticketId,
            waitMs: delayMs,
            reason: "retry",
            cause: error.status !== undefined ? `HTTP ${error.status}${error.faultCode ? ` ${error.faultCode}` : ""}` : error.kind,
          });
        },
      },
      stats,
    );
  }

  /** A slot from the in-process limiter; a 429 hold longer than what is left of the budget fails at once. */
  private async slot<T>(limiter: SlidingWindowLimiter, spec: RequestSpec<T>, attempts: number, budget: RetryBudget, onWait: (ms: number) => void): Promise<SlotHandle> {
    try {
      return await limiter.acquire(onWait, { maxHoldMs: budget.leftMs });
    } catch (e) {
      if (!(e instanceof LimiterHoldError)) throw e;
      throw new RateLimitedError({
        operation: spec.operation,
        ticketId: spec.ticketId,
        attempts,
        retryAfterMs: e.holdMs,
        hint: retryAfterPastBudgetHint(e.holdMs, budget, true),
      });
    }
  }

  private parseSuccess<T>(res: HttpResponse, spec: RequestSpec<T>, attempts: number): T {
    const text = res.body?.trim() ?? "";
    let json: unknown | undefined;
    // 204s may announce a JSON content type with an empty body (docs §8.4): look at the body itself.
    if (res.status !== 204 && text.length > 0) {
      try {
        json = JSON.parse(text);
      } catch {
        if (!spec.anyBody) throw this.badResponse(spec, res, attempts, "the response body is not JSON");
      }
    }
    try {
      return spec.parse(json);
    } catch (e) {
      const why = e instanceof Error && "issues" in e ? "the response does not have the documented shape" : e instanceof Error ? e.message : String(e);
      throw this.badResponse(spec, res, attempts, why);
    }
  }

  private badResponse<T>(spec: RequestSpec<T>, res: HttpResponse, attempts: number, why: string): RackspaceApiError {
    return new InvalidResponseError(why, {
      operation: spec.operation,
      ticketId: spec.ticketId,
      status: res.status,
      attempts,
      // The server said 2xx: a write went through even if we cannot read the answer.
      mayHaveBeenApplied: spec.method !== "GET",
    });
  }
}
