/**
 * The HTTP layer: axios with the API's media type, timeouts, no redirects, and the
 * classification of every outcome into a typed error.
 *
 * - Nothing from axios (config, headers, bodies) escapes this module: tokens and keys cannot leak through an error.
 * - A 5xx other than 503 on a non-idempotent request may follow a commit (`mayHaveBeenApplied`); 503 was not applied.
 * - A 429's or 503's Retry-After is carried on the error, and one past the request's retry budget says so in the hint.
 */
import axios, { AxiosInstance } from "axios";
import * as http from "node:http";
import * as https from "node:https";
import {
  AuthError,
  BadRequestError,
  ForbiddenError,
  InvalidResponseError,
  NetworkError,
  NotFoundError,
  Operation,
  RackspaceApiError,
  RateLimitedError,
  RetryBudget,
  retryAfterPastBudgetHint,
  ServerError,
} from "./errors";
import { parseRetryAfter } from "./retry-after";
import { Fault } from "./schemas";

export type Method = "GET" | "POST" | "PATCH" | "PUT";

export interface HttpRequest {
  method: Method;
  url: string;
  headers: Record<string, string>;
  /** Serialized JSON body, or already-encoded bytes (multipart, an upload), if any. */
  body?: string | Buffer;
  timeoutMs: number;
  /** Use a fresh connection: for non-idempotent writes, a stale pooled socket must not make the outcome ambiguous. */
  freshConnection?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

/** Connection-level failure; `sent` says whether the request may have reached the server. */
export class TransportFailure extends Error {
  constructor(
    readonly code: string,
    readonly sent: boolean,
  ) {
    super(`transport failure ${code}`);
    this.name = "TransportFailure";
  }
}

/** Error codes raised before a request could leave this machine. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "ERR_INVALID_URL",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

export class HttpTransport {
  private readonly pooled: AxiosInstance;
  private readonly fresh: AxiosInstance;

  constructor(userAgent: string) {
    const common = {
      // We classify every status ourselves and parse bodies ourselves (204s may carry a JSON content type).
      validateStatus: () => true,
      responseType: "text" as const,
      transformResponse: [(d: unknown) => d],
      maxRedirects: 0,
      headers: { "User-Agent": userAgent },
      // Bounded: a misbehaving server cannot make us buffer without limit.
      maxContentLength: 32 * 1024 * 1024,
      proxy: false as const,
    };
    this.pooled = axios.create({
      ...common,
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 16 }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 16 }),
    });
    this.fresh = axios.create({
      ...common,
      httpAgent: new http.Agent({ keepAlive: false }),
      httpsAgent: new https.Agent({ keepAlive: false }),
    });
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const instance = req.freshConnection ? this.fresh : this.pooled;
    try {
      const res = await instance.request<string>({
        method: req.method,
        url: req.url,
        headers: req.headers,
        data: req.body,
        timeout: req.timeoutMs,
      });
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(res.headers ?? {})) {
        headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v === undefined || v === null ? undefined : String(v);
      }
      return { status: res.status, headers, body: typeof res.data === "string" ? res.data : "" };
    } catch (e) {
      const code = (axios.isAxiosError(e) ? e.code : undefined) ?? (e as { code?: string }).code ?? "EUNKNOWN";
      throw new TransportFailure(code, !NOT_SENT_CODES.has(code));
    }
  }
}

export interface ClassifyContext {
  operation: Operation;
  ticketId?: string;
  attempts: number;
  /** Whether replaying the request is harmless (GETs, PATCH with a full state). */
  idempotent: boolean;
  /** Base URL, for network error messages. */
  url: string;
  /** The request's retry budget, to tell a Retry-After too long to wait (and, when it is the call's own, to name it). */
  budget?: RetryBudget;
}

/** Parses a fault body if there is one; never throws. */
export function parseFault(body: string): Fault | undefined {
  if (!body) return undefined;
  try {
    const parsed = Fault.safeParse(JSON.parse(body));
    if (parsed.success && (parsed.data.faultCode || parsed.data.message)) return parsed.data;
  } catch {
    // Not JSON: a gateway page. The status alone describes it.
  }
  return undefined;
}

export function classifyTransportFailure(f: TransportFailure, ctx: ClassifyContext): RackspaceApiError {
  return new NetworkError({
    operation: ctx.operation,
    ticketId: ctx.ticketId,
    attempts: ctx.attempts,
    code: f.code,
    url: ctx.url,
    mayHaveBeenApplied: f.sent && !ctx.idempotent,
    callRetry: ctx.budget?.call,
  });
}

/**
 * Turns a non-2xx response into the matching typed error.
 *
 * `now` is the wall clock (Date.now()), not the monotonic one: it only turns a Retry-After given as
 * an HTTP-date, a time on the server's clock, into a wait. The wait itself is then slept by a timer.
 */
export function classifyResponse(res: HttpResponse, ctx: ClassifyContext, now: number = Date.now()): RackspaceApiError {
  const fault = parseFault(res.body);
  const d = {
    operation: ctx.operation,
    ticketId: ctx.ticketId,
    attempts: ctx.attempts,
    status: res.status,
    faultCode: fault?.faultCode,
    apiMessage: fault?.message,
    callRetry: ctx.budget?.call,
  };
  const s = res.status;
  const retryAfterMs = parseRetryAfter(res.headers["retry-after"], now);
  const tooLong = retryAfterMs !== undefined && ctx.budget !== undefined && retryAfterMs > ctx.budget.leftMs;
  const waitFields = { retryAfterMs, ...(tooLong && ctx.budget ? { hint: retryAfterPastBudgetHint(retryAfterMs, ctx.budget) } : {}) };
  // Identity signals throttling with 413 overLimit (docs §2), ticketing with 429.
  if (s === 429 || (s === 413 && ctx.operation === "authenticate")) return new RateLimitedError({ ...d, ...waitFields });
  if (s === 401) return new AuthError(d);
  if (s === 403) return new ForbiddenError(d);
  if (s === 404) return new NotFoundError(d);
  // 503 is "temporarily unavailable" (docs §6): not applied, and may say when to come back.
  if (s === 503) return new ServerError({ ...d, ...waitFields });
  // Any other 5xx (500, 502 from a gateway whose upstream committed, 504) may follow a commit.
  if (s >= 500) return new ServerError({ ...d, mayHaveBeenApplied: !ctx.idempotent });
  if (s >= 400) return new BadRequestError(d);
  return new InvalidResponseError(`unexpected HTTP status ${s}`, { ...d, mayHaveBeenApplied: !ctx.idempotent });
}
