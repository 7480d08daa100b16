/**
 * The Rackspace Ticketing API v2 client, one method per documented operation. It knows nothing of Pulumi.
 *
 * - Every request goes through ./pipeline (media type, token, pacing, the retry rules of ./retry-decision, tolerant parsing).
 * - Pacing is per endpoint, account and operation class (per credential when no account is known), in process and, with `rateLimitRedisUrl`, fleet-wide (./shared-pacing).
 */
import { attachmentNameProblem, attachmentSlotBody } from "./attachments";
import type { CallContext, ClientStats } from "./call-context";
import { ClientOptions, ResolvedConfig, resolveConfig } from "./config";
import { InvalidRequestError, UploadSlotExpiredError } from "./errors";
import { HttpTransport } from "./http";
import { IdentityClient } from "./identity";
import { defaultMargin, OperationClass, sharedLimiter, SlidingWindowLimiter } from "./limiter";
import { pacerFor } from "./pacing";
import { PipelineDeps, runRequest } from "./pipeline";
import { queryString, RequestSpec } from "./request-spec";
import { SharedPacer, sharedPacer } from "./shared-pacing";
import { uploadToSlot } from "./upload";
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

export type { CallContext, ClientStats, WaitInfo, WaitReason } from "./call-context";

export interface ListTicketsQuery {
  accountId?: string;
  status?: string;
  subject?: string;
  /** Free text (simulator and undocumented API: best effort). */
  q?: string;
}

export class TicketingClient {
  readonly config: Readonly<ResolvedConfig>;
  readonly stats: ClientStats = { requests: 0, retries: 0, http429: 0, pacedWaits: 0, pacedWaitMs: 0 };
  private readonly transport: HttpTransport;
  private readonly identity: IdentityClient;
  private readonly pipeline: PipelineDeps;

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
    this.pipeline = {
      config: this.config,
      transport: this.transport,
      identity: this.identity,
      stats: this.stats,
      pacer: (cls, accountId) => pacerFor(this.limiter(cls, accountId), this.sharedPacer(cls, accountId)),
    };
  }

  /** The process-wide limiter of an operation class on `accountId` (without one: on this credential). */
  limiter(cls: OperationClass, accountId?: string): SlidingWindowLimiter {
    const windowMs = this.config.windowMs;
    // With the fleet-wide schedule in use, it holds the margin and the local limiter only the in-process order,
    // bursts and 429 holds: a margin here as well would make each process miss every other send time of its own.
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
  uploadAttachment(slot: AttachmentSlot, bytes: Buffer, ctx?: CallContext): Promise<void> {
    return uploadToSlot(this.transport, this.config, slot, bytes, ctx);
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

  private request<T>(spec: RequestSpec<T>): Promise<T> {
    return runRequest(this.pipeline, spec);
  }
}
