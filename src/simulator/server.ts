/**
 * HTTP server and routing. Two listeners on the same host:
 * - the main port: identity (POST /v2.0/tokens), ticketing (docs §4, POST /attachment included),
 *   the object-storage routes of attachments (PUT /_uploads/{uuid} temp URLs, GET /_files/{uuid})
 *   and the admin API under /_sim/;
 * - the resources port: the resources API (docs §4.8: GET /resources, GET /resources/{id}),
 *   a different host in production.
 *
 * Request pipeline for API routes (both listeners):
 *   read body → route (404 / 405) → injected fault (status / hang / drop-before; drop-after is
 *   applied at the end) → [ticketing] X-Auth-Token (401) → rate limit (429; counts every request
 *   that passes it, even one later refused with 400, as a gateway limiter would) → Accept (406)
 *   → Content-Type / JSON / multipart / schema / query (400) → business rules → response.
 *
 * The object-storage routes stand for Swift, not the Ticketing API: no token, no rate limit, no
 * fault injection, and no request-log entry (the logger still gets a line).
 */
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createHash, timingSafeEqual } from "node:crypto";
import { handleAdmin } from "./admin";
import { AttachmentService, parseAttachmentForm, filenameProblem } from "./attachments";
import { ApiFault, defaultFaultCode, faultBody } from "./errors";
import { FaultQueue } from "./faults";
import { RequestLog, redact } from "./log";
import { contentTypeProblem, JSON_MEDIA_TYPE, mediaTypes, negotiate, V2_MEDIA_TYPE } from "./media";
import { SlidingWindow } from "./ratelimit";
import { checkResources, findResource, listResources, parseResourcesQuery, resourceView } from "./resources";
import { AddCommentBody, CreateTicketBody, describeIssues, PatchTicketBody, TokenRequestBody } from "./schemas";
import {
  DEFAULT_ACCOUNTS,
  DEFAULT_ATTACHMENT_MAX_BYTES,
  DEFAULT_ATTACHMENT_TTL_MS,
  DEFAULT_CATEGORIES,
  DEFAULT_LIMITS,
  DEFAULT_RESOURCES,
  DEFAULT_TOKEN_LIFETIME_MS,
  DEFAULT_USERS,
  DEFAULT_WINDOW_MS,
  DEMO_USERNAME,
} from "./seed";
import { TicketStore } from "./state";
import { TicketService } from "./tickets";
import { TokenStore, type TokenRecord } from "./tokens";
import type {
  ArmedFault,
  Fault,
  RackerAction,
  RateClass,
  RateLimits,
  RequestFilter,
  RequestLogEntry,
  SimAttachmentInfo,
  SimOperation,
  SimQuirks,
  SimResource,
  SimUser,
  Simulator,
  SimulatorOptions,
  Ticket,
} from "./types";
import type { z } from "zod";

const MAX_BODY_BYTES = 1024 * 1024;
const TICKETING_BODY_TYPES = [JSON_MEDIA_TYPE, V2_MEDIA_TYPE] as const;

/** Which listener a request came in on. */
export type Listener = "main" | "resources";

interface Route {
  operation: SimOperation;
  ticketId?: string;
  rateClass?: RateClass;
  /** GET /resources/{id}. */
  resourceId?: string;
}

type Routed = { kind: "ok"; route: Route } | { kind: "notFound" } | { kind: "methodNotAllowed"; allow: string[]; ticketId?: string };

/** Maps a method + path to an operation (exported for unit tests). */
export function route(method: string, pathname: string): Routed {
  const segs = pathname.split("/").slice(1);
  const on = (allow: string[], pick: Record<string, Route>, ticketId?: string): Routed =>
    pick[method] ? { kind: "ok", route: pick[method] } : { kind: "methodNotAllowed", allow, ticketId };
  const decode = (s: string): string | undefined => {
    try {
      const d = decodeURIComponent(s);
      return d.length > 0 ? d : undefined;
    } catch {
      return undefined;
    }
  };
  if (pathname === "/v2.0/tokens") return on(["POST"], { POST: { operation: "token" } });
  if (pathname === "/accounts") return on(["GET"], { GET: { operation: "getAccounts", rateClass: "read" } });
  if (pathname === "/categories") return on(["GET"], { GET: { operation: "getCategories", rateClass: "read" } });
  if (pathname === "/attachment") return on(["POST"], { POST: { operation: "createAttachment", rateClass: "attachment" } });
  if (pathname === "/tickets") {
    return on(["GET", "POST"], { GET: { operation: "listTickets", rateClass: "read" }, POST: { operation: "createTicket", rateClass: "create" } });
  }
  if (segs[0] === "tickets" && segs.length === 2) {
    const ticketId = decode(segs[1]);
    if (ticketId === undefined) return { kind: "notFound" };
    const patch: Route = { operation: "patchTicket", ticketId, rateClass: "patch" };
    return on(["GET", "PATCH", "PUT"], { GET: { operation: "getTicket", ticketId, rateClass: "read" }, PATCH: patch, PUT: patch }, ticketId);
  }
  if (segs[0] === "tickets" && segs.length === 3 && segs[2] === "comments") {
    const ticketId = decode(segs[1]);
    if (ticketId === undefined) return { kind: "notFound" };
    return on(["POST"], { POST: { operation: "addComment", ticketId, rateClass: "comment" } }, ticketId);
  }
  return { kind: "notFound" };
}

/** Maps a method + path on the resources listener to an operation (exported for unit tests). */
export function routeResources(method: string, pathname: string): Routed {
  const segs = pathname.split("/").slice(1);
  const allow = ["GET"];
  if (pathname === "/resources") return method === "GET" ? { kind: "ok", route: { operation: "getResources", rateClass: "resources" } } : { kind: "methodNotAllowed", allow };
  if (segs[0] === "resources" && segs.length === 2) {
    let id: string;
    try {
      id = decodeURIComponent(segs[1]);
    } catch {
      return { kind: "notFound" };
    }
    if (id.length === 0) return { kind: "notFound" };
    return method === "GET" ? { kind: "ok", route: { operation: "getResources", rateClass: "resources", resourceId: id } } : { kind: "methodNotAllowed", allow };
  }
  return { kind: "notFound" };
}

/** A response to send. `body` undefined = no body. */
export interface Reply {
  status: number;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** Fault details for the log. */
  faultCode?: string;
  message?: string;
}

/** Per-request bookkeeping for the log. */
interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  started: number;
  method: string;
  path: string;
  accept?: string;
  contentType?: string;
  operation: SimOperation;
  ticketId?: string;
  rawBody: string;
  bytes: Buffer;
  json?: { ok: true; value: unknown } | { ok: false; error: string };
  /** What to log as the body when it is not JSON (a multipart form's summary). */
  logBody?: unknown;
  user?: string;
  fault?: ArmedFault;
  secrets: string[];
  logged: boolean;
}

function parseEnvWindow(): number | undefined {
  const raw = process.env.RACKSPACE_RATE_WINDOW_MS;
  if (raw === undefined || raw.trim() === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`RACKSPACE_RATE_WINDOW_MS must be a positive number of milliseconds, got '${raw}'`);
  return n;
}

function assertLimits(limits: Partial<RateLimits>): void {
  for (const [k, v] of Object.entries(limits)) {
    if (!(k in DEFAULT_LIMITS)) throw new RangeError(`unknown rate-limit class '${k}' (${Object.keys(DEFAULT_LIMITS).join(", ")})`);
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new RangeError(`limit '${k}' must be a non-negative integer, got ${v}`);
  }
}

function positive(name: string, v: number | undefined, dflt: number): number {
  const n = v ?? dflt;
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`${name} must be a positive number, got ${n}`);
  return n;
}

export class SimulatorServer implements Simulator {
  url = "";
  identityUrl = "";
  ticketingUrl = "";
  port = 0;
  resourcesUrl = "";
  resourcesPort = 0;

  readonly log: RequestLog;
  readonly faultQueue = new FaultQueue();
  readonly window: SlidingWindow;
  readonly tokenStore: TokenStore;
  readonly store: TicketStore;
  readonly service: TicketService;
  readonly files: AttachmentService;

  private limits: RateLimits;
  private readonly rateLimitScope: "user" | "token" | "account";
  private readonly users: SimUser[];
  private readonly quirks: Required<SimQuirks>;
  private readonly logger?: (line: string) => void;
  private readonly devices: SimResource[];
  private readonly server: http.Server;
  private readonly resourcesServer: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly hangs = new Set<() => void>();
  private closing?: Promise<void>;

  constructor(private readonly options: SimulatorOptions = {}) {
    const windowMs = options.windowMs ?? parseEnvWindow() ?? DEFAULT_WINDOW_MS;
    this.window = new SlidingWindow(windowMs);
    if (options.limits) assertLimits(options.limits);
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.rateLimitScope = options.rateLimitScope ?? "token";
    this.users = structuredClone(options.users ?? [...DEFAULT_USERS]);
    const names = new Set<string>();
    for (const u of this.users) {
      if (names.has(u.username)) throw new RangeError(`duplicate simulator user '${u.username}'`);
      names.add(u.username);
    }
    this.quirks = {
      patchStatus: options.quirks?.patchStatus ?? 204,
      commentStatus: options.quirks?.commentStatus ?? 204,
      createStatus: options.quirks?.createStatus ?? 200,
      remapSubcategory: options.quirks?.remapSubcategory ?? false,
    };
    const lifetime = options.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS;
    if (!Number.isFinite(lifetime) || lifetime <= 0) throw new RangeError(`tokenLifetimeMs must be positive, got ${lifetime}`);
    this.tokenStore = new TokenStore(lifetime);
    this.log = new RequestLog(options.maxLogEntries);
    this.logger = options.logger;
    const ttlMs = positive("attachmentTtlMs", options.attachmentTtlMs, DEFAULT_ATTACHMENT_TTL_MS);
    const maxBytes = positive("attachmentMaxBytes", options.attachmentMaxBytes, DEFAULT_ATTACHMENT_MAX_BYTES);
    if (!Number.isInteger(maxBytes)) throw new RangeError(`attachmentMaxBytes must be a whole number of bytes, got ${maxBytes}`);
    this.devices = checkResources(options.resources ?? DEFAULT_RESOURCES);
    this.store = new TicketStore(options.dataFile);
    this.files = new AttachmentService(this.store, { ttlMs, maxBytes }, () => this.url);
    this.service = new TicketService(
      this.store,
      structuredClone(options.accounts ?? [...DEFAULT_ACCOUNTS]),
      structuredClone(options.categories ?? [...DEFAULT_CATEGORIES]),
      this.quirks,
      this.files,
    );
    this.server = this.httpServer("main");
    this.resourcesServer = this.httpServer("resources");
  }

  private httpServer(listener: Listener): http.Server {
    const server = http.createServer((req, res) => {
      this.dispatch(req, res, listener).catch((e: unknown) => this.internalError(res, e));
    });
    server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.once("close", () => this.sockets.delete(s));
    });
    // A bad request line etc.: answer 400 without crashing.
    server.on("clientError", (_err, socket) => {
      if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      else socket.destroy();
    });
    return server;
  }

  /** Starts both listeners; if the second cannot start, the first is closed again before the error is thrown. */
  async listen(): Promise<void> {
    const host = this.options.host ?? "127.0.0.1";
    const bind = (server: http.Server, port: number) =>
      new Promise<number>((resolve, reject) => {
        const onError = (e: Error) => reject(e);
        server.once("error", onError);
        server.listen(port, host, () => {
          server.off("error", onError);
          resolve((server.address() as AddressInfo).port);
        });
      });
    // A wildcard bind is reachable on loopback; advertise that.
    const shown = host === "0.0.0.0" || host === "::" || host === "" ? "127.0.0.1" : host;
    const base = (port: number) => `http://${shown.includes(":") ? `[${shown}]` : shown}:${port}`;
    this.port = await bind(this.server, this.options.port ?? 0);
    this.url = base(this.port);
    this.identityUrl = this.url;
    this.ticketingUrl = this.url;
    try {
      this.resourcesPort = await bind(this.resourcesServer, this.options.resourcesPort ?? 0);
    } catch (e) {
      await this.close();
      throw e;
    }
    this.resourcesUrl = base(this.resourcesPort);
    // Tickets loaded from a data file point at this run's file and upload URLs.
    this.files.rebase(this.store.all());
  }

  close(): Promise<void> {
    if (!this.closing) {
      const stop = (server: http.Server) =>
        new Promise<void>((resolve) => {
          if (!server.listening) return resolve();
          server.close(() => resolve());
          server.closeAllConnections();
        });
      this.closing = (async () => {
        const stopped = Promise.all([stop(this.server), stop(this.resourcesServer)]);
        for (const release of [...this.hangs]) release();
        for (const s of this.sockets) s.destroy();
        await stopped;
      })();
    }
    return this.closing;
  }

  // ------------------------------------------------------------ in-process controls

  issueToken(username: string = this.users[0]?.username ?? DEMO_USERNAME): string {
    if (!this.users.some((u) => u.username === username)) throw new RangeError(`unknown simulator user '${username}'`);
    return this.tokenStore.issue(username).id;
  }

  expireTokens(): void {
    this.tokenStore.expireAll();
  }

  revokeToken(id: string): boolean {
    return this.tokenStore.revoke(id);
  }

  requests(filter?: RequestFilter): RequestLogEntry[] {
    return this.log.list(filter);
  }

  writeCalls(): RequestLogEntry[] {
    return this.log.list({ operation: ["createTicket", "patchTicket", "addComment"] });
  }

  clearRequests(): void {
    this.log.clear();
  }

  injectFault(fault: Fault): ArmedFault {
    return this.faultQueue.inject(fault);
  }

  faults(): ArmedFault[] {
    return this.faultQueue.list();
  }

  clearFaults(): void {
    this.faultQueue.clear();
  }

  setLimits(limits: Partial<RateLimits>): void {
    assertLimits(limits);
    const defined = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
    this.limits = { ...this.limits, ...defined };
  }

  setWindowMs(windowMs: number): void {
    this.window.setWindowMs(windowMs);
  }

  getLimits(): { windowMs: number; limits: RateLimits } {
    return { windowMs: this.window.window, limits: { ...this.limits } };
  }

  tickets(): Ticket[] {
    return this.store.all().map((t) => structuredClone(t));
  }

  getTicket(id: string): Ticket | undefined {
    const t = this.store.get(id);
    return t ? structuredClone(t) : undefined;
  }

  actAsRacker(ticketId: string, action: RackerAction): Ticket {
    return this.service.racker(ticketId, action);
  }

  reset(): void {
    this.store.clear();
    this.log.clear();
    this.faultQueue.clear();
    this.window.clear();
  }

  attachments(): SimAttachmentInfo[] {
    return this.files.list();
  }

  attachmentContent(uuid: string): Buffer | undefined {
    return this.files.content(uuid);
  }

  resources(): SimResource[] {
    return structuredClone(this.devices);
  }

  // ------------------------------------------------------------ HTTP

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse, listener: Listener = "main"): Promise<void> {
    const started = Date.now();
    const method = (req.method ?? "GET").toUpperCase();
    const path = req.url ?? "/";
    const url = new URL(path, "http://sim.invalid");
    const isAdmin = listener === "main" && (url.pathname === "/_sim" || url.pathname.startsWith("/_sim/"));
    if (listener === "main" && (url.pathname.startsWith("/_uploads/") || url.pathname.startsWith("/_files/"))) return this.objectStorage(req, res, url, method, started);
    const router = listener === "resources" ? routeResources : route;

    const read = await readBody(req);
    if (read.aborted && !read.tooLarge) {
      // The client went away mid-request: nothing is applied and there is no one to answer.
      req.socket.destroy();
      if (!isAdmin) this.record(this.exchange(req, res, started, method, path, Buffer.alloc(0)), 0, { message: "client disconnected before sending the whole request" });
      return;
    }
    if (read.tooLarge) {
      const reply: Reply = { status: 413, body: faultBody(413, `request body larger than ${MAX_BODY_BYTES} bytes`), contentType: JSON_MEDIA_TYPE };
      if (isAdmin) return this.send(res, reply);
      const ex = this.exchange(req, res, started, method, path, Buffer.alloc(0));
      const routed = router(method, url.pathname);
      if (routed.kind === "ok") [ex.operation, ex.ticketId] = [routed.route.operation, routed.route.ticketId];
      return this.finish(ex, reply);
    }
    if (isAdmin) return handleAdmin(this, req, res, url, read.bytes.toString("utf8"));

    const ex = this.exchange(req, res, started, method, path, read.bytes);
    const routed = router(method, url.pathname);
    if (routed.kind === "notFound") {
      return this.finish(ex, this.fault(new ApiFault(404, `No such resource: ${method} ${url.pathname}`, "notFound")));
    }
    if (routed.kind === "methodNotAllowed") {
      ex.ticketId = routed.ticketId;
      const f = new ApiFault(405, `Method ${method} is not allowed on ${url.pathname} (allowed: ${routed.allow.join(", ")})`, "methodNotAllowed", {
        Allow: routed.allow.join(", "),
      });
      return this.finish(ex, this.fault(f));
    }
    const { route: r } = routed;
    ex.operation = r.operation;
    ex.ticketId = r.ticketId;

    // Injected faults that act before anything is applied.
    const fault = this.faultQueue.take(r.operation);
    ex.fault = fault;
    if (fault?.kind === "status") return this.finish(ex, injectedReply(fault));
    if (fault?.kind === "drop-before") return this.drop(ex);
    if (fault?.kind === "hang") {
      const proceed = await this.hold(res, fault.ms);
      if (!proceed) return this.abandon(ex);
    }

    let reply: Reply;
    try {
      reply = r.operation === "token" ? this.token(ex) : await this.ticketing(ex, r, url);
    } catch (e) {
      if (!(e instanceof ApiFault)) throw e;
      reply = this.fault(e);
    }
    if (fault?.kind === "drop-after") return this.drop(ex, reply.status);
    return this.finish(ex, reply);
  }

  private exchange(req: http.IncomingMessage, res: http.ServerResponse, started: number, method: string, path: string, bytes: Buffer): Exchange {
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(", ") : v;
    };
    const token = header("x-auth-token");
    const rawBody = bytes.toString("utf8");
    return {
      req,
      res,
      started,
      method,
      path,
      accept: header("accept"),
      contentType: header("content-type"),
      operation: "unknown",
      rawBody,
      bytes,
      json: rawBody.length > 0 ? parseJson(rawBody) : undefined,
      // Anything that must never reach the log: the caller's token and every configured API key.
      secrets: [...(token ? [token] : []), ...this.users.map((u) => u.apiKey)],
      logged: false,
    };
  }

  private fault(e: ApiFault): Reply {
    return { status: e.status, body: e.body, contentType: JSON_MEDIA_TYPE, headers: e.headers, faultCode: e.faultCode, message: e.message };
  }

  /** POST /v2.0/tokens (docs §2). Identity is not rate-limited here. */
  private token(ex: Exchange): Reply {
    const body = this.jsonBody(ex, [JSON_MEDIA_TYPE]);
    const parsed = TokenRequestBody.safeParse(body);
    if (!parsed.success) {
      throw new ApiFault(
        400,
        `Invalid authentication request (expected {"auth":{"RAX-KSKEY:apiKeyCredentials":{"username","apiKey"}}}): ${describeIssues(parsed.error)}`,
        "badRequest",
      );
    }
    const auth = parsed.data.auth;
    const creds = auth["RAX-KSKEY:apiKeyCredentials"];
    const user = this.users.find((u) => u.username === creds.username);
    if (!user || !safeEqual(user.apiKey, creds.apiKey)) throw new ApiFault(401, "Username or api key is invalid.", "unauthorized");
    const tenantId = user.tenantId ?? "100002";
    if ((auth.tenantId !== undefined && auth.tenantId !== tenantId) || (auth.tenantName !== undefined && auth.tenantName !== tenantId)) {
      throw new ApiFault(401, "Not authorized for the requested tenant.", "unauthorized");
    }
    ex.user = user.username;
    const issued = this.tokenStore.issue(user.username);
    const host = ex.req.headers.host;
    const base = host ? `http://${host}` : this.url;
    return {
      status: 200,
      contentType: JSON_MEDIA_TYPE,
      body: {
        access: {
          token: {
            id: issued.id,
            expires: new Date(issued.record.expiresAt).toISOString(),
            tenant: { id: tenantId, name: tenantId },
            "RAX-AUTH:authenticatedBy": ["APIKEY"],
          },
          serviceCatalog: [
            {
              name: "rackspaceTicketing",
              type: "rax:ticketing",
              endpoints: [{ publicURL: base, region: "GLOBAL", tenantId }],
            },
          ],
          user: {
            id: createHash("sha256").update(`user:${user.username}`).digest("hex").slice(0, 16),
            name: user.username,
            "RAX-AUTH:defaultRegion": "",
            roles: [
              { id: "3", name: "identity:user-admin", description: "User Admin Role." },
              { id: "ticketing:admin", name: "ticketing:admin", description: "Ticketing administrator." },
            ],
          },
        },
      },
    };
  }

  /** Every token-authenticated route: ticketing, POST /attachment and the resources host. */
  private async ticketing(ex: Exchange, r: Route, url: URL): Promise<Reply> {
    const check = this.tokenStore.check(headerValue(ex.req, "x-auth-token"));
    if (!check.ok) {
      const why = {
        missing: "No valid token provided. Please use the 'X-Auth-Token' header with a valid token.",
        unknown: "The token provided is invalid or was revoked; authenticate again (POST /v2.0/tokens).",
        expired: "The token provided has expired; authenticate again (POST /v2.0/tokens).",
      }[check.reason];
      throw new ApiFault(401, why, "unauthorized");
    }
    const user = this.users.find((u) => u.username === check.record.username);
    if (!user) throw new ApiFault(401, "The token's user no longer exists.", "unauthorized");
    ex.user = user.username;

    if (r.rateClass) this.rateLimit(this.rateKey(check.record, ex, r, url), r.rateClass);

    const type = r.operation === "createAttachment" ? negotiateAttachment(ex.accept) : negotiate(ex.accept);
    if (type === undefined) {
      const also = r.operation === "createAttachment" ? " (multipart/form-data, as the attachments page documents, is answered with JSON too)" : "";
      throw new ApiFault(
        406,
        `Cannot answer with '${ex.accept}': this API serves ${V2_MEDIA_TYPE} (contract version 2) or ${JSON_MEDIA_TYPE}${also}`,
        "notAcceptable",
      );
    }
    const ok = (status: number, body?: unknown, headers?: Record<string, string>): Reply => ({ status, body, contentType: type, headers });

    switch (r.operation) {
      case "getAccounts":
        return ok(200, { accounts: this.service.accountsFor(user).map((a) => structuredClone(a)) });
      case "getCategories":
        return ok(200, { categories: this.service.allCategories() });
      case "listTickets": {
        const q = (name: string) => url.searchParams.get(name) ?? undefined;
        return ok(200, { tickets: this.service.list(user, { accountId: q("accountId"), status: q("status"), subject: q("subject"), q: q("q") }) });
      }
      case "getTicket":
        return ok(200, this.service.get(user, r.ticketId as string));
      case "createTicket": {
        const body = this.validate(ex, CreateTicketBody);
        const t = this.service.create(user, body);
        ex.ticketId = t.ticketId;
        const status = this.quirks.createStatus;
        return ok(status, t, status === 201 ? { Location: `/tickets/${encodeURIComponent(t.ticketId)}` } : undefined);
      }
      case "patchTicket": {
        const body = this.validate(ex, PatchTicketBody);
        const t = this.service.patch(user, r.ticketId as string, body);
        return this.quirks.patchStatus === 200 ? ok(200, t) : ok(204);
      }
      case "addComment": {
        const body = this.validate(ex, AddCommentBody);
        const t = this.service.comment(user, r.ticketId as string, body);
        return this.quirks.commentStatus === 200 ? ok(200, t) : ok(204);
      }
      case "createAttachment": {
        const file = await parseAttachmentForm(ex.contentType, ex.bytes);
        ex.logBody = { filename: { filename: file.filename, size: file.size, type: file.type } };
        const problem = filenameProblem(file.filename);
        if (problem) throw new ApiFault(400, problem, "badRequest");
        // Docs §4.7 list the roles allowed; the simulator has no role model beyond observer accounts.
        return ok(201, this.files.createSlot(user.username, file.filename));
      }
      case "getResources": {
        const mine = new Set(this.service.accountsFor(user).map((a) => a.id));
        if (r.resourceId !== undefined) return ok(200, resourceView(findResource(this.devices, mine, r.resourceId), this.resourcesUrl));
        const query = parseResourcesQuery(url.searchParams);
        return ok(200, { resources: listResources(this.devices, mine, query).map((d) => resourceView(d, this.resourcesUrl)) });
      }
      default:
        throw new ApiFault(404, `No such resource: ${ex.method} ${url.pathname}`, "notFound");
    }
  }

  /** Whose budget a request draws from (see SimulatorOptions.rateLimitScope). */
  private rateKey(record: TokenRecord, ex: Exchange, r: Route, url: URL): string {
    if (this.rateLimitScope === "token") return `token:${record.hash}`;
    const account = this.rateLimitScope === "account" ? accountOf(ex, r, url, (id) => this.store.get(id)?.accountId) : undefined;
    return account !== undefined ? `account:${account}` : `user:${record.username}`;
  }

  private rateLimit(who: string, cls: RateClass): void {
    const limit = this.limits[cls];
    const got = this.window.tryAcquire(`${who}:${cls}`, limit);
    if (got.ok) return;
    const seconds = String(got.retryAfterSeconds);
    throw new ApiFault(
      429,
      `Rate limit exceeded: ${limit} ${cls} request(s) per ${this.window.window} ms; retry after ${seconds} s`,
      "rateLimitExceeded",
      { "Retry-After": seconds },
    );
  }

  /** The request's JSON body, after Content-Type and syntax checks. */
  private jsonBody(ex: Exchange, allowedTypes: readonly string[]): unknown {
    if (ex.rawBody.length === 0) throw new ApiFault(400, "A JSON request body is required", "badRequest");
    const problem = contentTypeProblem(ex.contentType, allowedTypes);
    if (problem) throw new ApiFault(400, problem, "badRequest");
    const json = ex.json;
    if (!json || !json.ok) throw new ApiFault(400, `The request body is not valid JSON: ${json && !json.ok ? json.error : "empty"}`, "badRequest");
    return json.value;
  }

  private validate<T>(ex: Exchange, schema: z.ZodType<T>): T {
    const body = this.jsonBody(ex, TICKETING_BODY_TYPES);
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new ApiFault(400, `Invalid request body: ${describeIssues(parsed.error)}`, "badRequest");
    return parsed.data;
  }

  /** Holds a request; resolves true to continue after `ms`, false if released (client gone or closing). */
  private hold(res: http.ServerResponse, ms?: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (proceed: boolean) => {
        if (timer) clearTimeout(timer);
        res.off("close", onClose);
        this.hangs.delete(release);
        resolve(proceed);
      };
      const onClose = () => done(false);
      const release = () => done(false);
      res.once("close", onClose);
      this.hangs.add(release);
      if (ms !== undefined) timer = setTimeout(() => done(!this.closing), ms);
    });
  }

  private drop(ex: Exchange, droppedStatus?: number): void {
    ex.req.socket.destroy();
    this.record(ex, 0, { droppedStatus });
  }

  private abandon(ex: Exchange): void {
    if (!ex.res.destroyed) ex.req.socket.destroy();
    this.record(ex, 0, { message: "abandoned: the client disconnected or the simulator closed while the request was held" });
  }

  /**
   * The object-storage side of attachments (Swift-like, plain-text answers): PUT to a slot's
   * temp URL, GET/HEAD of an uploaded file. Not in the request log; one logger line each.
   */
  private async objectStorage(req: http.IncomingMessage, res: http.ServerResponse, url: URL, method: string, started: number): Promise<void> {
    const upload = url.pathname.startsWith("/_uploads/");
    const rest = url.pathname.slice(upload ? "/_uploads/".length : "/_files/".length);
    let uuid: string | undefined;
    try {
      uuid = rest.includes("/") ? undefined : decodeURIComponent(rest);
    } catch {
      uuid = undefined;
    }
    const allowed = upload ? ["PUT"] : ["GET", "HEAD"];
    const rec = uuid ? this.files.find(uuid) : undefined;
    const read = await readBody(req, rec?.maxBytes ?? MAX_BODY_BYTES);
    if (read.aborted && !read.tooLarge) {
      req.socket.destroy();
      return;
    }
    let reply: { status: number; body?: string | Buffer; headers?: Record<string, string> };
    if (!allowed.includes(method)) {
      reply = { status: 405, body: `Method ${method} is not allowed here (allowed: ${allowed.join(", ")})`, headers: { Allow: allowed.join(", "), "Content-Type": "text/plain; charset=utf-8" } };
    } else if (upload) {
      const sentToken = req.headers["x-auth-token"] !== undefined;
      reply = uuid === undefined ? { status: 401, body: "Temp URL invalid", headers: { "Content-Type": "text/plain; charset=utf-8" } } : this.files.upload(uuid, url.searchParams, started, read, headerValue(req, "content-type"), sentToken);
    } else {
      reply = uuid === undefined ? { status: 404, body: "Not Found", headers: { "Content-Type": "text/plain; charset=utf-8" } } : this.files.download(uuid);
    }
    if (!res.destroyed && !res.headersSent) {
      const body = reply.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body);
      res.writeHead(reply.status, { ...reply.headers, "Content-Length": String(body.length) });
      res.end(method === "HEAD" ? undefined : body);
    }
    const what = upload ? `upload, ${read.size} bytes` : "file";
    // The path only: the query of an upload URL is its signature.
    this.logger?.(`${method} ${url.pathname} → ${reply.status} (${what}, ${Date.now() - started} ms)`);
  }

  private finish(ex: Exchange, reply: Reply): void {
    this.send(ex.res, reply);
    this.record(ex, reply.status, { faultCode: reply.faultCode, message: reply.message });
  }

  send(res: http.ServerResponse, reply: Reply): void {
    if (res.destroyed || res.headersSent) return;
    const headers: Record<string, string> = { ...reply.headers };
    let payload: string | undefined;
    if (reply.body !== undefined && reply.status !== 204 && reply.status !== 304) {
      payload = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
      headers["Content-Type"] = reply.contentType ?? JSON_MEDIA_TYPE;
      headers["Content-Length"] = String(Buffer.byteLength(payload));
    } else if (reply.status === 204) {
      // Docs §8.4: the documented 204 responses carry a JSON Content-Type and no body.
      headers["Content-Type"] = JSON_MEDIA_TYPE;
    } else {
      headers["Content-Length"] = "0";
    }
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  private record(ex: Exchange, status: number, extra: Partial<RequestLogEntry>): void {
    if (ex.logged) return;
    ex.logged = true;
    const entry: Omit<RequestLogEntry, "seq"> = {
      at: new Date(ex.started).toISOString(),
      method: ex.method,
      path: ex.path,
      operation: ex.operation,
      status,
      durationMs: Date.now() - ex.started,
    };
    if (ex.ticketId !== undefined) entry.ticketId = ex.ticketId;
    if (ex.json?.ok) entry.body = redact(ex.json.value, ex.secrets);
    else if (ex.logBody !== undefined) entry.body = redact(ex.logBody, ex.secrets);
    if (ex.accept !== undefined) entry.accept = ex.accept;
    if (ex.contentType !== undefined) entry.contentType = ex.contentType;
    if (ex.user !== undefined) entry.user = ex.user;
    if (ex.fault) entry.fault = ex.fault.kind;
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) (entry as Record<string, unknown>)[k] = v;
    if (typeof entry.message === "string") entry.message = redact(entry.message, ex.secrets) as string;
    this.log.append(entry);
    if (this.logger) {
      const note = ex.fault ? ` [fault: ${ex.fault.kind}]` : "";
      const shown = status === 0 ? (extra.droppedStatus ? `dropped (applied, would be ${extra.droppedStatus})` : "no response") : String(status);
      this.logger(`${ex.method} ${ex.path} → ${shown} (${ex.operation}${ex.user ? `, ${ex.user}` : ""}, ${entry.durationMs} ms)${note}`);
    }
  }

  private internalError(res: http.ServerResponse, e: unknown): void {
    const message = `simulator internal error: ${e instanceof Error ? e.message : String(e)}`;
    this.logger?.(message);
    this.send(res, { status: 500, body: faultBody(500, message), contentType: JSON_MEDIA_TYPE });
  }
}

/** The account a request touches: its ticket's, or the one its body (POST /tickets) or query names. */
function accountOf(ex: Exchange, r: Route, url: URL, ticketAccount: (ticketId: string) => string | undefined): string | undefined {
  if (r.ticketId !== undefined) return ticketAccount(r.ticketId);
  const body = ex.json?.ok ? ex.json.value : undefined;
  if (r.operation === "createTicket" && body && typeof body === "object" && typeof (body as { accountId?: unknown }).accountId === "string") {
    return (body as { accountId: string }).accountId;
  }
  return (r.operation === "listTickets" ? url.searchParams.get("accountId") : null) ?? undefined;
}

function injectedReply(f: Extract<ArmedFault, { kind: "status" }>): Reply {
  const headers: Record<string, string> = {};
  if (f.retryAfter !== undefined) headers["Retry-After"] = f.retryAfter;
  const faultCode = defaultFaultCode(f.status);
  const message = `Injected fault: HTTP ${f.status}`;
  if (f.body !== undefined) {
    const contentType = f.contentType ?? (typeof f.body === "string" ? "text/plain" : JSON_MEDIA_TYPE);
    return { status: f.status, body: f.body, contentType, headers, message };
  }
  if (f.status < 400) return { status: f.status, headers, message };
  return { status: f.status, body: faultBody(f.status, message, faultCode), contentType: JSON_MEDIA_TYPE, headers, faultCode, message };
}

/**
 * Response type for POST /attachment: as for ticketing, and JSON when the client only accepts
 * multipart/form-data (the attachments page documents that Accept for a JSON answer, §8.22).
 */
export function negotiateAttachment(accept: string | undefined): string | undefined {
  const type = negotiate(accept);
  if (type !== undefined) return type;
  const types = mediaTypes(accept);
  return types.includes("multipart/form-data") || types.includes("multipart/*") ? JSON_MEDIA_TYPE : undefined;
}

function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** Constant-time comparison of two secrets (via fixed-length digests). */
function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

/**
 * Reads the whole body; `aborted` when the client went away before sending all of it. Past
 * `max` bytes the rest is read and dropped (`tooLarge`), so that a 413 can still be answered.
 */
function readBody(req: http.IncomingMessage, max = MAX_BODY_BYTES): Promise<{ bytes: Buffer; size: number; tooLarge: boolean; aborted: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const done = () => resolve({ bytes: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), size, tooLarge, aborted: !req.complete });
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > max) {
        tooLarge = true;
        chunks.length = 0;
      } else chunks.push(c);
    });
    req.on("end", done);
    req.on("error", done);
    req.on("close", done);
  });
}

/** Creates and starts a simulator. */
export async function createSimulator(options: SimulatorOptions = {}): Promise<SimulatorServer> {
  const sim = new SimulatorServer(options);
  await sim.listen();
  return sim;
}
