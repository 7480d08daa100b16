/**
 * The retry decision (src/api/retry-decision.ts) as a table: one row per outcome of an attempt,
 * classified the way the pipeline classifies it (classifyResponse, classifyTransportFailure,
 * parseSuccess), then decided by the pure decideRetry.
 */
import { AuthError, BadRequestError, ForbiddenError, InvalidResponseError, NetworkError, NotFoundError, RackspaceApiError, RateLimitedError, ServerError } from "../../src/api/errors";
import { classifyResponse, classifyTransportFailure, TransportFailure } from "../../src/api/http";
import { parseSuccess } from "../../src/api/parse-response";
import type { RequestSpec } from "../../src/api/request-spec";
import { AttemptContext, decideRetry, FailReason } from "../../src/api/retry-decision";
import { Ticket } from "../../src/api/schemas";

const NOW = Date.parse("Wed, 02 Dec 2026 02:00:00 GMT");
const BUDGET_MS = 30_000;
const BACKOFF_MS = 150;

/** The requests of the table: a read, POST /tickets (not idempotent), a PATCH (idempotent), a comment (not idempotent), identity. */
type Req = "read" | "create" | "patch" | "comment" | "authenticate";

const SPECS: Record<Exclude<Req, "authenticate">, RequestSpec<unknown>> = {
  read: { operation: "getTicket", method: "GET", path: "/tickets/1", idempotent: true, parse: (j) => Ticket.parse(j) },
  create: { operation: "createTicket", method: "POST", path: "/tickets", idempotent: false, parse: (j) => Ticket.parse(j) },
  patch: { operation: "patchTicket", method: "PATCH", path: "/tickets/1", idempotent: true, anyBody: true, parse: () => undefined },
  comment: { operation: "addComment", method: "POST", path: "/tickets/1/comments", idempotent: false, anyBody: true, parse: () => undefined },
};

/** What the attempt ended with. */
type Outcome =
  | { status: number; retryAfter?: string; body?: string }
  | { transport: string; sent: boolean }
  /** A 2xx answer with this body. */
  | { ok: number; body: string };

type Expected = { retry: number; refresh?: true } | { fail: FailReason; error: new (...args: never[]) => RackspaceApiError; applied?: boolean; message?: RegExp };

interface Row {
  name: string;
  req: Req;
  outcome: Outcome;
  ctx?: Partial<AttemptContext>;
  expect: Expected;
}

const fault = (faultCode: string) => JSON.stringify({ faultCode, message: `${faultCode} (test)` });
const date = (afterMs: number) => new Date(NOW + afterMs).toUTCString();

/** The typed error the pipeline would have thrown for this outcome. */
function classified(req: Req, outcome: Outcome, budgetLeftMs: number): RackspaceApiError {
  const spec = req === "authenticate" ? undefined : SPECS[req];
  const cctx = { operation: spec?.operation ?? ("authenticate" as const), attempts: 1, idempotent: spec?.idempotent ?? true, url: "https://api.test", budget: { budgetMs: BUDGET_MS, leftMs: budgetLeftMs } };
  if ("transport" in outcome) return classifyTransportFailure(new TransportFailure(outcome.transport, outcome.sent), cctx);
  if ("ok" in outcome) {
    if (!spec) throw new Error("no 2xx rows for identity");
    try {
      parseSuccess({ status: outcome.ok, headers: {}, body: outcome.body }, spec, 1);
    } catch (e) {
      if (e instanceof RackspaceApiError) return e;
      throw e;
    }
    throw new Error("the row's 2xx body parsed: it is not a failure");
  }
  const headers = { "retry-after": outcome.retryAfter, "content-type": "application/json" };
  return classifyResponse({ status: outcome.status, headers, body: outcome.body ?? "" }, cctx, NOW);
}

const ROWS: Row[] = [
  // 429: Retry-After in seconds and as an HTTP date, within and past the budget.
  { name: "429 Retry-After 2 s on a read", req: "read", outcome: { status: 429, retryAfter: "2" }, expect: { retry: 2000 } },
  { name: "429 Retry-After 2 s on a create (429 is never applied)", req: "create", outcome: { status: 429, retryAfter: "2" }, expect: { retry: 2000 } },
  { name: "429 Retry-After as an HTTP date 5 s ahead", req: "read", outcome: { status: 429, retryAfter: date(5000) }, expect: { retry: 5000 } },
  { name: "429 Retry-After 120 s, past a 30 s budget", req: "read", outcome: { status: 429, retryAfter: "120" }, expect: { fail: "retry-after-past-budget", error: RateLimitedError, message: /Not retried: the API asked to wait 120 s \(Retry-After\), more than rackspace:retryBudgetMs \(30 s\)/ } },
  { name: "429 Retry-After as an HTTP date 90 s ahead, past the budget", req: "create", outcome: { status: 429, retryAfter: date(90_000) }, expect: { fail: "retry-after-past-budget", error: RateLimitedError, applied: false, message: /wait 90 s/ } },
  { name: "429 Retry-After 2 s with 1.5 s of the budget left", req: "read", outcome: { status: 429, retryAfter: "2" }, ctx: { budgetLeftMs: 1500 }, expect: { fail: "retry-after-past-budget", error: RateLimitedError, message: /what is left of rackspace:retryBudgetMs \(1\.5 s of 30 s\)/ } },
  { name: "429 Retry-After exactly what is left of the budget", req: "read", outcome: { status: 429, retryAfter: "2" }, ctx: { budgetLeftMs: 2000 }, expect: { retry: 2000 } },
  { name: "429 without Retry-After, paced: the limiter's hold spaces it", req: "read", outcome: { status: 429, body: fault("rateLimitExceeded") }, expect: { retry: 0 } },
  { name: "429 without Retry-After, pacing off: backoff", req: "read", outcome: { status: 429 }, ctx: { paced: false }, expect: { retry: BACKOFF_MS } },
  // 503 is "temporarily unavailable": not applied, even on a write.
  { name: "503 Retry-After 3 s on a read", req: "read", outcome: { status: 503, retryAfter: "3" }, expect: { retry: 3000 } },
  { name: "503 Retry-After 3 s on a create", req: "create", outcome: { status: 503, retryAfter: "3" }, expect: { retry: 3000 } },
  { name: "503 Retry-After 60 s, past the budget", req: "read", outcome: { status: 503, retryAfter: "60" }, expect: { fail: "retry-after-past-budget", error: ServerError, message: /Not retried: the API asked to wait 60 s/ } },
  { name: "503 without Retry-After on a create: backoff", req: "create", outcome: { status: 503 }, expect: { retry: BACKOFF_MS } },
  // 500/502/504 may follow a commit: retried on reads and idempotent writes, never on a create or comment.
  { name: "500 on a read", req: "read", outcome: { status: 500 }, expect: { retry: BACKOFF_MS } },
  { name: "502 on a read", req: "read", outcome: { status: 502, body: "<html>Bad Gateway</html>" }, expect: { retry: BACKOFF_MS } },
  { name: "504 on a read", req: "read", outcome: { status: 504 }, expect: { retry: BACKOFF_MS } },
  { name: "500 on a PATCH (full state: idempotent)", req: "patch", outcome: { status: 500 }, expect: { retry: BACKOFF_MS } },
  { name: "500 on a create", req: "create", outcome: { status: 500 }, expect: { fail: "may-have-been-applied", error: ServerError, applied: true, message: /may have been applied/ } },
  { name: "502 on a create", req: "create", outcome: { status: 502 }, expect: { fail: "may-have-been-applied", error: ServerError, applied: true } },
  { name: "504 on a create", req: "create", outcome: { status: 504 }, expect: { fail: "may-have-been-applied", error: ServerError, applied: true } },
  { name: "502 on a comment", req: "comment", outcome: { status: 502 }, expect: { fail: "may-have-been-applied", error: ServerError, applied: true } },
  // 401: one token refresh, when the credentials can mint one.
  { name: "401 on a read: refresh the token once", req: "read", outcome: { status: 401 }, expect: { retry: 0, refresh: true } },
  { name: "401 on a create (refused, so not applied): refresh", req: "create", outcome: { status: 401 }, expect: { retry: 0, refresh: true } },
  { name: "401 again after the refresh", req: "read", outcome: { status: 401 }, ctx: { canRefreshToken: false }, expect: { fail: "auth-refused", error: AuthError, message: /lacks permission/ } },
  // Client errors are final.
  { name: "400 on a create", req: "create", outcome: { status: 400, body: fault("badRequest") }, expect: { fail: "not-transient", error: BadRequestError, applied: false } },
  { name: "403 on a read", req: "read", outcome: { status: 403 }, expect: { fail: "not-transient", error: ForbiddenError } },
  { name: "404 ticketNotFound", req: "read", outcome: { status: 404, body: fault("ticketNotFound") }, expect: { fail: "not-transient", error: NotFoundError } },
  // Timeouts and dropped connections: the request left; a write may have been applied.
  { name: "timeout (ECONNABORTED) on a read", req: "read", outcome: { transport: "ECONNABORTED", sent: true }, expect: { retry: BACKOFF_MS } },
  { name: "timeout (ETIMEDOUT) on a create", req: "create", outcome: { transport: "ETIMEDOUT", sent: true }, expect: { fail: "may-have-been-applied", error: NetworkError, applied: true, message: /ETIMEDOUT talking to https:\/\/api\.test/ } },
  { name: "dropped connection on a create", req: "create", outcome: { transport: "ECONNRESET", sent: true }, expect: { fail: "may-have-been-applied", error: NetworkError, applied: true } },
  { name: "dropped connection on a comment", req: "comment", outcome: { transport: "ECONNRESET", sent: true }, expect: { fail: "may-have-been-applied", error: NetworkError, applied: true } },
  { name: "dropped connection on a PATCH", req: "patch", outcome: { transport: "ECONNRESET", sent: true }, expect: { retry: BACKOFF_MS } },
  { name: "connection refused on a create (never left)", req: "create", outcome: { transport: "ECONNREFUSED", sent: false }, expect: { retry: BACKOFF_MS } },
  // Malformed 2xx bodies: not retried; on a write the server said yes, so it was applied.
  { name: "200 whose body is not JSON on a read", req: "read", outcome: { ok: 200, body: "<html>hi</html>" }, expect: { fail: "not-transient", error: InvalidResponseError, applied: false, message: /not JSON/ } },
  { name: "201 whose body is not JSON on a create", req: "create", outcome: { ok: 201, body: "{oops" }, expect: { fail: "may-have-been-applied", error: InvalidResponseError, applied: true, message: /not JSON/ } },
  { name: "201 whose JSON is not a ticket on a create", req: "create", outcome: { ok: 201, body: '{"id":42}' }, expect: { fail: "may-have-been-applied", error: InvalidResponseError, applied: true, message: /documented shape/ } },
  // Attempts and budget.
  { name: "503 on the last attempt", req: "read", outcome: { status: 503 }, ctx: { attempt: 4 }, expect: { fail: "attempts-exhausted", error: ServerError } },
  { name: "502 on a read whose backoff is past what is left", req: "read", outcome: { status: 502 }, ctx: { budgetLeftMs: BACKOFF_MS - 1 }, expect: { fail: "backoff-past-budget", error: ServerError } },
  { name: "502 on a read on the third attempt", req: "read", outcome: { status: 502 }, ctx: { attempt: 3 }, expect: { retry: BACKOFF_MS } },
  // Identity retries on its own.
  { name: "identity 503", req: "authenticate", outcome: { status: 503 }, expect: { fail: "identity-retries-its-own", error: ServerError } },
  { name: "identity 413 overLimit", req: "authenticate", outcome: { status: 413, retryAfter: "1" }, expect: { fail: "identity-retries-its-own", error: RateLimitedError } },
];

describe("decideRetry", () => {
  it.each(ROWS.map((r) => [r.name, r] as const))("%s", (_name, row) => {
    const ctx: AttemptContext = { attempt: 1, maxAttempts: 4, budgetLeftMs: BUDGET_MS, backoffMs: BACKOFF_MS, paced: true, canRefreshToken: true, ...row.ctx };
    const error = classified(row.req, row.outcome, ctx.budgetLeftMs);
    const decision = decideRetry(error, ctx);
    const want = row.expect;
    if ("retry" in want) {
      expect(decision).toEqual({ retry: true, delayMs: want.retry, refreshToken: want.refresh ?? false });
      return;
    }
    expect(decision).toEqual({ retry: false, reason: want.fail });
    expect(error).toBeInstanceOf(want.error);
    if (want.applied !== undefined) expect(error.mayHaveBeenApplied).toBe(want.applied);
    if (want.message) expect(error.message).toMatch(want.message);
  });

  it("is pure: the same outcome and context give the same decision, and nothing is changed", () => {
    const error = new RateLimitedError({ operation: "getTicket", status: 429, retryAfterMs: 1000 });
    const ctx: AttemptContext = { attempt: 1, maxAttempts: 4, budgetLeftMs: 5000, backoffMs: 10, paced: true, canRefreshToken: true };
    const frozen = Object.freeze({ ...ctx });
    expect(decideRetry(error, frozen)).toEqual(decideRetry(error, frozen));
    expect(frozen).toEqual(ctx);
  });
});
