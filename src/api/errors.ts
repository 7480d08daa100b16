/**
 * Typed errors of the Rackspace API client.
 *
 * - Every error names the operation, the HTTP status (when there was one), the API's faultCode
 *   and message (first), and a hint that fits the operation and says what to do next.
 * - None carries request headers, bodies or the transport error: credentials and tokens never
 *   leak through a thrown object, a log line or a serialized error.
 * - Only HTTP 404 with faultCode `ticketNotFound` proves a ticket is gone (`ticketGone`); any
 *   other 404 keeps kind "notFound" but says it is no such proof.
 */
import { CallRetryLimits, callRetryWords } from "./retry-words";

export { retryAfterPastBudgetHint } from "./retry-words";
export type { CallRetryLimits, RetryBudget } from "./retry-words";

/** The client's operations, as they appear in messages and the simulator's log. */
export type Operation =
  | "authenticate"
  | "getAccounts"
  | "getCategories"
  | "createTicket"
  | "patchTicket"
  | "addComment"
  | "getTicket"
  | "listTickets"
  | "createAttachment"
  | "uploadAttachment"
  | "getResources";

export type ErrorKind =
  | "rateLimited"
  | "notFound"
  | "auth"
  | "forbidden"
  | "badRequest"
  | "server"
  | "network"
  | "invalidResponse"
  | "invalidRequest";

export interface RackspaceErrorDetails {
  operation: Operation;
  /** HTTP status, when a response arrived. */
  status?: number | undefined;
  /** The API's faultCode, when the body was a fault. */
  faultCode?: string | undefined;
  /** The API's human message, when the body was a fault. */
  apiMessage?: string | undefined;
  /** Ticket the request was about, if any. */
  ticketId?: string | undefined;
  /**
   * True when a write was sent but its outcome is unknown (the connection dropped or
   * timed out after the request left, or the server failed in a way that may follow
   * a commit). Such a write is never re-sent blindly.
   */
  mayHaveBeenApplied?: boolean | undefined;
  /** How many attempts were made before giving up. */
  attempts?: number | undefined;
  /** How long the server asked to wait (Retry-After on a 429 or 503), if it said. */
  retryAfterMs?: number | undefined;
  /** What the caller should do next. */
  hint?: string | undefined;
  /**
   * The call's own retry limits (CallContext.retry), when it brought them: a transient failure's
   * message then names them, and its hint does not point at rackspace:retryBudgetMs.
   */
  callRetry?: CallRetryLimits | undefined;
}

export class RackspaceApiError extends Error {
  readonly kind: ErrorKind;
  readonly operation: Operation;
  readonly status?: number;
  readonly faultCode?: string;
  readonly apiMessage?: string;
  readonly ticketId?: string;
  readonly mayHaveBeenApplied: boolean;
  readonly attempts: number;
  readonly retryAfterMs?: number;
  readonly hint?: string;
  /** The call's own retry limits, when it brought them (CallContext.retry). */
  readonly callRetry?: CallRetryLimits;

  /** @internal Thrown by the client only (not in the published declarations). */
  constructor(kind: ErrorKind, summary: string, details: RackspaceErrorDetails) {
    super(RackspaceApiError.format(summary, details, isTransientKind(kind)));
    this.name = "RackspaceApiError";
    this.kind = kind;
    this.operation = details.operation;
    this.status = details.status;
    this.faultCode = details.faultCode;
    this.apiMessage = details.apiMessage;
    this.ticketId = details.ticketId;
    this.mayHaveBeenApplied = details.mayHaveBeenApplied ?? false;
    this.attempts = details.attempts ?? 1;
    this.retryAfterMs = details.retryAfterMs;
    this.hint = details.hint;
    this.callRetry = details.callRetry;
  }

  private static format(summary: string, d: RackspaceErrorDetails, transient: boolean): string {
    const parts: string[] = [`${d.operation}${d.ticketId ? ` (ticket ${d.ticketId})` : ""} failed`];
    if (d.status !== undefined) parts.push(`HTTP ${d.status}`);
    if (d.faultCode) parts.push(d.faultCode);
    let msg = `${parts.join(": ")}: ${(d.apiMessage ?? summary).replace(/[.\s]+$/, "")}`;
    // A call's own limits are named where they ended it: a transient failure it would otherwise have retried.
    if (d.callRetry && transient && !d.mayHaveBeenApplied) msg += ` (${callRetryWords(d.attempts ?? 1, d.callRetry)})`;
    else if (d.attempts && d.attempts > 1) msg += ` (after ${d.attempts} attempts)`;
    msg += ".";
    if (d.mayHaveBeenApplied) msg += " The request may have been applied on the server.";
    if (d.hint) msg += ` ${d.hint}`;
    return msg;
  }

  /** True only for the API's proof that the ticket is gone: HTTP 404 with faultCode `ticketNotFound`. */
  get ticketGone(): boolean {
    return this.status === 404 && this.faultCode === "ticketNotFound";
  }

  /** Whether another attempt of the same request could succeed. */
  get transient(): boolean {
    return isTransientKind(this.kind);
  }

  /** A plain, credential-free description (what JSON.stringify of the error shows). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      operation: this.operation,
      status: this.status,
      faultCode: this.faultCode,
      apiMessage: this.apiMessage,
      ticketId: this.ticketId,
      mayHaveBeenApplied: this.mayHaveBeenApplied,
      attempts: this.attempts,
    };
  }
}

/** Throttled, a server failure or a connection failure: another attempt could succeed. */
function isTransientKind(kind: ErrorKind): boolean {
  return kind === "rateLimited" || kind === "server" || kind === "network";
}

export class RateLimitedError extends RackspaceApiError {
  constructor(details: RackspaceErrorDetails) {
    super("rateLimited", "rate limit exceeded", {
      hint: details.callRetry
        ? "The API kept throttling past this call's retry budget: lower parallelism, or retry later."
        : "The API kept throttling past the retry budget: raise rackspace:retryBudgetMs, lower parallelism, or retry later.",
      ...details,
    });
    this.name = "RateLimitedError";
  }
}

/** Which base URL setting a request went to (for hints). */
const urlSetting = (operation: Operation) => (operation === "getResources" ? "rackspace:resourcesUrl" : operation === "authenticate" ? "rackspace:identityUrl" : "rackspace:ticketingUrl");

export class NotFoundError extends RackspaceApiError {
  constructor(details: RackspaceErrorDetails) {
    super("notFound", "not found", {
      hint:
        details.faultCode === "ticketNotFound"
          ? "The ticket does not exist (or not for this account): run `pulumi refresh` to reconcile the stack."
          : `A 404 without the API's ticketNotFound fault is not proof the ticket is gone: check ${urlSetting(details.operation)} (a gateway, a proxy or a wrong base path answered). Nothing was removed from the stack.`,
      ...details,
    });
    this.name = "NotFoundError";
  }
}

const CREDENTIALS_HINT = "Check rackspace:username and rackspace:apiKey (or RACKSPACE_USERNAME and RACKSPACE_API_KEY), or supply a fresh rackspace:authToken (RACKSPACE_AUTH_TOKEN).";

export class AuthError extends RackspaceApiError {
  constructor(details: RackspaceErrorDetails) {
    super("auth", "authentication failed", {
      // Identity's 401 is about the credentials; the API folds "no permission" into 401 too (docs §4.11, §6).
      hint:
        details.operation === "authenticate"
          ? CREDENTIALS_HINT
          : `${CREDENTIALS_HINT} A 401 from the API can also mean the user lacks permission on this account: hybrid (dedicated) accounts need Account Administrator or Edit Account Tickets (my.rackspace.com); others need identity:user-admin or ticketing:admin.`,
      ...details,
    });
    this.name = "AuthError";
  }
}

export class ForbiddenError extends RackspaceApiError {
  constructor(details: RackspaceErrorDetails) {
    super("forbidden", "forbidden", {
      hint:
        "The user may not act on this account: hybrid: accounts need the account_admin or edit_ticket role (my.rackspace.com); others need identity:user-admin or ticketing:admin.",
      ...details,
    });
    this.name = "ForbiddenError";
  }
}

/** What a 400 means for each kind of request. */
function badRequestHint(operation: Operation): string {
  switch (operation) {
    case "createTicket":
      return "Fix the input the message names: valid categories and subcategories come from GET /categories, severities from the account (GET /accounts).";
    case "patchTicket":
    case "addComment":
      return "The API refused the change to the ticket: a ticket closed by Rackspace accepts no comments or resource changes (run `pulumi refresh` to see its status); otherwise fix what the message names.";
    case "createAttachment":
    case "uploadAttachment":
      return "The API refused the file: check its name and extension, its size, and that it is uploaded within 10 minutes of POST /attachment.";
    default:
      return "The API refused the request as sent: fix what the message names.";
  }
}

export class BadRequestError extends RackspaceApiError {
  constructor(details: RackspaceErrorDetails) {
    super("badRequest", "request rejected", { hint: badRequestHint(details.operation), ...details });
    this.name = "BadRequestError";
  }
}

/**
 * What a 5xx means for the caller. A write that may have been applied (500, 502 or 504 on POST
 * /tickets or a comment) was not retried, so no retry budget applies to it: what to do next (look
 * before writing again) is the caller's business. A call that chose its own retry budget chose it
 * short on purpose: no setting to raise.
 */
function serverErrorHint(d: RackspaceErrorDetails): string {
  if (d.mayHaveBeenApplied) return "Not retried after this answer (the request is not idempotent).";
  if (d.callRetry) return "The Rackspace API is failing: retry later.";
  return "The Rackspace API is failing: retry later, and raise rackspace:retryBudgetMs if this keeps happening.";
}

export class ServerError extends RackspaceApiError {
  constructor(details: RackspaceErrorDetails) {
    super("server", "server error", { hint: serverErrorHint(details), ...details });
    this.name = "ServerError";
  }
}

export class NetworkError extends RackspaceApiError {
  /** Transport error code (ECONNRESET, ECONNREFUSED, ETIMEDOUT…). */
  readonly code?: string;
  constructor(details: RackspaceErrorDetails & { code?: string | undefined; url: string }) {
    super("network", `network error${details.code ? ` ${details.code}` : ""} talking to ${details.url}`, {
      hint: `Check that ${details.url} is reachable from this machine (proxy, DNS, firewall).`,
      ...details,
    });
    this.name = "NetworkError";
    this.code = details.code;
  }
}

export class InvalidResponseError extends RackspaceApiError {
  constructor(summary: string, details: RackspaceErrorDetails) {
    super("invalidResponse", summary, {
      hint: "The API answered in a shape this client does not understand; report it with the operation name.",
      ...details,
    });
    this.name = "InvalidResponseError";
  }
}

export class InvalidRequestError extends RackspaceApiError {
  readonly problems: string[];
  constructor(problems: string[], details: RackspaceErrorDetails) {
    super("invalidRequest", `invalid request body: ${problems.join("; ")}`, {
      hint: "Nothing was sent; fix the inputs named above.",
      ...details,
    });
    this.name = "InvalidRequestError";
    this.problems = problems;
  }
}

/** The temporary upload URL of an attachment no longer accepts the file (expired or refused). */
export class UploadSlotExpiredError extends RackspaceApiError {
  constructor(details: RackspaceErrorDetails) {
    super("auth", "the upload URL refused the file (it expires 10 minutes after POST /attachment)", {
      hint: "Run the deployment again: a new upload slot is requested each time.",
      ...details,
    });
    this.name = "UploadSlotExpiredError";
  }
}

export function isRackspaceApiError(e: unknown): e is RackspaceApiError {
  return e instanceof RackspaceApiError || (e instanceof Error && (e as { name?: string }).name?.endsWith("Error") === true && "kind" in e && "operation" in e);
}
