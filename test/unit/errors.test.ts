import { classifyResponse, classifyTransportFailure, TransportFailure } from "../../src/api/http";
import { AuthError, BadRequestError, NotFoundError, RateLimitedError, retryAfterPastBudgetHint, ServerError } from "../../src/api/errors";

const ctx = (over: Partial<Parameters<typeof classifyResponse>[1]> = {}) => ({
  operation: "createTicket" as const,
  attempts: 1,
  idempotent: false,
  url: "https://ticketing.example",
  ...over,
});
const fault = (status: number, faultCode: string, message: string) =>
  JSON.stringify({ status, message, faultCode, moreInfo: `docs/ticketing/general-api-info/faults/#${faultCode}` });

describe("classifyResponse", () => {
  it("400 names the operation, status, faultCode and message, and what to do", () => {
    const e = classifyResponse({ status: 400, headers: {}, body: fault(400, "badRequest", "Category provided is invalid") }, ctx());
    expect(e).toBeInstanceOf(BadRequestError);
    expect(e.message).toMatch(/^createTicket failed: HTTP 400: badRequest: Category provided is invalid\./);
    expect(e.message).toMatch(/GET \/categories/);
    expect(e.faultCode).toBe("badRequest");
    expect(e.mayHaveBeenApplied).toBe(false);
  });

  it("404 ticketNotFound", () => {
    const e = classifyResponse({ status: 404, headers: {}, body: fault(404, "ticketNotFound", "Ticket with this ID could not be found") }, ctx({ operation: "patchTicket", ticketId: "T-1" }));
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.message).toMatch(/patchTicket \(ticket T-1\) failed: HTTP 404: ticketNotFound/);
  });

  it("only a 404 with faultCode ticketNotFound means the ticket is gone", () => {
    const gone = classifyResponse({ status: 404, headers: {}, body: fault(404, "ticketNotFound", "Ticket with this ID could not be found") }, ctx({ operation: "patchTicket", ticketId: "T-1" }));
    expect(gone.ticketGone).toBe(true);
    expect(gone.message).toMatch(/pulumi refresh/);
    for (const body of ["<html><body>404 Not Found</body></html>", "", fault(404, "notFound", "No such resource: PATCH /v2/tickets/T-1")]) {
      const e = classifyResponse({ status: 404, headers: {}, body }, ctx({ operation: "patchTicket", ticketId: "T-1" }));
      expect(e).toBeInstanceOf(NotFoundError);
      expect(e.kind).toBe("notFound");
      expect(e.ticketGone).toBe(false);
      expect(e.message).not.toMatch(/does not exist/);
      expect(e.message).toMatch(/not proof/);
      expect(e.message).toMatch(/rackspace:ticketingUrl/);
      expect(e.message).toMatch(/nothing was removed from the stack/i);
    }
    expect(classifyResponse({ status: 400, headers: {}, body: fault(400, "ticketNotFound", "odd") }, ctx()).ticketGone).toBe(false);
  });

  it("a 400 hint fits the operation", () => {
    const bad = (operation: "createTicket" | "patchTicket" | "addComment" | "createAttachment" | "uploadAttachment") =>
      classifyResponse({ status: 400, headers: {}, body: fault(400, "badRequest", "Ticket is closed") }, ctx({ operation, ticketId: operation === "createTicket" ? undefined : "T-1" })).message;
    expect(bad("createTicket")).toMatch(/GET \/categories/);
    for (const op of ["patchTicket", "addComment"] as const) {
      const m = bad(op);
      expect(m).toMatch(/HTTP 400: badRequest: Ticket is closed\. /);
      expect(m).not.toMatch(/categor|severit/i);
      expect(m).toMatch(/refused the change to the ticket/);
      expect(m).toMatch(/closed by Rackspace accepts no comments or resource changes/);
      expect(m).toMatch(/pulumi refresh/);
    }
    for (const op of ["createAttachment", "uploadAttachment"] as const) {
      const m = bad(op);
      expect(m).not.toMatch(/categor|severit/i);
      expect(m).toMatch(/file/);
    }
  });

  it("a 401 from the ticketing API may mean no permission; one from Identity is about credentials", () => {
    const api = classifyResponse({ status: 401, headers: {}, body: "" }, ctx({ operation: "addComment", ticketId: "T-1" }));
    expect(api).toBeInstanceOf(AuthError);
    expect(api.message).toMatch(/rackspace:apiKey/);
    expect(api.message).toMatch(/permission/);
    expect(api.message).toMatch(/Account Administrator/);
    expect(api.message).toMatch(/Edit Account Tickets/);
    expect(api.message).toMatch(/identity:user-admin/);
    expect(api.message).toMatch(/ticketing:admin/);
    const identity = classifyResponse({ status: 401, headers: {}, body: "" }, ctx({ operation: "authenticate" }));
    expect(identity.message).toMatch(/rackspace:apiKey/);
    expect(identity.message).not.toMatch(/permission/);
  });

  it("a Retry-After longer than what is left of the retry budget says so, for 429 and 503", () => {
    const budget = { budgetMs: 600_000, leftMs: 600_000 };
    const e429 = classifyResponse({ status: 429, headers: { "retry-after": "86400" }, body: "" }, ctx({ budget }));
    expect(e429).toBeInstanceOf(RateLimitedError);
    expect(e429.message).toMatch(/the API asked to wait 86400 s \(Retry-After\), more than rackspace:retryBudgetMs \(600 s\) allows/);
    expect(e429.message).toMatch(/raise rackspace:retryBudgetMs/);
    expect(e429.message).toMatch(/retry later/);
    const e503 = classifyResponse({ status: 503, headers: { "retry-after": "86400" }, body: "" }, ctx({ budget: { budgetMs: 600_000, leftMs: 100_000 } }));
    expect(e503).toBeInstanceOf(ServerError);
    expect((e503 as ServerError).retryAfterMs).toBe(86_400_000);
    expect(e503.message).toMatch(/asked to wait 86400 s \(Retry-After\), more than what is left of rackspace:retryBudgetMs \(100 s of 600 s\)/);
    // Within the budget: the usual hints.
    expect(classifyResponse({ status: 429, headers: { "retry-after": "5" }, body: "" }, ctx({ budget })).message).not.toMatch(/asked to wait/);
  });

  it("with a call's own retry budget (CallContext.retry), a transient failure names it, and no hint points at rackspace:retryBudgetMs", () => {
    const call = { maxAttempts: 2, budgetMs: 3000 };
    const storm = classifyResponse({ status: 503, headers: {}, body: "" }, ctx({ operation: "getTicket", ticketId: "T-1", idempotent: true, attempts: 2, budget: { budgetMs: 3000, leftMs: 2900, call } }));
    expect(storm.message).toBe("getTicket (ticket T-1) failed: HTTP 503: server error (after 2 attempts within this call's retry budget: at most 2 attempts, 3 s of waiting). The Rackspace API is failing: retry later.");
    expect(storm.callRetry).toEqual(call);
    const throttled = classifyResponse({ status: 429, headers: {}, body: "" }, ctx({ operation: "getTicket", idempotent: true, attempts: 2, budget: { budgetMs: 3000, leftMs: 0, call } }));
    expect(throttled.message).toMatch(/\(after 2 attempts within this call's retry budget: at most 2 attempts, 3 s of waiting\)\. The API kept throttling past this call's retry budget: lower parallelism, or retry later\.$/);
    const tooLong = classifyResponse({ status: 429, headers: { "retry-after": "60" }, body: "" }, ctx({ operation: "getTicket", idempotent: true, budget: { budgetMs: 3000, leftMs: 1000, call } }));
    expect(tooLong.message).toMatch(/Not retried: the API asked to wait 60 s \(Retry-After\), more than what is left of this call's retry budget \(1 s of 3 s\) allows; retry later\.$/);
    expect(retryAfterPastBudgetHint(60_000, { budgetMs: 3000, leftMs: 3000, call }, true)).toBe("Not sent: another request was told by the API to wait 60 s (Retry-After), more than this call's retry budget (3 s) allows; retry later.");
    for (const e of [storm, throttled, tooLong]) expect(e.message).not.toMatch(/rackspace:retryBudgetMs/);
    // Not a failure the limits ended: a 404 says nothing of them.
    const gone = classifyResponse({ status: 404, headers: {}, body: fault(404, "ticketNotFound", "gone") }, ctx({ operation: "getTicket", idempotent: true, budget: { budgetMs: 3000, leftMs: 3000, call } }));
    expect(gone.message).not.toMatch(/this call's retry budget/);
    // A network failure of such a call names them too.
    expect(classifyTransportFailure(new TransportFailure("ECONNRESET", true), ctx({ idempotent: true, attempts: 2, budget: { budgetMs: 3000, leftMs: 0, call } })).message).toMatch(/\(after 2 attempts within this call's retry budget/);
  });

  it("503 carries its Retry-After", () => {
    expect((classifyResponse({ status: 503, headers: { "retry-after": "7" }, body: "" }, ctx()) as ServerError).retryAfterMs).toBe(7000);
  });

  it("429 carries the Retry-After wait", () => {
    const e = classifyResponse({ status: 429, headers: { "retry-after": "7" }, body: "" }, ctx());
    expect(e).toBeInstanceOf(RateLimitedError);
    expect((e as RateLimitedError).retryAfterMs).toBe(7000);
  });

  it("401 is an auth error; a non-JSON gateway body still gives a clear message", () => {
    const e = classifyResponse({ status: 401, headers: {}, body: "<html>nope</html>" }, ctx());
    expect(e).toBeInstanceOf(AuthError);
    expect(e.message).toMatch(/HTTP 401/);
    expect(e.message).toMatch(/rackspace:apiKey/);
  });

  it("500, 502 and 504 on a non-idempotent write may have been applied; 503 may not", () => {
    for (const s of [500, 502, 504]) expect(classifyResponse({ status: s, headers: {}, body: "" }, ctx()).mayHaveBeenApplied).toBe(true);
    for (const s of [503]) expect(classifyResponse({ status: s, headers: {}, body: "" }, ctx()).mayHaveBeenApplied).toBe(false);
    expect(classifyResponse({ status: 500, headers: {}, body: "" }, ctx({ idempotent: true })).mayHaveBeenApplied).toBe(false);
    expect(classifyResponse({ status: 503, headers: {}, body: "" }, ctx())).toBeInstanceOf(ServerError);
  });
});

describe("the hint of a 5xx on a write that is not idempotent", () => {
  const NOT_RETRIED = "The request may have been applied on the server. Not retried after this answer (the request is not idempotent).";

  it.each([
    ["createTicket", 500],
    ["createTicket", 502],
    ["createTicket", 504],
    ["addComment", 500],
  ] as const)("%s answered %i: may have been applied, not retried, and no retry budget to raise", (operation, status) => {
    const e = classifyResponse({ status, headers: {}, body: "" }, ctx({ operation, ticketId: operation === "addComment" ? "T-1" : undefined }));
    expect(e).toBeInstanceOf(ServerError);
    expect(e.mayHaveBeenApplied).toBe(true);
    expect(e.hint).toBe("Not retried after this answer (the request is not idempotent).");
    expect(e.message.endsWith(`: server error. ${NOT_RETRIED}`)).toBe(true);
    expect(e.message).not.toMatch(/retryBudgetMs|retry later/);
  });

  it("the API's own message is kept, and the hint holds after earlier attempts and with a call's own budget", () => {
    const e = classifyResponse(
      { status: 500, headers: {}, body: fault(500, "internalServerError", "Something went wrong") },
      ctx({ attempts: 2, budget: { budgetMs: 3000, leftMs: 2000, call: { maxAttempts: 3, budgetMs: 3000 } } }),
    );
    expect(e.message).toBe(`createTicket failed: HTTP 500: internalServerError: Something went wrong (after 2 attempts). ${NOT_RETRIED}`);
  });

  it("a 503 on a create was not applied and is retried: the budget hint stays; so does a 500 on a read", () => {
    const create503 = classifyResponse({ status: 503, headers: {}, body: "" }, ctx({ attempts: 8 }));
    expect(create503.mayHaveBeenApplied).toBe(false);
    expect(create503.message).toMatch(/\(after 8 attempts\)\. The Rackspace API is failing: retry later, and raise rackspace:retryBudgetMs/);
    const read500 = classifyResponse({ status: 500, headers: {}, body: "" }, ctx({ operation: "getTicket", idempotent: true, attempts: 8 }));
    expect(read500.mayHaveBeenApplied).toBe(false);
    expect(read500.message).toMatch(/raise rackspace:retryBudgetMs/);
  });
});

describe("classifyTransportFailure", () => {
  it("a connection refused was never sent", () => {
    const e = classifyTransportFailure(new TransportFailure("ECONNREFUSED", false), ctx());
    expect(e.mayHaveBeenApplied).toBe(false);
    expect(e.message).toMatch(/ECONNREFUSED/);
  });
  it("a reset after sending a create may have been applied", () => {
    expect(classifyTransportFailure(new TransportFailure("ECONNRESET", true), ctx()).mayHaveBeenApplied).toBe(true);
    expect(classifyTransportFailure(new TransportFailure("ECONNRESET", true), ctx({ idempotent: true })).mayHaveBeenApplied).toBe(false);
  });
});

describe("errors never carry secrets", () => {
  it("toJSON has only the documented fields", () => {
    const e = classifyResponse({ status: 400, headers: { "x-auth-token": "tok-secret" }, body: fault(400, "badRequest", "bad") }, ctx());
    const json = JSON.stringify(e);
    expect(json).not.toMatch(/tok-secret/);
    expect(Object.keys(JSON.parse(json)).sort()).toEqual(
      ["apiMessage", "attempts", "faultCode", "kind", "mayHaveBeenApplied", "message", "name", "operation", "status"].sort(),
    );
  });
});
