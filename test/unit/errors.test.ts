import { classifyResponse, classifyTransportFailure, TransportFailure } from "../../src/api/http";
import { AuthError, BadRequestError, NotFoundError, RateLimitedError, ServerError } from "../../src/api/errors";

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

  it("500 and 504 on a non-idempotent write may have been applied; 502/503 may not", () => {
    for (const s of [500, 504]) expect(classifyResponse({ status: s, headers: {}, body: "" }, ctx()).mayHaveBeenApplied).toBe(true);
    for (const s of [502, 503]) expect(classifyResponse({ status: s, headers: {}, body: "" }, ctx()).mayHaveBeenApplied).toBe(false);
    expect(classifyResponse({ status: 500, headers: {}, body: "" }, ctx({ idempotent: true })).mayHaveBeenApplied).toBe(false);
    expect(classifyResponse({ status: 503, headers: {}, body: "" }, ctx())).toBeInstanceOf(ServerError);
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
