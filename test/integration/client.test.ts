/**
 * The API client against the simulator over real HTTP on loopback.
 */
import { TicketingClient } from "../../src/api/client";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { AuthError, BadRequestError, InvalidResponseError, NetworkError, NotFoundError, RackspaceApiError, RateLimitedError, ServerError } from "../../src/api/errors";
import { TICKETING_MEDIA_TYPE } from "../../src/api/schemas";
import type { Simulator } from "../../src/simulator";
import { clientOptions, DEMO_KEY, resetClientState, startSim } from "../helpers/sim";

const ticket = {
  accountId: "hybrid:100001",
  subject: "Help! We need more servers!",
  category: "Incident",
  subcategory: "General",
  severity: "Urgent",
  comment: { text: "We are receiving a ton of traffic, we need more servers!" },
  recipients: ["RPN-3322-23"],
  resources: ["https://resources.api.rackspace.com/resources/dedicated:00001"],
};

describe("TicketingClient against the simulator", () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSim({ limits: { create: 5, patch: 10, comment: 10, read: 100 } });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    resetClientState();
    sim.clearFaults();
    sim.clearRequests();
    sim.setLimits({ create: 5, patch: 10, comment: 10, read: 100 });
  });

  const fast = (extra: Record<string, unknown> = {}) =>
    new TicketingClient(clientOptions(sim, { limits: { create: 5, patch: 10, comment: 10, read: 100 }, ...extra }), {});
  const ops = () => sim.requests().map((r) => r.operation);

  describe("identity", () => {
    it("authenticates once and reuses the token across clients in the process", async () => {
      await fast().getAccounts();
      await fast().getCategories();
      expect(ops()).toEqual(["token", "getAccounts", "getCategories"]);
      const tokenCall = sim.requests()[0];
      expect(tokenCall.body).toEqual({ auth: { "RAX-KSKEY:apiKeyCredentials": { username: "demo", apiKey: "***" } } });
    });

    it("concurrent first calls share one authentication", async () => {
      const c = fast();
      await Promise.all([c.getAccounts(), c.getCategories(), c.listTickets()]);
      expect(ops().filter((o) => o === "token")).toHaveLength(1);
    });

    it("re-authenticates once after a 401 and retries the call", async () => {
      const c = fast();
      await c.getAccounts();
      sim.expireTokens();
      await c.getCategories();
      expect(ops()).toEqual(["token", "getAccounts", "getCategories", "token", "getCategories"]);
      expect(sim.requests().map((r) => r.status)).toEqual([200, 200, 401, 200, 200]);
    });

    it("uses a ready token without calling identity", async () => {
      const token = sim.issueToken("demo");
      sim.clearRequests();
      const c = new TicketingClient({ ticketingUrl: sim.ticketingUrl, identityUrl: sim.identityUrl, authToken: token, windowMs: 1000 }, {});
      await c.getAccounts();
      expect(ops()).toEqual(["getAccounts"]);
    });

    it("bad credentials: AuthError that says what to fix and never shows the key", async () => {
      const c = new TicketingClient(clientOptions(sim, { apiKey: "wrong-key-0123456789" }), {});
      const err = await c.getAccounts().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthError);
      const e = err as AuthError;
      expect(e.message).toMatch(/authenticate failed: HTTP 401/);
      expect(e.message).toMatch(/rackspace:apiKey/);
      const everything = `${e.message} ${e.stack} ${JSON.stringify(e)}`;
      expect(everything).not.toContain("wrong-key-0123456789");
      expect(everything).not.toContain(DEMO_KEY);
    });
  });

  describe("operations", () => {
    it("create, patch, comment, get, list — pinned media type on every request", async () => {
      const c = fast();
      const t = await c.createTicket(ticket);
      expect(t).toMatchObject({ subject: ticket.subject, status: "Pending Rackspace", classification: "Incident" });
      expect(t.ticketId).toMatch(/\S/);
      expect(t.recipients).toEqual([{ type: "contact", value: "RPN-3322-23" }]);
      expect(t.comments[0]).toMatchObject({ text: ticket.comment.text, author: { type: "customer" } });

      await expect(c.setResources(t.ticketId, [])).resolves.toBeUndefined(); // 204 by default
      await c.addComment(t.ticketId, { text: "Any progress?" });
      const got = await c.getTicket(t.ticketId);
      expect(got.resources).toEqual([]);
      expect(got.comments.map((x) => x.text)).toEqual([ticket.comment.text, "Any progress?"]);
      const list = await c.listTickets({ accountId: "hybrid:100001" });
      expect(list.map((x) => x.ticketId)).toContain(t.ticketId);
      await c.closeTicket(t.ticketId);
      expect((await c.getTicket(t.ticketId)).status).toBe("Closed");

      for (const r of sim.requests().filter((x) => x.operation !== "token")) {
        expect(r.accept).toBe(TICKETING_MEDIA_TYPE);
        if (r.method !== "GET") expect(r.contentType).toBe(TICKETING_MEDIA_TYPE);
        else expect(r.contentType).toBeUndefined();
      }
    });

    it("accepts 200 with a body where the docs say 204", async () => {
      const quirky = await startSim({ quirks: { patchStatus: 200, commentStatus: 200 } });
      try {
        const c = new TicketingClient(clientOptions(quirky), {});
        const t = await c.createTicket(ticket);
        const patched = await c.setResources(t.ticketId, []);
        expect(patched?.ticketId).toBe(t.ticketId);
        await expect(c.addComment(t.ticketId, { text: "x" })).resolves.toBeUndefined();
      } finally {
        await quirky.close();
      }
    });

    it("lists accounts and categories", async () => {
      const c = fast();
      const accounts = await c.getAccounts();
      expect(accounts.map((a) => a.id)).toContain("hybrid:100001");
      const categories = await c.getCategories();
      expect(categories.map((x) => x.name)).toEqual(expect.arrayContaining(["Change", "Incident"]));
    });

    it("validates a request body before sending anything", async () => {
      const c = fast();
      await expect(c.createTicket({ ...ticket, resources: ["not a url"] })).rejects.toThrow(/invalid request body: resources\[0\]/);
      expect(ops()).toEqual([]);
    });
  });

  describe("faults", () => {
    it("400 surfaces status, faultCode and message", async () => {
      const err = (await fast()
        .createTicket({ ...ticket, category: "Nope" })
        .catch((e: unknown) => e)) as RackspaceApiError;
      expect(err).toBeInstanceOf(BadRequestError);
      expect(err.status).toBe(400);
      expect(err.faultCode).toBe("badRequest");
      expect(err.apiMessage).toMatch(/categor/i);
      expect(err.message).toContain(`HTTP 400: badRequest: ${err.apiMessage}`);
    });

    it("404 ticketNotFound on an unknown ticket", async () => {
      const err = (await fast()
        .setResources("000000-sim-9999999", [])
        .catch((e: unknown) => e)) as RackspaceApiError;
      expect(err).toBeInstanceOf(NotFoundError);
      expect(err).toMatchObject({ status: 404, faultCode: "ticketNotFound", ticketId: "000000-sim-9999999" });
      expect(err.ticketGone).toBe(true);
      expect(err.message).toMatch(/pulumi refresh/);
    });

    it("an HTML 404 from a gateway is notFound but not proof the ticket is gone", async () => {
      const c = fast();
      const t = await c.createTicket(ticket);
      sim.injectFault({ operation: "patchTicket", kind: "status", status: 404, body: "<html><body><h1>404 Not Found</h1>nginx</body></html>", contentType: "text/html" });
      const err = (await c.closeTicket(t.ticketId).catch((e: unknown) => e)) as RackspaceApiError;
      expect(err).toBeInstanceOf(NotFoundError);
      expect(err.kind).toBe("notFound");
      expect(err.faultCode).toBeUndefined();
      expect(err.ticketGone).toBe(false);
      expect(err.message).not.toMatch(/does not exist/);
      expect(err.message).toMatch(/not proof the ticket is gone/);
      expect(err.message).toMatch(/rackspace:ticketingUrl/);
      expect(err.message).toMatch(/nothing was removed from the stack/i);
      expect(sim.getTicket(t.ticketId)?.status).not.toBe("Closed");
    });

    it("a 404 from a wrong base path (the API's own notFound fault) is not ticketGone either", async () => {
      const c = fast({ ticketingUrl: `${sim.ticketingUrl}/v2` });
      const err = (await c.addComment("000000-sim-0000001", { text: "x" }).catch((e: unknown) => e)) as RackspaceApiError;
      expect(err).toBeInstanceOf(NotFoundError);
      expect(err.faultCode).toBe("notFound");
      expect(err.ticketGone).toBe(false);
      expect(err.message).toMatch(/rackspace:ticketingUrl/);
    });

    it("a 502 on a create may follow a committed write: reported as may-have-been-applied and not re-sent", async () => {
      sim.injectFault({ operation: "createTicket", kind: "status", status: 502, count: 1 });
      const err = (await fast()
        .createTicket(ticket)
        .catch((e: unknown) => e)) as RackspaceApiError;
      expect(err).toBeInstanceOf(ServerError);
      expect(err.mayHaveBeenApplied).toBe(true);
      expect(err.message).toMatch(/createTicket failed: HTTP 502.*may have been applied/);
      // Not retried, so no retry budget to raise (POST /tickets is not idempotent).
      expect(err.message).toMatch(/Not retried after this answer \(the request is not idempotent\)\.$/);
      expect(err.message).not.toMatch(/retryBudgetMs/);
      expect(ops().filter((o) => o === "createTicket")).toHaveLength(1);
    });

    it("a 502 on a read is still retried", async () => {
      sim.injectFault({ operation: "getAccounts", kind: "status", status: 502, count: 1 });
      await fast().getAccounts();
      expect(sim.requests().filter((r) => r.operation === "getAccounts").map((r) => r.status)).toEqual([502, 200]);
    });

    it("a 400 on a comment says the ticket refused the change, not to fix categories", async () => {
      const c = fast();
      const t = await c.createTicket(ticket);
      await c.closeTicket(t.ticketId);
      const err = (await c.addComment(t.ticketId, { text: "too late" }).catch((e: unknown) => e)) as RackspaceApiError;
      expect(err).toBeInstanceOf(BadRequestError);
      expect(err.message).toMatch(/^addComment \(ticket .+\) failed: HTTP 400: badRequest: Ticket is closed\. /);
      expect(err.message).not.toMatch(/categor/i);
      expect(err.message).toMatch(/closed by Rackspace accepts no comments or resource changes/);
      expect(err.message).toMatch(/pulumi refresh/);
    });

    it("a 401 that survives a fresh token may be a missing permission, and the message says so", async () => {
      sim.injectFault({ operation: "addComment", kind: "status", status: 401, count: 2 });
      const c = fast();
      const t = await c.createTicket(ticket);
      const err = (await c.addComment(t.ticketId, { text: "x" }).catch((e: unknown) => e)) as RackspaceApiError;
      expect(err).toBeInstanceOf(AuthError);
      expect(ops().filter((o) => o === "token")).toHaveLength(2); // re-authenticated once
      expect(err.message).toMatch(/lacks permission/);
      expect(err.message).toMatch(/Edit Account Tickets/);
      expect(err.message).toMatch(/ticketing:admin/);
    });

    it("429 with Retry-After ends in success after waiting that long", async () => {
      sim.injectFault({ operation: "getAccounts", kind: "status", status: 429, retryAfter: "1", count: 1 });
      const t0 = Date.now();
      await fast().getAccounts();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
      expect(sim.requests().filter((r) => r.operation === "getAccounts").map((r) => r.status)).toEqual([429, 200]);
    });

    it("429 without Retry-After ends in success (limiter's next slot)", async () => {
      sim.injectFault({ operation: "createTicket", kind: "status", status: 429, count: 1 });
      const c = fast();
      const t = await c.createTicket(ticket);
      expect(t.ticketId).toMatch(/\S/);
      expect(sim.requests().filter((r) => r.operation === "createTicket").map((r) => r.status)).toEqual([429, 200]);
      expect(c.stats.http429).toBe(1);
    });

    it("429 without pacing is answered by the retries alone", async () => {
      sim.injectFault({ operation: "createTicket", kind: "status", status: 429, retryAfter: "1", count: 2 });
      const c = fast({ pacing: false });
      await c.createTicket(ticket);
      expect(sim.requests().filter((r) => r.operation === "createTicket").map((r) => r.status)).toEqual([429, 429, 200]);
    });

    it("503 is retried; a create that got 503 was not applied and is re-sent", async () => {
      sim.injectFault({ operation: "createTicket", kind: "status", status: 503, count: 2 });
      const before = sim.tickets().length;
      await fast().createTicket(ticket);
      expect(sim.requests().filter((r) => r.operation === "createTicket").map((r) => r.status)).toEqual([503, 503, 200]);
      expect(sim.tickets().length).toBe(before + 1);
    });

    it("a 5xx storm ends, within the attempt budget, in a ServerError that says what happened", async () => {
      sim.injectFault({ operation: "getAccounts", kind: "status", status: 503, count: 100 });
      const err = await fast({ retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 } })
        .getAccounts()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServerError);
      expect((err as ServerError).message).toMatch(/getAccounts failed: HTTP 503.*after 3 attempts/);
      expect(ops().filter((o) => o === "getAccounts")).toHaveLength(3);
    });

    it("a lost response on a create is reported as 'may have been applied' and not re-sent", async () => {
      sim.injectFault({ operation: "createTicket", kind: "drop-after", count: 1 });
      const before = sim.tickets().length;
      const err = (await fast()
        .createTicket(ticket)
        .catch((e: unknown) => e)) as RackspaceApiError;
      expect(err).toBeInstanceOf(NetworkError);
      expect(err.mayHaveBeenApplied).toBe(true);
      expect(err.message).toMatch(/may have been applied/);
      expect(ops().filter((o) => o === "createTicket")).toHaveLength(1);
      expect(sim.tickets().length).toBe(before + 1); // it was applied
    });

    it("a lost response on a comment is not re-sent either", async () => {
      const c = fast();
      const t = await c.createTicket(ticket);
      sim.injectFault({ operation: "addComment", kind: "drop-after", count: 1 });
      const err = (await c.addComment(t.ticketId, { text: "once" }).catch((e: unknown) => e)) as RackspaceApiError;
      expect(err.mayHaveBeenApplied).toBe(true);
      expect(ops().filter((o) => o === "addComment")).toHaveLength(1);
      expect(sim.getTicket(t.ticketId)?.comments.map((x) => x.text)).toEqual([ticket.comment.text, "once"]);
    });

    it("a lost response on a PATCH (idempotent) is retried", async () => {
      const c = fast();
      const t = await c.createTicket(ticket);
      sim.injectFault({ operation: "patchTicket", kind: "drop-after", count: 1 });
      await c.closeTicket(t.ticketId);
      expect(ops().filter((o) => o === "patchTicket")).toHaveLength(2);
    });

    it("a hung request times out and a read is retried", async () => {
      sim.injectFault({ operation: "getCategories", kind: "hang", count: 1 });
      const cats = await fast({ timeoutMs: 300 }).getCategories();
      expect(cats.length).toBeGreaterThan(0);
      expect(ops().filter((o) => o === "getCategories")).toHaveLength(2);
    });

    it("a PATCH answered 200 with a body that is not a Ticket is a success", async () => {
      const c = fast();
      const t = await c.createTicket(ticket);
      for (const body of [{}, { status: "Closed" }, "OK", ""]) {
        sim.injectFault({ operation: "patchTicket", kind: "status", status: 200, body, ...(typeof body === "string" ? { contentType: TICKETING_MEDIA_TYPE } : {}) });
        await expect(c.closeTicket(t.ticketId)).resolves.toBeUndefined();
      }
      expect(ops().filter((o) => o === "patchTicket")).toHaveLength(4);
    });

    it("a comment answered 200 with any body is a success", async () => {
      const c = fast();
      const t = await c.createTicket(ticket);
      for (const body of [{}, "OK", { ticketId: 5 }]) {
        sim.injectFault({ operation: "addComment", kind: "status", status: 200, body });
        await expect(c.addComment(t.ticketId, { text: "x" })).resolves.toBeUndefined();
      }
      expect(ops().filter((o) => o === "addComment")).toHaveLength(3);
    });

    it("a malformed success body is a clear InvalidResponseError; for a write, flagged may-have-been-applied", async () => {
      // A deliberately broken server: identity works, ticketing answers 200 with HTML.
      const broken = http.createServer((req, res) => {
        if (req.url === "/v2.0/tokens") {
          res.writeHead(200, { "Content-Type": "application/json" });
          res.end(JSON.stringify({ access: { token: { id: "tok", expires: new Date(Date.now() + 3_600_000).toISOString() } } }));
          return;
        }
        res.writeHead(200, { "Content-Type": "text/html" });
        res.end("<html>maintenance</html>");
      });
      await new Promise<void>((r) => broken.listen(0, "127.0.0.1", r));
      const url = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
      try {
        const c = new TicketingClient({ ticketingUrl: url, identityUrl: url, username: "u", apiKey: "k", windowMs: 1000 }, {});
        const err = (await c.createTicket(ticket).catch((e: unknown) => e)) as RackspaceApiError;
        expect(err).toBeInstanceOf(InvalidResponseError);
        expect(err.message).toMatch(/createTicket failed: HTTP 200: the response body is not JSON/);
        expect(err.mayHaveBeenApplied).toBe(true);
        const read = (await c.getAccounts().catch((e: unknown) => e)) as RackspaceApiError;
        expect(read).toBeInstanceOf(InvalidResponseError);
        expect(read.mayHaveBeenApplied).toBe(false);
      } finally {
        await new Promise((r) => broken.close(r));
      }
    });

    it("a connection refused is a NetworkError naming the URL, retried within the budget", async () => {
      const c = new TicketingClient({ ...clientOptions(sim), ticketingUrl: "http://127.0.0.1:9", retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 5 } }, {});
      const err = (await c.getAccounts().catch((e: unknown) => e)) as NetworkError;
      expect(err).toBeInstanceOf(NetworkError);
      expect(err.message).toMatch(/ECONNREFUSED.*http:\/\/127\.0\.0\.1:9/);
      expect(err.mayHaveBeenApplied).toBe(false);
    });
  });

  describe("Retry-After and the retry budget", () => {
    const farDate = "Wed, 21 Oct 2099 07:28:00 GMT";

    it.each([
      ["pacing on, seconds", true, "86400"],
      ["pacing on, an HTTP date", true, farDate],
      ["pacing off, seconds", false, "86400"],
    ])("429 with a Retry-After past the budget fails at once and says why (%s)", async (_name, pacing, retryAfter) => {
      sim.injectFault({ operation: "createTicket", kind: "status", status: 429, retryAfter, count: 1 });
      const c = fast({ pacing, retry: { budgetMs: 600_000, baseDelayMs: 20, maxDelayMs: 200 } });
      const t0 = Date.now();
      const err = (await c.createTicket(ticket).catch((e: unknown) => e)) as RateLimitedError;
      expect(Date.now() - t0).toBeLessThan(3_000);
      expect(err).toBeInstanceOf(RateLimitedError);
      expect(err.message).toMatch(/the API asked to wait \d+ s \(Retry-After\), more than rackspace:retryBudgetMs \(600 s\) allows/);
      expect(err.message).toMatch(/raise rackspace:retryBudgetMs/);
      expect(err.message).toMatch(/retry later/);
      expect(ops().filter((o) => o === "createTicket")).toHaveLength(1);
      // The rest of the process is not held for a day: the next create goes through.
      const t1 = Date.now();
      await c.createTicket({ ...ticket, subject: "next" });
      expect(Date.now() - t1).toBeLessThan(3_000);
    }, 15_000);

    it("a hold another request saw is not waited out past this request's own budget", async () => {
      sim.injectFault({ operation: "getAccounts", kind: "status", status: 429, retryAfter: "3", count: 1 });
      const patient = fast({ retry: { budgetMs: 10_000, baseDelayMs: 20, maxDelayMs: 200 } });
      const hasty = fast({ retry: { budgetMs: 500, baseDelayMs: 20, maxDelayMs: 200 } });
      const first = patient.getAccounts();
      for (let i = 0; i < 100 && !sim.requests().some((r) => r.status === 429); i++) await new Promise((r) => setTimeout(r, 10));
      const t0 = Date.now();
      const err = (await hasty.getCategories().catch((e: unknown) => e)) as RateLimitedError;
      expect(Date.now() - t0).toBeLessThan(1_000);
      expect(err).toBeInstanceOf(RateLimitedError);
      expect(err.message).toMatch(/wait \d+ s \(Retry-After\).*rackspace:retryBudgetMs \(0\.5 s\)/);
      expect(ops().filter((o) => o === "getCategories")).toHaveLength(0);
      await first;
    }, 15_000);

    it("503 with Retry-After waits that long, then succeeds", async () => {
      sim.injectFault({ operation: "getAccounts", kind: "status", status: 503, retryAfter: "1", count: 1 });
      const t0 = Date.now();
      await fast().getAccounts();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
      expect(sim.requests().filter((r) => r.operation === "getAccounts").map((r) => r.status)).toEqual([503, 200]);
    }, 15_000);

    it("503 with a Retry-After past the budget fails at once and says why", async () => {
      sim.injectFault({ operation: "getAccounts", kind: "status", status: 503, retryAfter: "86400", count: 1 });
      const t0 = Date.now();
      const err = (await fast({ retry: { budgetMs: 60_000 } })
        .getAccounts()
        .catch((e: unknown) => e)) as ServerError;
      expect(Date.now() - t0).toBeLessThan(3_000);
      expect(err).toBeInstanceOf(ServerError);
      expect(err.message).toMatch(/getAccounts failed: HTTP 503.*the API asked to wait 86400 s \(Retry-After\), more than rackspace:retryBudgetMs \(60 s\) allows/);
      expect(ops().filter((o) => o === "getAccounts")).toHaveLength(1);
    }, 15_000);
  });

  describe("identity URL", () => {
    it.each(["/v2.0", "/v2.0/", "/v2.0/tokens", "/"])("an identityUrl ending in %s authenticates at {base}/v2.0/tokens", async (suffix) => {
      const c = fast({ identityUrl: `${sim.identityUrl}${suffix}` });
      await c.getAccounts();
      const token = sim.requests().filter((r) => r.operation === "token");
      expect(token).toHaveLength(1);
      expect(token[0].status).toBe(200);
      expect(token[0].path).toBe("/v2.0/tokens");
    });
  });

  describe("pacing", () => {
    it("3 concurrent creates with a 1 s window take about 2 s and the simulator sees no 429", async () => {
      sim.setLimits({ create: 1 });
      const c = new TicketingClient(clientOptions(sim), {}); // default create limit: 1 per window
      const t0 = Date.now();
      const made = await Promise.all([1, 2, 3].map((i) => c.createTicket({ ...ticket, subject: `t${i}` })));
      const elapsed = Date.now() - t0;
      expect(made).toHaveLength(3);
      const creates = sim.requests().filter((r) => r.operation === "createTicket");
      expect(creates.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(elapsed).toBeGreaterThanOrEqual(2000);
      expect(c.stats.http429).toBe(0);
    });

    it("with the default margin (5 ms at 1 s), answers the server holds back never let a send into a full window", async () => {
      // The server counts a held request when it processes it, after the hold: a window
      // counted from the send would let the next one in 150 ms early. Counted from the
      // answer, it cannot, whatever the latency.
      sim.setLimits({ create: 5, comment: 2 });
      const c = new TicketingClient(clientOptions(sim, { limits: { create: 5, patch: 5, comment: 2, read: 100 } }), {});
      const t = await c.createTicket({ ...ticket, subject: "held answers" });
      sim.injectFault({ operation: "addComment", kind: "hang", ms: 150, count: 3 });
      await Promise.all([1, 2, 3, 4, 5, 6].map((i) => c.addComment(t.ticketId, { text: `note ${i}` })));
      const comments = sim.requests().filter((r) => r.operation === "addComment");
      expect(comments.map((r) => r.status)).toEqual([204, 204, 204, 204, 204, 204]);
      expect(comments.filter((r) => r.fault === "hang")).toHaveLength(3);
      expect(c.stats.http429).toBe(0);
    });
  });
});
